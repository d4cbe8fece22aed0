namespace RolloutTools.Core.Reading;

/// <summary>Counts occurrences by name (record types seen, unknown block types, ...).</summary>
public sealed class Counter : Dictionary<string, long>
{
    public Counter() : base(StringComparer.Ordinal)
    {
    }

    // Names made of two parts, each built once: a trace counts thousands of lines under a few of them.
    private readonly Dictionary<(string Kind, string Subkind), string> _names = new();

    public void Add(string name) => this[name] = this.GetValueOrDefault(name) + 1;

    /// <summary>Counts "kind/subkind" ("progress/hook_progress", "event_msg/token_count").</summary>
    public void Add(string kind, string subkind)
    {
        if (!_names.TryGetValue((kind, subkind), out var name)) _names[(kind, subkind)] = name = $"{kind}/{subkind}";
        Add(name);
    }
}
