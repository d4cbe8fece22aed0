using System.Text;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Aider;

/// <summary>One line of a chat history file, without its line ending, with its 1-based number.</summary>
internal readonly record struct HistoryLine(int Number, string Text);

/// <summary>
/// The lines of an aider chat history. Aider ends every piece it appends with a newline (io.py
/// append_chat_history), so a last line without one is a write in progress: skipped with a warning. Invalid
/// UTF-8 is replaced and warned about at its line; aider writes with errors="ignore", so such bytes come from
/// something else touching the file.
/// </summary>
internal static class AiderHistoryFile
{
    public static List<HistoryLine> Read(Stream stream, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
        if (bytes.Span.StartsWith(Encoding.UTF8.Preamble)) bytes = bytes[3..];

        var lines = new List<HistoryLine>();
        var number = 0;
        while (!bytes.IsEmpty)
        {
            cancellation.ThrowIfCancellationRequested();
            number++;
            var end = bytes.Span.IndexOf((byte)'\n');
            if (end < 0)
            {
                diagnostics.Warn(RolloutDiagnostic.TruncatedLine, number, "the last line is incomplete (aider may still be writing); it was skipped.");
                break;
            }
            var line = Utf8Repair.Line(bytes[..end], diagnostics, number);
            var text = Encoding.UTF8.GetString(line.Span);
            lines.Add(new HistoryLine(number, text.EndsWith('\r') ? text[..^1] : text));
            bytes = bytes[(end + 1)..];
        }
        return lines;
    }
}
