# Issue 14: Get-Help -Full SYNTAX says what Get-Command -Syntax says, for every cmdlet, so help cannot drift.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $commands = @(Get-Command -Module RolloutTools -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
}
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters + 'UseTransaction'

    # One line per parameter set: each parameter in the order PowerShell shows it (positional, then mandatory,
    # then the rest), with whether it is required, its position, its type and an enum's values.
    function Get-ActualSyntax([string] $Name) {
        foreach ($set in (Get-Command $Name).ParameterSets) {
            $parameters = @($set.Parameters | Where-Object Name -notin $common)
            $ordered = @($parameters | Where-Object Position -ge 0 | Sort-Object Position) +
                @($parameters | Where-Object { $_.Position -lt 0 -and $_.IsMandatory }) +
                @($parameters | Where-Object { $_.Position -lt 0 -and -not $_.IsMandatory })
            ($ordered | ForEach-Object {
                $type = $_.ParameterType
                $element = if ($type.IsArray) { $type.GetElementType() } else { $type }
                if ([Nullable]::GetUnderlyingType($element)) { $type = $element = [Nullable]::GetUnderlyingType($element) }
                $values = if ($element.IsEnum) { [enum]::GetNames($element) -join '|' } else { '' }
                $position = if ($_.Position -ge 0) { $_.Position } else { 'named' }
                "-$($_.Name) $($_.IsMandatory.ToString().ToLowerInvariant()) $position $($type.FullName) {$values}"
            }) -join '; '
        }
    }

    function Get-HelpSyntax([string] $Name) {
        foreach ($item in (Get-Help $Name -Full).syntax.syntaxItem) {
            ($item.parameter | ForEach-Object {
                $values = @($_.parameterValueGroup.parameterValue) -join '|'
                "-$($_.name) $($_.required) $($_.position) $($_.type.name) {$values}"
            }) -join '; '
        }
    }
}

Describe 'Help SYNTAX' {
    It 'Get-Help <Name> -Full shows the parameter sets, parameters and values Get-Command -Syntax shows' -ForEach $commands {
        Get-HelpSyntax $Name | Should -Be @(Get-ActualSyntax $Name)
    }

    It 'lists every RolloutFormat value for Get-AgentRollout -Format' {
        $format = (Get-Help Get-AgentRollout -Full).syntax.syntaxItem[0].parameter | Where-Object name -eq Format
        @($format.parameterValueGroup.parameterValue) | Should -Be ([enum]::GetNames([RolloutTools.Core.Model.RolloutFormat]))
    }
}
