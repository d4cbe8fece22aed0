namespace RolloutTools.Core.Reading;

public enum DiagnosticSeverity
{
    /// <summary>What was passed over and why, for -Verbose: nothing was lost.</summary>
    Note,
    /// <summary>Something the person should know; the data is still complete.</summary>
    Warning,
    /// <summary>Data was lost: a line or a file could not be read.</summary>
    Error,
}

/// <summary>
/// A problem found while reading one trace. ErrorId is stable so scripts can match it; the message names
/// the file and, where there is one, the line.
/// </summary>
public sealed record RolloutDiagnostic(DiagnosticSeverity Severity, string ErrorId, string Path, int? LineNumber, string Message)
{
    public const string ParseError = "RolloutParseError";
    public const string ReadError = "RolloutReadError";
    public const string FileNotFound = "RolloutFileNotFound";
    public const string NoUsableLines = "RolloutNoUsableLines";
    public const string TruncatedLine = "RolloutTruncatedLine";
    public const string InvalidUtf8 = "RolloutInvalidUtf8";
    public const string EmptyFile = "RolloutEmptyFile";
    public const string NulBytes = "RolloutNulBytes";
    public const string SidecarDamaged = "RolloutSidecarDamaged";
    public const string LineTooLong = "RolloutLineTooLong";
    public const string FolderUnreadable = "RolloutFolderUnreadable";
    public const string TracesInSubfolders = "RolloutTracesInSubfolders";
    public const string FilteredOut = "RolloutFilteredOut";
    public const string LocationMissing = "RolloutLocationMissing";
    public const string StoreReadWhole = "RolloutStoreReadWhole";
    public const string NoSessions = "RolloutNoSessions";
    public const string SessionNotFound = "RolloutSessionNotFound";

    /// <summary>The problem is a permission the person lacks, not damage; hosts report it so (PermissionDenied).</summary>
    public bool IsAccessDenied { get; init; }

    public override string ToString() => Message;
}

/// <summary>Collects the diagnostics of one file as it is read.</summary>
public sealed class DiagnosticList
{
    private readonly List<RolloutDiagnostic> _items = new();

    public DiagnosticList(string path)
    {
        Path = path;
    }

    /// <summary>The file the diagnostics are about, as the person named it.</summary>
    public string Path { get; }

    public IReadOnlyList<RolloutDiagnostic> Items => _items;

    public int ErrorCount => _items.Count(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>No record came of the file: one error when its lines were damaged, else a warning that it is empty.</summary>
    public void NothingRead()
    {
        if (ErrorCount > 0) NoRecord("no line could be read; no record.");
        else Warn(RolloutDiagnostic.EmptyFile, null, "the file holds no complete line yet; no record.");
    }

    /// <summary>A diagnostic about another file than this one (a sidecar the trace's reading used).</summary>
    public void Add(RolloutDiagnostic diagnostic) => _items.Add(diagnostic);

    /// <summary>Lines were read, and none of them makes a record: one error saying why.</summary>
    public void NoRecord(string detail) => Error(RolloutDiagnostic.NoUsableLines, null, detail);

    public void Warn(string errorId, int? line, string detail) => Add(DiagnosticSeverity.Warning, errorId, line, detail);

    public void Error(string errorId, int? line, string detail) => Add(DiagnosticSeverity.Error, errorId, line, detail);

    /// <summary>An error at a place within a line: "path:line:column: detail", as compilers and editors name it.</summary>
    public void ErrorAt(string errorId, int line, int column, string detail) => Add(DiagnosticSeverity.Error, errorId, line, detail, column);

    private void Add(DiagnosticSeverity severity, string errorId, int? line, string detail, int? column = null)
    {
        var where = line is { } n ? column is { } c ? $"{Path}:{n}:{c}" : $"{Path}:{n}" : Path;
        _items.Add(new RolloutDiagnostic(severity, errorId, Path, line, $"{where}: {detail}"));
    }
}
