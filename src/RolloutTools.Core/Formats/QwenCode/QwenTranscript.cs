using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.QwenCode;

/// <summary>
/// Every record of one Qwen Code chat file, in file order, with what the file says about the session as a
/// whole. Qwen Code appends records and never rewrites them; two records glued on one line (an append after a
/// write that lost its newline) are both read by the line reader.
/// </summary>
internal sealed class QwenTranscript
{
    private readonly Dictionary<string, long> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _subtypes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _unknownParts = new(StringComparer.Ordinal);
    private readonly List<string> _versions = new();

    public List<QwenEntry> Entries { get; } = new();

    /// <summary>JSON values read, whatever they hold.</summary>
    public int Values { get; private set; }

    /// <summary>Values without a string "type" or without a uuid: not records Qwen Code would load.</summary>
    public int UntypedValues { get; private set; }

    public IReadOnlyDictionary<string, long> RecordTypes => _types;

    public IReadOnlyDictionary<string, long> Subtypes => _subtypes;

    public IReadOnlyDictionary<string, long> UnknownPartTypes => _unknownParts;

    public IReadOnlyList<string> Versions => _versions;

    /// <summary>The last custom_title record's title: /rename or the auto title, re-anchored near the end of the file every 32 KB.</summary>
    public string? CustomTitle { get; private set; }

    public string? TitleSource { get; private set; }

    public string? ParentSessionId { get; private set; }

    public string? SourceType { get; private set; }

    public string? ForkedFromSession { get; private set; }

    public long ContextWindowSize { get; private set; }

    public static QwenTranscript Parse(Stream stream, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var transcript = new QwenTranscript();
        JsonLineReader.ReadEach(stream, diagnostics, line => transcript.Add(line), cancellation);
        return transcript;
    }

    private void Add(JsonLine line)
    {
        Values++;
        if (line.Root.GetStringOrNull("type") is not { } type || QwenEntry.Read(line.Root, line.LineNumber, Entries.Count, type) is not { } entry)
        {
            UntypedValues++;
            return;
        }
        Entries.Add(entry);
        Count(_types, entry.Type);
        if (entry.Subtype is { } subtype) Count(_subtypes, subtype);
        foreach (var part in entry.Parts.Where(p => p.Kind == GeminiPartKind.Other)) Count(_unknownParts, part.OtherType!);
        if (entry.Version is { } version && !_versions.Contains(version)) _versions.Add(version);
        if (entry.CustomTitle is { } title)
        {
            CustomTitle = title;
            TitleSource = entry.TitleSource;
        }
        ParentSessionId = entry.ParentSessionId ?? ParentSessionId;
        SourceType = entry.SourceType ?? SourceType;
        ForkedFromSession ??= entry.ForkedFromSession;
        if (entry.ContextWindowSize > 0) ContextWindowSize = entry.ContextWindowSize;
    }

    private static void Count(Dictionary<string, long> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;
}
