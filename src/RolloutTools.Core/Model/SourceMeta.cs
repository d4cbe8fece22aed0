using System.Collections;
using System.Text.Json;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Model;

/// <summary>Counts by name, sorted, reading as "a: 1, b: 2" in a cell.</summary>
public sealed class CountTable : System.Collections.ObjectModel.ReadOnlyDictionary<string, long>
{
    public CountTable(IReadOnlyDictionary<string, long> counts)
        : base(new SortedDictionary<string, long>(counts.ToDictionary(c => c.Key, c => c.Value), StringComparer.Ordinal))
    {
    }

    public override string ToString() => string.Join(", ", this.Select(c => $"{c.Key}: {c.Value}"));
}

/// <summary>
/// Format-specific facts that have no column of their own (record types seen, versions, skipped lines, ...).
/// Keys are snake_case, in the order the reader set them. Values are strings, whole numbers, decimal numbers
/// (amounts such as a cost in dollars), booleans, string lists or count tables, so the JSON form and PowerShell's dictionary access both stay simple.
/// </summary>
public sealed class SourceMeta : IReadOnlyDictionary<string, object>
{
    private readonly List<KeyValuePair<string, object>> _entries;

    private SourceMeta(List<KeyValuePair<string, object>> entries)
    {
        _entries = entries;
    }

    public static SourceMeta Empty { get; } = new(new List<KeyValuePair<string, object>>());

    public object this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    public IEnumerable<object> Values => _entries.Select(e => e.Value);

    public int Count => _entries.Count;

    public bool ContainsKey(string key) => _entries.Exists(e => e.Key == key);

    public bool TryGetValue(string key, out object value)
    {
        foreach (var entry in _entries)
        {
            if (entry.Key == key)
            {
                value = entry.Value;
                return true;
            }
        }
        value = null!;
        return false;
    }

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Compact JSON, so a CSV cell or a list view shows the facts rather than a type name.</summary>
    public override string ToString() => JsonText.Write(WriteTo);

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in _entries)
        {
            writer.WritePropertyName(key);
            switch (value)
            {
                case string s: writer.WriteStringValue(s); break;
                case long n: writer.WriteNumberValue(n); break;
                case double d: writer.WriteNumberValue(d); break;
                case bool b: writer.WriteBooleanValue(b); break;
                case IReadOnlyList<string> list:
                    writer.WriteStartArray();
                    foreach (var item in list) writer.WriteStringValue(item);
                    writer.WriteEndArray();
                    break;
                case IReadOnlyDictionary<string, long> counts:
                    writer.WriteStartObject();
                    foreach (var (name, count) in counts) writer.WriteNumber(name, count);
                    writer.WriteEndObject();
                    break;
                default: throw new InvalidOperationException($"Unsupported source_meta value for '{key}'.");
            }
        }
        writer.WriteEndObject();
    }

    /// <summary>Collects entries; empty strings, zero counts and empty lists are left out.</summary>
    public sealed class Builder
    {
        private readonly List<KeyValuePair<string, object>> _entries = new();

        public Builder Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value)) Set(key, value);
            return this;
        }

        public Builder Add(string key, long value)
        {
            if (value != 0) Set(key, value);
            return this;
        }

        /// <summary>A decimal amount; zero and values that are not finite are left out.</summary>
        public Builder Add(string key, double value)
        {
            if (value != 0 && double.IsFinite(value)) Set(key, value);
            return this;
        }

        public Builder Add(string key, bool value)
        {
            if (value) Set(key, true);
            return this;
        }

        public Builder Add(string key, IEnumerable<string> values)
        {
            var list = values.ToArray();
            if (list.Length > 0) Set(key, DisplayList<string>.OfNames(list));
            return this;
        }

        public Builder Add(string key, IReadOnlyDictionary<string, long> counts)
        {
            if (counts.Count > 0) Set(key, new CountTable(counts));
            return this;
        }

        private void Set(string key, object value)
        {
            var index = _entries.FindIndex(e => e.Key == key);
            if (index >= 0) _entries[index] = new(key, value);
            else _entries.Add(new(key, value));
        }

        public SourceMeta Build() => new(new List<KeyValuePair<string, object>>(_entries));
    }
}
