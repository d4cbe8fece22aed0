BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Atif = Join-Path $SamplesRoot 'atif'
    $script:Session = '3c2e9b4a-7f1d-4e55-9a0b-1d2f6c8e4b71'
}

Describe 'ATIF trajectories' {
    It 'reads every sample under a jobs folder with -Recurse, one record per file plus embedded subagents' {
        $records = Get-AgentRollout $Atif -Recurse -ErrorAction Stop -WarningAction Stop
        $records.Count | Should -Be 8
        $records.Format | Sort-Object -Unique | Should -Be 'Atif'
        $records.SourceKind | Sort-Object -Unique | Should -Be 'atif'
        ($records | Where-Object IsSidechain).TraceId | Should -Be @('traj_5f0c2a9e:traj_5f0c2a9e-analyst-1', "${Session}:${Session}-summarization-1-summary")
        $main = $records | Where-Object TraceId -eq $Session
        $main.SourceMeta['continued_trajectory_ref'] | Should -Be 'trajectory.cont-1.json'
        ($records | Where-Object TraceId -eq "${Session}:cont-1").SourceMeta['continues'] | Should -BeLike '*hello-world__Kp2vR9d*trajectory.json'
    }

    It 'needs -Recurse for a jobs folder, and says so' {
        $records = Get-AgentRollout (Join-Path $Atif 'jobs') -WarningVariable warnings -WarningAction SilentlyContinue
        $records | Should -BeNullOrEmpty
        $warnings | Should -Match 'Add -Recurse'
    }

    It 'stitches a continuation into its trajectory with -StitchContinuations, and says why the continuation gives no record' {
        $trial = Join-Path $Atif 'jobs/2026-03-02__14-10-05/hello-world__Kp2vR9d/agent'
        $records = Get-AgentRollout $trial -StitchContinuations -Verbose 4>&1
        $verbose = $records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $records = $records | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $records.TraceId | Should -Be @($Session, "${Session}:${Session}-summarization-1-summary")
        $records[0].MessageCount | Should -Be 10
        $records[0].SourceMeta['stitched_files'].Count | Should -Be 2
        $records[0].InputTokens | Should -Be 2046
        ($verbose.Message -join "`n") | Should -Match 'trajectory\.cont-1\.json.*continues.*-StitchContinuations'
    }

    It 'stitches through ConvertTo-RolloutRecord too, and a continuation piped alone is read from its first file' {
        $trial = Join-Path $Atif 'jobs/2026-03-02__14-10-05/hello-world__Kp2vR9d/agent'
        $all = Get-ChildItem $trial -Filter 'trajectory*.json' | ConvertTo-RolloutRecord -StitchContinuations
        $all.TraceId | Should -Contain $Session
        $all.TraceId | Should -Not -Contain "${Session}:cont-1"
        $alone = Get-Item (Join-Path $trial 'trajectory.cont-1.json') | ConvertTo-RolloutRecord -StitchContinuations
        $alone.TraceId | Should -Be $Session
        $alone.MessageCount | Should -Be 10
        (Get-Item (Join-Path $trial 'trajectory.cont-1.json') | ConvertTo-RolloutRecord).TraceId | Should -Be "${Session}:cont-1"
    }

    It 'recognises a trajectory by its content, whatever the file is called' {
        Copy-Item (Join-Path $Atif 'jobs/2025-10-20__09-00-00/count-lines__a81fe2c/agent/trajectory.json') (Join-Path $TestDrive 'run-42.json')
        $record = Get-AgentRollout (Join-Path $TestDrive 'run-42.json')
        $record.Format | Should -Be 'Atif'
        $record.Title | Should -Be 'Count the lines of /data/events.log and write the number to /data/count.txt.'
        (Get-Content -Raw (Join-Path $TestDrive 'run-42.json') | ConvertTo-RolloutRecord).Format | Should -Be 'Atif'
    }

    It 'reads a trajectory named by -Format Atif only' {
        $folder = Join-Path $TestDrive 'mixed'
        New-Item -ItemType Directory $folder | Out-Null
        Copy-Item (Join-Path $Atif 'exports/notebook-agent/trajectory-traj_5f0c2a9e.json') $folder
        New-ClaudeSession -Path (Join-Path $folder 'claude.jsonl') | Out-Null
        (Get-AgentRollout $folder -Format Atif).TraceId | Should -Be @('traj_5f0c2a9e', 'traj_5f0c2a9e:traj_5f0c2a9e-analyst-1')
        (Get-AgentRollout $folder).Format | ForEach-Object ToString | Sort-Object -Unique | Should -Be @('Atif', 'ClaudeCode')
    }

    It 'is listed by Get-RolloutFormat without a default location, and Get-AgentRollout without a path never reads it' {
        $format = Get-RolloutFormat -Format Atif
        $format.SourceKind | Should -Be 'atif'
        $format.DefaultLocations | Should -BeNullOrEmpty
        $format.Present | Should -BeFalse
        $format.FilePatterns | Should -Be 'trajectory*.json'
        $env:CLAUDE_CONFIG_DIR = Join-Path $TestDrive 'none'
        $env:CODEX_HOME = Join-Path $TestDrive 'none'
        try {
            Push-Location $Atif
            Get-AgentRollout -Format Atif | Should -BeNullOrEmpty
        }
        finally {
            Pop-Location
            Remove-Item Env:CLAUDE_CONFIG_DIR, Env:CODEX_HOME -ErrorAction SilentlyContinue
        }
    }

    It 'reports a bad step by file and line and still returns the record' {
        $path = Join-Path $TestDrive 'trajectory.json'
        Set-Content -LiteralPath $path -Value @'
{
  "schema_version": "ATIF-v1.2",
  "session_id": "bad-step",
  "agent": {"name": "x", "version": "1"},
  "steps": [
    {"step_id": 1, "source": "user", "message": "hello"},
    {"step_id": 2, "source": "agent", "message": {"oops": true}},
    {"step_id": 3, "source": "agent", "message": "hi"}
  ]
}
'@
        $record = Get-AgentRollout $path -ErrorVariable problems -ErrorAction SilentlyContinue
        $record.MessageCount | Should -Be 2
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'RolloutParseError*'
        $problems[0].Exception.Message | Should -BeLike "*trajectory.json:7: step 2*"
    }

    It 'documents -StitchContinuations with an example' {
        foreach ($command in 'Get-AgentRollout', 'ConvertTo-RolloutRecord') {
            $help = Get-Help $command -Full
            ($help.parameters.parameter | Where-Object Name -eq StitchContinuations).description.Text | Should -Match 'continu'
            ($help.examples.example.code -join "`n") | Should -Match '-StitchContinuations'
        }
    }
}
