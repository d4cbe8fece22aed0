using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Pi;

/// <summary>The first line of a Pi session file.</summary>
internal sealed record PiHeader(string? Id, int? Version, DateTimeOffset? Timestamp, string? Cwd, string? ParentSession)
{
    /// <summary>v1 headers carried the starting model and thinking level; later files record changes as entries only.</summary>
    public string? Provider { get; init; }

    public string? ModelId { get; init; }

    public string? ThinkingLevel { get; init; }
}

/// <summary>
/// One Pi session file, read whole and brought to the current shape the way Pi migrates a file when it opens
/// it (pi-mono packages/coding-agent/src/core/session-manager.ts, CURRENT_SESSION_VERSION = 3):
/// v1 (no "version", no ids) is one chain, each entry the child of the one before, and a compaction's
/// firstKeptEntryIndex (an index into the file's entries, the header being 0) becomes firstKeptEntryId;
/// v2 renamed the message role hookMessage to custom in v3. From v2 on the entries form a tree by
/// id/parentId; the conversation Pi resumes is the path from the last entry back to the root.
/// </summary>
internal sealed class PiSession
{
    /// <summary>
    /// Every entry type Pi writes after the header (docs/session.md, session-manager.ts SessionEntry), and "event":
    /// until 5e988b44 (2025-11-12) every agent event was saved too, the messages being saved again as messages.
    /// </summary>
    public static readonly IReadOnlySet<string> EntryTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "message", "model_change", "thinking_level_change", "compaction", "branch_summary", "custom", "custom_message", "label", "session_info", "event",
    };

    private readonly Dictionary<string, PiEntry> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PiEntry>> _children = new(StringComparer.Ordinal);
    private readonly List<PiEntry> _entries = new();

    /// <summary>
    /// Every JSON value of the file in order, as Pi's migrateV1ToV2 indexes them for firstKeptEntryIndex: null for
    /// the header and for a value that is no entry or could not be read.
    /// </summary>
    private readonly List<PiEntry?> _values = new();

    private PiEntry? _last;

    public PiHeader? Header { get; private set; }

    /// <summary>The header's version; 1 when it has none. Null without a header.</summary>
    public int? Version => Header is null ? null : Header.Version ?? 1;

    /// <summary>Entries after the header in file order, each id once.</summary>
    public IReadOnlyList<PiEntry> Entries => _entries;

    public Counter RecordTypes { get; } = new();

    public Counter UnknownRecordTypes { get; } = new();

    public PiBlockCounts Blocks { get; }

    /// <summary>JSON values read, whatever they were.</summary>
    public int Values { get; private set; }

    /// <summary>Lines repeating an entry already read (Pi once re-appended a whole file after a second header).</summary>
    public int RepeatedEntries { get; private set; }

    public int RepeatedHeaders { get; private set; }

    /// <summary>Tree entries without an id of their own; they get one from their line.</summary>
    public int EntriesWithoutId { get; private set; }

    private readonly DiagnosticList _diagnostics;

    private PiSession(DiagnosticList diagnostics)
    {
        _diagnostics = diagnostics;
        Blocks = new PiBlockCounts(diagnostics);
    }

    public static PiSession Parse(Stream stream, DiagnosticList diagnostics, CancellationToken cancellation) =>
        Parse(add => JsonLineReader.ReadEach(stream, diagnostics, add, cancellation), diagnostics);

    /// <summary>A session whose entries come from elsewhere than one file (OpenClaw's database rows and cold archives), handed over in order.</summary>
    /// <param name="feed">Hands each entry to the action it is given, reporting what it cannot read.</param>
    /// <param name="diagnostics">Where entries and blocks of types this reader does not know are reported, once per type.</param>
    public static PiSession Parse(Action<Action<JsonLine>> feed, DiagnosticList diagnostics)
    {
        var session = new PiSession(diagnostics);
        feed(session.Add);
        session.Migrate();
        return session;
    }

    private void Add(JsonLine line)
    {
        Values++;
        _values.Add(null);
        var root = line.Root;
        var type = root.GetStringOrNull("type");
        if (type is null)
        {
            UnknownRecordTypes.Add(root.ValueKind == JsonValueKind.Object ? "(none)" : root.ValueKind.ToString().ToLowerInvariant());
            return;
        }
        if (type == "session")
        {
            RecordTypes.Add(type);
            if (Header is not null)
            {
                RepeatedHeaders++;
                return;
            }
            Header = new PiHeader(
                root.GetIdOrNull("id"),
                root.GetInt32OrNull("version"),
                root.GetTimestamp("timestamp"),
                root.GetStringOrNull("cwd"),
                root.GetStringOrNull("parentSession") ?? root.GetStringOrNull("branchedFrom"))
            {
                Provider = root.GetStringOrNull("provider"),
                // Before fede1303 (2025-11-13) the header named the model as "model": "<provider>/<id>".
                ModelId = root.GetStringOrNull("modelId") ?? root.GetStringOrNull("model"),
                ThinkingLevel = root.GetStringOrNull("thinkingLevel"),
            };
            return;
        }
        RecordTypes.Add(type);
        var entry = PiEntry.Read(root, type, line.LineNumber, Blocks);
        if (entry.IsUnknownType)
        {
            // A type of a Pi newer than this reader: said once, with where it was first met, and any words it holds kept.
            if (!UnknownRecordTypes.ContainsKey(type))
            {
                _diagnostics.Warn(RolloutDiagnostic.ParseError, line.LineNumber,
                    $"entry type '{type}' is not one this reader knows of Pi's; {(entry.Words.Count > 0 ? "its words are kept as context" : "it holds no words and is passed over")}.");
            }
            UnknownRecordTypes.Add(type);
        }
        _values[^1] = entry;
        _entries.Add(entry);
    }

    /// <summary>Gives every entry its place in the tree, as Pi does on load.</summary>
    private void Migrate()
    {
        // Without a header, the lines say which shape they have.
        var isTree = Version is { } version ? version >= 2 : _entries.Exists(e => e.HasOwnId);
        var read = new List<PiEntry>(_entries.Count);
        PiEntry? previous = null;
        foreach (var entry in _entries)
        {
            if (!isTree)
            {
                entry.Id = $"line-{entry.Line}";
                entry.ParentId = previous?.Id;
            }
            else if (!entry.HasOwnId)
            {
                entry.Id = $"line-{entry.Line}";
                EntriesWithoutId++;
            }
            previous = entry;
            _last = entry;
            if (!_byId.TryAdd(entry.Id, entry))
            {
                RepeatedEntries++;
                continue;
            }
            read.Add(entry);
        }
        if (!isTree)
        {
            foreach (var entry in read)
            {
                if (entry.FirstKeptEntryId is null && entry.FirstKeptEntryIndex is { } index && index >= 0 && index < _values.Count && _values[index] is { } kept)
                {
                    entry.FirstKeptEntryId = kept.Id;
                }
            }
        }
        _entries.Clear();
        _entries.AddRange(read);
        foreach (var entry in _entries)
        {
            if (entry.ParentId is { } parent && parent != entry.Id)
            {
                if (!_children.TryGetValue(parent, out var list)) _children[parent] = list = new List<PiEntry>();
                list.Add(entry);
            }
        }
    }

    /// <summary>The entry Pi resumes from: the last one written.</summary>
    public PiEntry? ActiveLeaf => _last is null ? null : _byId.GetValueOrDefault(_last.Id);

    /// <summary>
    /// Entries nothing continues from, in file order: the ends of the branches; and the active leaf whatever
    /// points back at it (a damaged file's loop), so the path Pi resumes always has its record.
    /// </summary>
    public IReadOnlyList<PiEntry> Leaves()
    {
        var active = ActiveLeaf;
        return _entries.Where(e => !_children.ContainsKey(e.Id) || e == active).ToArray();
    }

    /// <summary>Entries with more than one child: where the person went back and took another way.</summary>
    public int BranchPoints => _children.Count(c => c.Value.Count > 1 && _byId.ContainsKey(c.Key));

    public PiEntry? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>
    /// The path from the root to <paramref name="leaf"/>. A parent that was never read (its line is damaged)
    /// is bridged to the entry written before the child, so one bad line does not cut the conversation; a
    /// loop ends the walk.
    /// </summary>
    public PiPath PathTo(PiEntry leaf)
    {
        var path = new List<PiEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var bridged = 0;
        for (var entry = leaf; entry is not null && seen.Add(entry.Id);)
        {
            path.Add(entry);
            if (entry.ParentId is not { } parent || parent == entry.Id) break;
            if (_byId.TryGetValue(parent, out var found))
            {
                entry = found;
                continue;
            }
            bridged++;
            var index = _entries.IndexOf(entry);
            entry = index > 0 ? _entries[index - 1] : null;
        }
        path.Reverse();
        return new PiPath(leaf, path, bridged);
    }
}

/// <summary>The entries from the root to one leaf, in order.</summary>
internal sealed record PiPath(PiEntry Leaf, IReadOnlyList<PiEntry> Entries, int BridgedGaps);
