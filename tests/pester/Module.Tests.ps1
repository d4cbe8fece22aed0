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
