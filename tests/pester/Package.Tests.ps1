# The package a person would publish: built from the module folder, put in a file repository, found by command name.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $manifest = Import-PowerShellDataFile $ModulePath
    $repositoryFolder = Join-Path $TestDrive 'repository'
    New-Item -ItemType Directory -Path $repositoryFolder | Out-Null
    Compress-PSResource -Path (Split-Path $ModulePath) -DestinationPath $repositoryFolder
    $nupkg = Get-ChildItem $repositoryFolder -Filter 'RolloutTools.*.nupkg'
    $repositoryName = 'RolloutToolsTest{0:N}' -f [guid]::NewGuid()
    # PSResourceGet keeps its repository list in LocalApplicationData/PSResourceGet/PSResourceRepository.xml, on Linux
    # and macOS $XDG_DATA_HOME (else ~/.local/share). When that folder does not exist .NET returns an empty path and
    # the list is written relative to the current directory: how a stray one once landed in the repository tree. So
    # each child gets an existing TestDrive folder as XDG_DATA_HOME, and starts in TestDrive.
    $dataHome = Join-Path $TestDrive 'data'
    New-Item -ItemType Directory -Path $dataHome | Out-Null

    function Invoke-PSResourceGet([string] $Script) {
        <# Runs a script in a child pwsh whose PSResourceGet settings live in TestDrive; returns its output. #>
        $saved = $env:XDG_DATA_HOME
        $env:XDG_DATA_HOME = $dataHome
        Push-Location $TestDrive
        try {
            $output = dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command "`$ErrorActionPreference = 'Stop'; $Script" 2>&1
            if ($LASTEXITCODE -ne 0) { throw "The child pwsh failed: $output" }
            $output
        }
        finally {
            Pop-Location
            $env:XDG_DATA_HOME = $saved
        }
    }

    Invoke-PSResourceGet "Register-PSResourceRepository -Name $repositoryName -Uri '$repositoryFolder' -Trusted" | Out-Null
}

AfterAll {
    Invoke-PSResourceGet "Unregister-PSResourceRepository -Name $repositoryName" | Out-Null
}

Describe 'Package' {
    It 'is one nupkg named for the manifest version' {
        $nupkg | Should -HaveCount 1
        $nupkg.Name | Should -Be "RolloutTools.$($manifest.ModuleVersion).nupkg"
    }

    It 'holds the MIT LICENSE and no debug symbols' {
        $zip = [System.IO.Compression.ZipFile]::OpenRead($nupkg.FullName)
        try { $entries = $zip.Entries.FullName } finally { $zip.Dispose() }
        $entries | Should -Contain 'LICENSE'
        $entries | Where-Object { $_ -like '*.pdb' } | Should -BeNullOrEmpty
        Join-Path (Split-Path $ModulePath) 'LICENSE' | Should -FileContentMatch 'Copyright \(c\) 2026 RolloutTools contributors'
    }

    It 'has release notes and no placeholder addresses in its manifest' {
        $psData = $manifest.PrivateData.PSData
        $psData.ReleaseNotes | Should -Match 'Export-RolloutTranscript'
        $psData.Keys | Should -Not -Contain 'ProjectUri'
        $psData.Keys | Should -Not -Contain 'LicenseUri'
        Get-Content $ModulePath -Raw | Should -Not -Match 'example\.invalid'
    }

    It 'tags every exported cmdlet, as Find-PSResource -CommandName needs' {
        foreach ($name in $manifest.CmdletsToExport) { $manifest.PrivateData.PSData.Tags | Should -Contain "PSCommand_$name" }
    }

    It 'is found in a file repository by Find-PSResource -CommandName Get-AgentRollout' {
        $found = Invoke-PSResourceGet "
            `$found = Find-PSResource -CommandName Get-AgentRollout -Repository $repositoryName
            '{0} {1} {2}' -f (`$found.Names -join ','), `$found.ParentResource.Name, `$found.ParentResource.Version"
        $found | Should -Be "Get-AgentRollout RolloutTools $($manifest.ModuleVersion)"
    }

    It 'saves from that repository and imports with its cmdlets' {
        $installed = Join-Path $TestDrive 'installed'
        New-Item -ItemType Directory -Path $installed | Out-Null
        $names = Invoke-PSResourceGet "
            Save-PSResource -Name RolloutTools -Repository $repositoryName -Path '$installed' -TrustRepository -Quiet
            Import-Module (Get-ChildItem '$installed' -Recurse -Filter RolloutTools.psd1).FullName
            (Get-Command -Module RolloutTools).Name"
        $names | Sort-Object | Should -Be ($manifest.CmdletsToExport | Sort-Object)
        Get-ChildItem $installed -Recurse -Filter '*.pdb' | Should -BeNullOrEmpty
    }

    It 'runs its native reader once installed, though a package keeps no execute bits' {
        $installed = Join-Path $TestDrive 'installed-native'
        New-Item -ItemType Directory -Path $installed | Out-Null
        $codex = Join-Path $script:SamplesRoot 'codex'
        $verbose = Invoke-PSResourceGet "
            Save-PSResource -Name RolloutTools -Repository $repositoryName -Path '$installed' -TrustRepository -Quiet
            Import-Module (Get-ChildItem '$installed' -Recurse -Filter RolloutTools.psd1).FullName
            Measure-AgentRollout -Path '$codex' -Recurse -Verbose 4>&1 | Where-Object { `$_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message"

        "$verbose" | Should -Match 'Reading with the native reader'
        "$verbose" | Should -Not -Match 'Reading in this process instead'
    }

    It 'keeps the repository list in TestDrive, never in the repository tree' {
        Join-Path $dataHome 'PSResourceGet/PSResourceRepository.xml' | Should -FileContentMatch $repositoryName
        Join-Path $PSScriptRoot '../../PSResourceGet' | Should -Not -Exist
        Join-Path $PSScriptRoot 'PSResourceGet' | Should -Not -Exist
        Join-Path $TestDrive 'PSResourceGet' | Should -Not -Exist
    }
}
