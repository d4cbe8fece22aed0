BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $commands = Get-Command -Module RolloutTools -CommandType Cmdlet
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
}

Describe 'RolloutTools module' {
    It 'exports exactly the cmdlets its manifest names' {
        $manifest = Import-PowerShellDataFile $ModulePath
        $manifest.CmdletsToExport | Sort-Object | Should -Be ((Get-Command -Module RolloutTools).Name | Sort-Object)
        $manifest.CmdletsToExport | Should -Not -Contain '*'
    }

    It 'uses approved verbs only' {
        (Get-Command -Module RolloutTools).Verb | Should -BeIn (Get-Verb).Verb
    }

    It 'has the same version in the manifest and the assembly' {
        $module = Get-Module RolloutTools
        $assembly = [RolloutTools.Core.Model.RolloutRecord].Assembly.GetName().Version
        "$($assembly.Major).$($assembly.Minor).$($assembly.Build)" | Should -Be "$($module.Version)"
    }

    It 'completes -Format values' {
        $line = 'Get-AgentRollout -Format Cl'
        $completion = [System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null)
        $completion.CompletionMatches.CompletionText | Should -Contain 'ClaudeCode'
    }
}

Describe 'Help for <_.Name>' -ForEach $commands {
    BeforeAll {
        $command = $_
        $help = Get-Help $command.Name -Full
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "*$($command.Name)*[[]*"
        ($help.Description.Text -join '') | Should -Not -BeNullOrEmpty
    }

    It 'has at least two examples with code' {
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        @($help.Examples.Example) | ForEach-Object { $_.Code | Should -Not -BeNullOrEmpty }
    }

    It 'describes every parameter' {
        $documented = @{}
        foreach ($parameter in $help.Parameters.Parameter) { $documented[$parameter.Name] = ($parameter.Description.Text -join '') }
        foreach ($name in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $documented[$name] | Should -Not -BeNullOrEmpty -Because "-$name needs a description"
        }
    }

    It 'declares its output type' {
        $command.OutputType.Name | Should -Not -BeNullOrEmpty
        $command.OutputType.Name | Should -Match '^(RolloutTools\.Core\.|System\.(IO\.FileInfo|String)$)'
    }
}

Describe 'Package' {
    It 'packs into a nupkg that PSResourceGet saves from a repository and that imports' {
        $packages = Join-Path $TestDrive 'packages'
        $installed = Join-Path $TestDrive 'installed'
        New-Item -ItemType Directory -Path $packages, $installed | Out-Null
        Compress-PSResource -Path (Split-Path $ModulePath) -DestinationPath $packages
        $nupkg = Get-ChildItem $packages -Filter 'RolloutTools.*.nupkg'
        $nupkg | Should -HaveCount 1

        # A child process with its own home, so its repository list never touches the user's settings.
        $realHome = $env:HOME
        $env:HOME = Join-Path $TestDrive 'home'
        New-Item -ItemType Directory -Path $env:HOME | Out-Null
        try {
            $names = dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command "
                Register-PSResourceRepository -Name RolloutToolsTest -Uri '$packages' -Trusted
                Save-PSResource -Name RolloutTools -Repository RolloutToolsTest -Path '$installed' -TrustRepository -Quiet -ErrorAction Stop
                Import-Module (Get-ChildItem '$installed' -Recurse -Filter RolloutTools.psd1).FullName
                (Get-Command -Module RolloutTools).Name"
        }
        finally {
            $env:HOME = $realHome
        }
        Join-Path $TestDrive 'home/.local/share/PSResourceGet/PSResourceRepository.xml' | Should -Exist
        $names | Should -Contain 'Get-AgentRollout'
        $names | Should -Contain 'ConvertTo-RolloutRecord'
    }
}
