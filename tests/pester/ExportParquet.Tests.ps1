BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $records = Get-AgentRollout -Path $SamplesRoot -Recurse
    # Parquet.Net as the module ships it: the file reads back with the library from the module's own folder.
    Add-Type -Path (Join-Path (Get-Module RolloutTools).ModuleBase 'Parquet.dll')

    function Read-ParquetRows([string] $Path) {
        $stream = [IO.File]::OpenRead($Path)
        try {
            [Parquet.Serialization.ParquetSerializer]::DeserializeUntypedAsync($stream, $null, $null, [Threading.CancellationToken]::None).GetAwaiter().GetResult().Data
        } finally {
            $stream.Dispose()
        }
    }

    function Get-Magic([string] $Path) {
        $bytes = [IO.File]::ReadAllBytes($Path)
        [Text.Encoding]::ASCII.GetString($bytes, 0, 4), [Text.Encoding]::ASCII.GetString($bytes, $bytes.Length - 4, 4)
    }
}

Describe 'Export-AgentRollout -As Parquet' {
    It 'writes one row per record, a Parquet file from its first bytes to its last' {
        $records.Count | Should -BeGreaterThan 20
        $data = Join-Path $TestDrive 'data.parquet'
        $file = Get-AgentRollout -Path $SamplesRoot -Recurse | Export-AgentRollout -As Parquet -Path $data -PassThru
        $file.FullName | Should -Be $data
        $file.Length | Should -BeGreaterThan 0
        Get-Magic $data | Should -Be 'PAR1', 'PAR1'
        Get-ChildItem -LiteralPath $TestDrive -Force -Filter '*.tmp' | Should -BeNullOrEmpty

        $rows = Read-ParquetRows $data
        $rows.Count | Should -Be $records.Count
        for ($i = 0; $i -lt $records.Count; $i++) {
            $rows[$i]['trace_id'] | Should -Be $records[$i].TraceId
            $rows[$i]['format'] | Should -Be "$($records[$i].Format)"
            $rows[$i]['total_tokens'] | Should -Be $records[$i].TotalTokens
            $rows[$i]['messages'].Count | Should -Be $records[$i].MessageCount
        }
    }

    It 'writes a valid empty dataset when no record arrives' {
        $empty = Join-Path $TestDrive 'empty.parquet'
        @() | Export-AgentRollout -As Parquet -Path $empty
        Get-Magic $empty | Should -Be 'PAR1', 'PAR1'
        @(Read-ParquetRows $empty).Count | Should -Be 0
    }

    It 'refuses -Append and leaves the file as it was' {
        $data = Join-Path $TestDrive 'kept.parquet'
        $records | Select-Object -First 2 | Export-AgentRollout -As Parquet -Path $data
        $before = Get-FileHash -LiteralPath $data
        { $records | Export-AgentRollout -As Parquet -Path $data -Append -ErrorAction Stop } |
            Should -Throw -ErrorId 'RolloutExportParquetAppend,RolloutTools.Commands.ExportAgentRolloutCommand'
        (Get-FileHash -LiteralPath $data).Hash | Should -Be $before.Hash
    }

    It 'gives one shard per worker with -Partition, together every record once' {
        $shards = 0..2 | ForEach-Object {
            $path = Join-Path $TestDrive "part-$_.parquet"
            Get-AgentRollout -Path $SamplesRoot -Recurse -Partition $_ -PartitionCount 3 | Export-AgentRollout -As Parquet -Path $path
            $path
        }
        $ids = $shards | ForEach-Object { (Read-ParquetRows $_) | ForEach-Object { $_['trace_id'] } }
        $ids.Count | Should -Be $records.Count
        ($ids | Sort-Object) | Should -Be ($records.TraceId | Sort-Object)
    }
}
