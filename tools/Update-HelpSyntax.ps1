#Requires -Version 7.4
<#
.SYNOPSIS
    Rewrites the SYNTAX sections of the module's MAML help from the built cmdlets.
.DESCRIPTION
    A parameter added, a parameter set changed or a format added (every -Format lists the RolloutFormat values)
    changes what Get-Command -Syntax shows; tests/pester/HelpSyntax.Tests.ps1 fails until the help says the same.
    This writes each cmdlet's <command:syntax> from Get-Command, in the order PowerShell shows parameters
    (positional, then mandatory, then the rest), and leaves every description as it is.
.EXAMPLE
    dotnet pwsh ./build.ps1 help-syntax
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $HelpPath
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
$common = [System.Management.Automation.PSCmdlet]::CommonParameters + 'UseTransaction'

function Get-TypeName([type] $Type) {
    if ($Type.IsArray) { return (Get-TypeName $Type.GetElementType()) + '[]' }
    if ([Nullable]::GetUnderlyingType($Type)) { return Get-TypeName ([Nullable]::GetUnderlyingType($Type)) }
    $Type.Name
}

function Get-FullTypeName([type] $Type) {
    if ([Nullable]::GetUnderlyingType($Type)) { return [Nullable]::GetUnderlyingType($Type).FullName }
    $Type.FullName
}

function Format-Parameter([System.Management.Automation.CommandParameterInfo] $Parameter, [string] $Indent, [hashtable] $Defaults) {
    $type = $Parameter.ParameterType
    $element = if ($type.IsArray) { $type.GetElementType() } else { $type }
    if ([Nullable]::GetUnderlyingType($element)) { $element = [Nullable]::GetUnderlyingType($element) }
    $pipeline = @(if ($Parameter.ValueFromPipeline) { 'ByValue' }; if ($Parameter.ValueFromPipelineByPropertyName) { 'ByPropertyName' })
    $pipelineText = if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }
    $position = if ($Parameter.Position -ge 0) { $Parameter.Position } else { 'named' }
    $aliases = if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }
    $globbing = [bool]($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
    $isSwitch = $type -eq [System.Management.Automation.SwitchParameter]
    $lines = @("$Indent<command:parameter required=`"$($Parameter.IsMandatory.ToString().ToLowerInvariant())`" variableLength=`"$($type.IsArray.ToString().ToLowerInvariant())`" globbing=`"$($globbing.ToString().ToLowerInvariant())`" pipelineInput=`"$pipelineText`" position=`"$position`" aliases=`"$aliases`">")
    $lines += "$Indent  <maml:name>$($Parameter.Name)</maml:name>"
    if ($element.IsEnum) {
        $lines += "$Indent  <command:parameterValueGroup>"
        $lines += [enum]::GetNames($element) | ForEach-Object { "$Indent    <command:parameterValue required=`"false`" command:variableLength=`"false`">$_</command:parameterValue>" }
        $lines += "$Indent  </command:parameterValueGroup>"
    }
    if (-not $isSwitch) {
        $lines += "$Indent  <command:parameterValue required=`"true`" variableLength=`"$($type.IsArray.ToString().ToLowerInvariant())`">$(Get-TypeName $type)</command:parameterValue>"
    }
    $lines += "$Indent  <dev:type>", "$Indent    <maml:name>$(Get-FullTypeName $type)</maml:name>", "$Indent    <maml:uri />", "$Indent  </dev:type>"
    if ($Defaults.ContainsKey($Parameter.Name)) { $lines += "$Indent  <dev:defaultValue>$($Defaults[$Parameter.Name])</dev:defaultValue>" }
    $lines += "$Indent</command:parameter>"
    $lines
}

# The default values the PARAMETERS section of a cmdlet's help gives, by parameter name (already XML-escaped).
function Get-Default([string] $Block) {
    $defaults = @{}
    $parameters = [regex]::Match($Block, '(?s)<command:parameters>(.*?)</command:parameters>').Groups[1].Value
    foreach ($m in [regex]::Matches($parameters, '(?s)<command:parameter [^>]*>\s*<maml:name>([^<]+)</maml:name>.*?(?:<dev:defaultValue>([^<]*)</dev:defaultValue>.*?)?</command:parameter>')) {
        if ($m.Groups[2].Success) { $defaults[$m.Groups[1].Value] = $m.Groups[2].Value }
    }
    $defaults
}

function Format-Syntax([string] $Name, [hashtable] $Defaults) {
    $lines = @('    <command:syntax>')
    foreach ($set in (Get-Command $Name).ParameterSets) {
        $parameters = @($set.Parameters | Where-Object Name -notin $common)
        $ordered = @($parameters | Where-Object Position -ge 0 | Sort-Object Position) +
            @($parameters | Where-Object { $_.Position -lt 0 -and $_.IsMandatory }) +
            @($parameters | Where-Object { $_.Position -lt 0 -and -not $_.IsMandatory })
        $lines += '      <command:syntaxItem>', "        <maml:name>$Name</maml:name>"
        $lines += $ordered | ForEach-Object { Format-Parameter $_ '        ' $Defaults }
        $lines += '      </command:syntaxItem>'
    }
    $lines += '    </command:syntax>'
    $lines -join "`n"
}

$text = [System.IO.File]::ReadAllText($HelpPath)
$module = Split-Path $ModulePath -LeafBase
foreach ($command in Get-Command -Module $module -CommandType Cmdlet) {
    $pattern = "(?s)(<command:name>$([regex]::Escape($command.Name))</command:name>.*?)    <command:syntax>.*?</command:syntax>"
    if ($text -notmatch $pattern) { Write-Warning "No help with a SYNTAX section for $($command.Name)."; continue }
    $block = [regex]::Match($text, "(?s)<command:name>$([regex]::Escape($command.Name))</command:name>.*?</command:command>").Value
    $syntax = Format-Syntax $command.Name (Get-Default $block)
    $text = [regex]::Replace($text, $pattern, { param($m) $m.Groups[1].Value + $syntax }, 'None', [timespan]::FromSeconds(10))
}
[System.IO.File]::WriteAllText($HelpPath, $text)
Write-Host "Rewrote the SYNTAX sections of $HelpPath."
