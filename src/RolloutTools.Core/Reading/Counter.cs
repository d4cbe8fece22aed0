namespace RolloutTools.Core.Reading;

/// <summary>Counts occurrences by name (record types seen, unknown block types, ...).</summary>
public sealed class Counter : Dictionary<string, long>
{
    public Counter() : base(StringComparer.Ordinal)
    {
    }

    public void Add(string name) => this[name] = this.GetValueOrDefault(name) + 1;
}
