using System.Buffers;
using System.Text;
using System.Text.Unicode;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Json;

/// <summary>
/// Invalid UTF-8 in a trace (a writer cut a multi-byte character, a file spliced from two encodings) is
/// replaced with U+FFFD and warned about, rather than costing the text around it.
/// </summary>
internal static class Utf8Repair
{
    /// <summary>One line of JSONL: itself when it is valid; otherwise a repaired copy, with a warning at its line.</summary>
    public static ReadOnlyMemory<byte> Line(ReadOnlyMemory<byte> text, DiagnosticList diagnostics, int lineNumber) =>
        Utf8.IsValid(text.Span) ? text : Repaired(text.Span, diagnostics, lineNumber);

    /// <summary>A whole JSON document: the warning names the line of the first invalid byte.</summary>
    public static ReadOnlyMemory<byte> Document(ReadOnlyMemory<byte> text, DiagnosticList diagnostics) =>
        Utf8.IsValid(text.Span) ? text : Repaired(text.Span, diagnostics, LineOfFirstInvalid(text.Span));

    private static byte[] Repaired(ReadOnlySpan<byte> text, DiagnosticList diagnostics, int? lineNumber)
    {
        diagnostics.Warn(RolloutDiagnostic.InvalidUtf8, lineNumber, "invalid UTF-8 bytes were replaced with U+FFFD.");
        return Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(text));
    }

    private static int? LineOfFirstInvalid(ReadOnlySpan<byte> text)
    {
        var offset = 0;
        while (offset < text.Length)
        {
            if (Rune.DecodeFromUtf8(text[offset..], out _, out var consumed) == OperationStatus.InvalidData)
            {
                return text[..offset].Count((byte)'\n') + 1;
            }
            offset += consumed;
        }
        return null;
    }
}
