BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    # What a C# caller gets from Core's plan: records, errors and warnings, in the cmdlet's own words.
    function Invoke-Plan {
        param([string[]] $Path, [RolloutTools.Core.Model.RolloutFormat[]] $Format, [switch] $Recurse, [string] $Filter, [string[]] $Id)
        $plan = [RolloutTools.Core.Reading.ReadPlan]@{ Search = [RolloutTools.Core.Discovery.TraceSearch]@{ Recurse = [bool]$Recurse; Filter = $Filter }; Ids = $Id }
        $problems = if ($Path) { foreach ($p in $Path) { $plan.AddPath($p, $Format) } } else { $plan.AddDefaultLocations($Format) }
        $results = @($plan.Read([RolloutTools.Core.Reading.ReadOptions]::new(), [System.Threading.CancellationToken]::None))
        $diagnostics = @($problems) + @($results.Diagnostics) + @($plan.NotFound())
        [pscustomobject]@{
            Records  = @($results.Record | Where-Object { $_ } | ForEach-Object { "$($_.TraceId) $($_.SourcePath)" })
            Errors   = @($diagnostics | Where-Object Severity -EQ 'Error' | ForEach-Object { "$($_.ErrorId): $($_.Message)" })
            Warnings = @($diagnostics | Where-Object Severity -EQ 'Warning' | ForEach-Object Message)
        }
    }

    # The same through Get-AgentRollout; the closing count of unrecognised files is the cmdlet's own summary.
    function Invoke-Cmdlet {
        param([hashtable] $Parameters)
        $records = Get-AgentRollout @Parameters -ErrorVariable errors -ErrorAction SilentlyContinue -WarningVariable warnings -WarningAction SilentlyContinue
        [pscustomobject]@{
            Records  = @($records | ForEach-Object { "$($_.TraceId) $($_.SourcePath)" })
            Errors   = @($errors | ForEach-Object { "$($_.FullyQualifiedErrorId.Split(',')[0]): $($_.Exception.Message)" })
            Warnings = @($warnings | ForEach-Object Message | Where-Object { $_ -notlike 'Skipped * not agent traces*' })
        }
    }

    function Assert-Same($Cmdlet, $Plan) {
        $Cmdlet.Records | Should -Be $Plan.Records
        $Cmdlet.Errors | Should -Be $Plan.Errors
        $Cmdlet.Warnings | Should -Be $Plan.Warnings
    }
}

Describe 'Core''s read plan is the whole of what Get-AgentRollout reads' {
    BeforeAll {
        $root = Join-Path $TestDrive 'mixed'
        Copy-Item -Recurse (Join-Path $SamplesRoot 'claude-code') (Join-Path $root 'claude')
        Copy-Item -Recurse (Join-Path $SamplesRoot 'codex') (Join-Path $root 'codex')
        Set-Content -LiteralPath (Join-Path $root 'metrics.jsonl') -Value '{"metric":"latency","value":12}'
        Set-Content -LiteralPath (Join-Path $root 'claude/projects/-home-dev-harbor-api/0badc0de-0000-4000-8000-000000000000.jsonl') -Value '{"type":"user","uuid":', '{oops'
    }

    It 'gives the same records, errors and warnings for a folder searched all the way down' {
        $cmdlet = Invoke-Cmdlet @{ Path = $root; Recurse = $true }
        $cmdlet.Records.Count | Should -BeGreaterThan 15
        $cmdlet.Errors | Should -Not -BeNullOrEmpty
        Assert-Same $cmdlet (Invoke-Plan -Path $root -Recurse)
    }

    It 'gives the same for one format named, and for a filter' {
        Assert-Same (Invoke-Cmdlet @{ Path = $root; Recurse = $true; Format = 'Codex' }) (Invoke-Plan -Path $root -Recurse -Format Codex)
        Assert-Same (Invoke-Cmdlet @{ Path = $root; Recurse = $true; Filter = 'rollout-2025*' }) (Invoke-Plan -Path $root -Recurse -Filter 'rollout-2025*')
    }

    It 'gives the same warning for a folder whose traces are all in subfolders' {
        $nested = Join-Path $TestDrive 'nested'
        Copy-Item -Recurse (Join-Path $root 'codex/sessions/2026') (Join-Path $nested '2026')
        $cmdlet = Invoke-Cmdlet @{ Path = $nested }
        $cmdlet.Warnings | Should -BeLike "No trace files directly in*"
        Assert-Same $cmdlet (Invoke-Plan -Path $nested)
    }

    It 'gives the same for a folder laid out as an agent''s store, read whole' {
        $codex = Join-Path $root 'codex'
        $cmdlet = Invoke-Cmdlet @{ Path = $codex }
        $cmdlet.Records.Count | Should -Be 13
        Assert-Same $cmdlet (Invoke-Plan -Path $codex)
    }

    It 'gives the same for sessions asked for by id' {
        $claude = Join-Path $root 'claude'
        $cmdlet = Invoke-Cmdlet @{ Path = $claude; Id = '2cb29738', 'nosuch', '0badc0de' }
        $cmdlet.Records.Count | Should -Be 3
        $cmdlet.Errors | Should -Contain "RolloutSessionNotFound: Cannot find a session whose id is or begins with 'nosuch'."
        Assert-Same $cmdlet (Invoke-Plan -Path $claude -Id '2cb29738', 'nosuch', '0badc0de')
    }

    It 'gives the same warning when no default location exists' {
        $env:CLAUDE_CONFIG_DIR = Join-Path $TestDrive 'none/claude'
        $env:CODEX_HOME = Join-Path $TestDrive 'none/codex'
        $env:PI_CODING_AGENT_DIR = Join-Path $TestDrive 'none/pi'
        try {
            $cmdlet = Invoke-Cmdlet @{}
            $cmdlet.Warnings | Should -BeLike 'No agent sessions found in the default locations of * formats: *'
            Assert-Same $cmdlet (Invoke-Plan)
        }
        finally {
            Remove-Item Env:CLAUDE_CONFIG_DIR, Env:CODEX_HOME, Env:PI_CODING_AGENT_DIR
        }
    }

    It 'gives the same for the default locations' {
        $env:CLAUDE_CONFIG_DIR = Join-Path $root 'claude'
        $env:CODEX_HOME = Join-Path $root 'codex'
        $env:PI_CODING_AGENT_DIR = Join-Path $TestDrive 'none/pi'
        try {
            $cmdlet = Invoke-Cmdlet @{}
            $cmdlet.Records.Count | Should -BeGreaterThan 15
            Assert-Same $cmdlet (Invoke-Plan)
        }
        finally {
            Remove-Item Env:CLAUDE_CONFIG_DIR, Env:CODEX_HOME, Env:PI_CODING_AGENT_DIR
        }
    }
}
