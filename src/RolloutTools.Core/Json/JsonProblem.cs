using System.Text.Json;
using System.Text.RegularExpressions;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Json;

/// <summary>
/// The one way a parse failure is described: "path:line:column: not valid JSON: what". System.Text.Json appends
/// its own positions to its messages ("LineNumber: 0 | BytePositionInLine: 40."), counted from 0 and, for a line
/// parsed alone, from the start of that line, so they contradict the file's line the diagnostic names; they are
/// dropped, and the file's own line and column (both from 1) are given instead.
/// </summary>
public static partial class JsonProblem
{
    /// <summary>What the parser found wrong, in plain words: its message without positions or advice to a programmer.</summary>
    public static string What(JsonException e)
    {
        var what = Positions().Replace(e.Message, string.Empty);
        what = what.Replace(" Change the reader options.", string.Empty, StringComparison.Ordinal).Trim();
        return what.Length == 0 ? "the parser gave no reason." : what;
    }

    /// <summary>
    /// A value parsed on its own that starts <paramref name="lineOffset"/> bytes into line <paramref name="line"/>
    /// of the file: the column counts the bytes before it.
    /// </summary>
    public static void ReportInLine(DiagnosticList diagnostics, JsonException e, int line, long lineOffset, string consequence) =>
        diagnostics.ErrorAt(RolloutDiagnostic.ParseError, line, (int)(lineOffset + (e.BytePositionInLine ?? 0) + 1), $"not valid JSON: {Sentence(What(e))} {consequence}");

    /// <summary>A whole document: the parser's own line and position are the file's, counted from 0.</summary>
    public static void ReportInDocument(DiagnosticList diagnostics, JsonException e, string cause)
    {
        var detail = $"not valid JSON{cause}: {What(e)}";
        if (e.LineNumber is { } line) diagnostics.ErrorAt(RolloutDiagnostic.ParseError, (int)line + 1, (int)(e.BytePositionInLine ?? 0) + 1, detail);
        else diagnostics.Error(RolloutDiagnostic.ParseError, null, detail);
    }

    /// <summary>
    /// True when the parser stopped because the text ended inside a value, or between the values of an object or array
    /// still open ("Expected depth to be zero at the end of the JSON payload"): a file still being written, or cut off.
    /// </summary>
    public static bool EndsEarly(JsonException e) =>
        e.Message.Contains("end of data", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("depth to be zero at the end", StringComparison.OrdinalIgnoreCase);

    private static string Sentence(string what) => what.EndsWith('.') ? what : what + ".";

    [GeneratedRegex(@"\s*(Path: \S* \| )?LineNumber: \d+ \| BytePositionInLine: \d+\.?\s*$")]
    private static partial Regex Positions();
}
