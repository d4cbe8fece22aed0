using Parquet;
using Parquet.Serialization;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Export;

/// <summary>
/// Writes records as a Parquet dataset, one row per record (see <see cref="ParquetRecordRow"/> for the schema), in row
/// groups as records arrive: memory holds one row group, never the whole dataset. The file is valid Parquet from the
/// start (an empty dataset with the schema), and each full row group is appended by Parquet.Net, which rewrites the
/// footer after it; the <see cref="ExportFile"/> puts the file in place only when the export completes.
/// </summary>
public sealed class ParquetDatasetWriter
{
    /// <summary>
    /// Records per row group: large enough that readers scan few groups (Spark and DuckDB parallelize by group),
    /// small enough that a group of ordinary sessions stays within tens of megabytes.
    /// </summary>
    public const int DefaultRowGroupSize = 1000;

    /// <summary>
    /// A row group is written early once its records hold this many characters of text, so a run of very long
    /// sessions (or base64 images) does not hold a thousand of them in memory. Measured on a generated 200 MB corpus
    /// (871 records): a peak working set of 612 MB at 64M characters, 408 MB at 16M, 386 MB at 4M (where the
    /// smaller groups also cost time and compress worse); JSON lines of the same records peak at 220 MB.
    /// </summary>
    public const long RowGroupTextLimit = 16L * 1024 * 1024;

    private static readonly ParquetOptions Append = new() { Append = true };

    private readonly ExportFile _file;
    private readonly DatasetOptions _options;
    private readonly int _rowGroupSize;
    private readonly List<ParquetRecordRow> _rows = new();
    private long _rowsText;

    /// <param name="file">A new file (Parquet cannot be appended to as text is: the footer describes every row group).</param>
    /// <param name="options">The curation switches; the shape is the Normalized record's, so IncludeReasoning has no part (reasoning is always a column).</param>
    /// <param name="rowGroupSize">Records per row group, at most.</param>
    public ParquetDatasetWriter(ExportFile file, DatasetOptions options, int rowGroupSize = DefaultRowGroupSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupSize, 1);
        _file = file;
        _options = options;
        _rowGroupSize = rowGroupSize;
        _file.Write(stream => Run(async () =>
        {
            await using (await ParquetWriter.CreateAsync(typeof(ParquetRecordRow).GetParquetSchema(forWriting: true), stream)) { }
        }));
    }

    /// <summary>Records written so far, in complete row groups or waiting for the next.</summary>
    public int Count { get; private set; }

    /// <summary>Row groups written so far.</summary>
    public int RowGroups { get; private set; }

    /// <summary>Adds the record as a row, or returns false with the reason it is left out.</summary>
    public bool Add(RolloutRecord record, out string? rejection)
    {
        rejection = null;
        if (!_options.Includes(record))
        {
            rejection = DatasetOptions.ExcludedSidechain;
            return false;
        }
        var row = ParquetRecordRow.From(Curation.Apply(record, _options));
        _rows.Add(row);
        _rowsText += row.TextLength();
        Count++;
        if (_rows.Count >= _rowGroupSize || _rowsText >= RowGroupTextLimit) WriteRowGroup();
        return true;
    }

    /// <summary>Writes the rows still waiting; the file is then complete, for the ExportFile to commit.</summary>
    public void Complete()
    {
        if (_rows.Count > 0) WriteRowGroup();
    }

    private void WriteRowGroup()
    {
        var rows = _rows.ToArray();
        _file.Write(stream => Run(() => ParquetSerializer.SerializeAsync(rows, stream, Append)));
        _rows.Clear();
        _rowsText = 0;
        RowGroups++;
    }

    /// <summary>
    /// Parquet.Net's writing API is asynchronous and the cmdlets call synchronously: the work runs on the thread
    /// pool, so that a host's synchronization context (PowerShell hosts may install one) cannot deadlock the wait.
    /// </summary>
    private static void Run(Func<Task> write) => Task.Run(write).GetAwaiter().GetResult();
}
