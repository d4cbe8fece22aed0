using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Redaction;

/// <summary>
/// Replaces secrets and personal paths in a record with typed markers ([REDACTED:openai-key], ...) and home
/// directories with ~, so a trace can be shared or trained on. Text is redacted where it is text: content
/// blocks, reasoning, titles, paths, source_meta strings; tool arguments and structured results are walked as
/// JSON so they stay valid JSON, and a value is redacted whole when its property name says it is a credential.
/// Image data is never touched. One instance is immutable and safe to share between threads.
/// </summary>
public sealed class Redactor
{
    private const string CountsKey = "redactions";

    private readonly SecretRule[] _rules;
    private readonly LiteralSet _literals;

    /// <param name="homeDirectory">The current user's home; replaced by ~ in whatever form it takes (also
    /// with / or JSON-escaped \\ separators on Windows, and as Claude Code's dash-encoded project folder
    /// name). Generic /home/name, /Users/name and C:\Users\name are replaced regardless.</param>
    /// <param name="extraPatterns">Regular expressions of the caller's own secrets; matches become [REDACTED:custom].</param>
    public Redactor(string? homeDirectory = null, IEnumerable<string>? extraPatterns = null)
    {
        var rules = new List<SecretRule>();
        foreach (var pattern in extraPatterns ?? Array.Empty<string>()) rules.Add(CustomRule(pattern));
        rules.AddRange(SecretPatterns.BuiltIn);
        rules.AddRange(HomeRules(homeDirectory));
        rules.AddRange(SecretPatterns.GenericHomes);
        _rules = rules.ToArray();
        _literals = new LiteralSet(_rules);
    }

    /// <summary>A redacted copy of the record; its source_meta gains "redactions" (kind → count) when anything was replaced.</summary>
    public RolloutRecord Protect(RolloutRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var counts = new Counter();
        var messages = new RolloutMessage[record.Messages.Count];
        for (var i = 0; i < messages.Length; i++) messages[i] = Protect(record.Messages[i], counts);
        var title = RedactOrNull(record.Title, counts);
        var cwd = RedactOrNull(record.Cwd, counts);
        var projectPath = RedactOrNull(record.ProjectPath, counts);
        var sourcePath = RedactOrNull(record.SourcePath, counts);
        var gitBranch = RedactOrNull(record.GitBranch, counts);
        var meta = Protect(record.SourceMeta, counts);
        return new RolloutRecord(record)
        {
            Messages = messages,
            Title = title,
            Cwd = cwd,
            ProjectPath = projectPath,
            SourcePath = sourcePath,
            GitBranch = gitBranch,
            SourceMeta = meta,
        };
    }

    /// <summary>The text with every secret replaced by its marker; adds one to counts[kind] per replacement.</summary>
    public string Redact(string text, Counter counts)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(counts);
        // Literals are looked for once, in the text as given: a replacement removes characters and inserts a
        // marker, so it can make a later rule's regex run in vain, never hide a literal that was there.
        Span<bool> present = stackalloc bool[_rules.Length];
        _literals.Find(text, present);
        for (var i = 0; i < _rules.Length; i++)
        {
            var rule = _rules[i];
            if (text.Length == 0) break;
            if (rule.Literals.Count > 0 && !present[i]) continue;
            if (rule.MightMatch is { } mightMatch && !mightMatch(text)) continue;
            text = Apply(rule, text, counts);
        }
        return text;
    }

    /// <summary>
    /// A JSON document with every string value (and property name) redacted as text, and a credential-named
    /// property's literal value replaced whole, written back compactly. Text that is not JSON is redacted as
    /// text; a document with nothing to redact comes back as it was, byte for byte.
    /// </summary>
    internal string RedactJson(string json, Counter counts)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var found = new Counter();
            var buffer = new ArrayBufferWriter<byte>(json.Length + 64);
            using (var writer = new Utf8JsonWriter(buffer, JsonText.WriterOptions))
            {
                Write(writer, document.RootElement, null, found);
            }
            foreach (var (kind, count) in found) counts[kind] = counts.GetValueOrDefault(kind) + count;
            return found.Count == 0 ? json : Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON, or JSON with a lone surrogate escape that cannot be rewritten: redact it as text.
            return Redact(json, counts);
        }
    }

    private void Write(Utf8JsonWriter writer, JsonElement element, string? propertyName, Counter counts)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    // Names are redacted too: Codex keys apply_patch changes by absolute path.
                    writer.WritePropertyName(Redact(property.Name, counts));
                    Write(writer, property.Value, property.Name, counts);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) Write(writer, item, null, counts);
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(RedactValue(element.GetString()!, propertyName, counts));
                break;
            default:
                writer.WriteRawValue(element.GetRawText(), skipInputValidation: true);
                break;
        }
    }

    private string RedactValue(string value, string? propertyName, Counter counts)
    {
        var text = Redact(value, counts);
        if (propertyName is null || SecretPatterns.SecretValueKind(propertyName, text) is not { } kind) return text;
        counts.Add(kind);
        return Marker(kind);
    }

    private RolloutMessage Protect(RolloutMessage message, Counter counts)
    {
        var content = Protect(message.Content, counts);
        var reasoning = RedactOrNull(message.ReasoningContent, counts);
        var calls = Protect(message.ToolCalls, counts);
        var structured = message.StructuredResult is null ? null : RedactJson(message.StructuredResult, counts);
        var same = ReferenceEquals(content, message.Content)
            && ReferenceEquals(reasoning, message.ReasoningContent)
            && ReferenceEquals(calls, message.ToolCalls)
            && ReferenceEquals(structured, message.StructuredResult);
        return same ? message : new RolloutMessage(message) { Content = content, ReasoningContent = reasoning, ToolCalls = calls, StructuredResult = structured };
    }

    /// <summary>Text blocks and image addresses are redacted; base64 image data is not text and is left as it is.</summary>
    private IReadOnlyList<ContentBlock> Protect(IReadOnlyList<ContentBlock> content, Counter counts)
    {
        ContentBlock[]? copy = null;
        for (var i = 0; i < content.Count; i++)
        {
            var block = content[i];
            var redacted = block;
            if (block is { Type: ContentBlockType.Text, Text: { } text } && Redact(text, counts) is var cleanText && !ReferenceEquals(cleanText, text))
            {
                redacted = ContentBlock.FromText(cleanText);
            }
            else if (block is { Type: ContentBlockType.Image, Url: { } url } && Redact(url, counts) is var cleanUrl && !ReferenceEquals(cleanUrl, url))
            {
                redacted = ContentBlock.FromImageUrl(cleanUrl, block.MediaType);
            }
            if (ReferenceEquals(redacted, block) && copy is null) continue;
            copy ??= content.ToArray();
            copy[i] = redacted;
        }
        return copy ?? content;
    }

    private IReadOnlyList<ToolCall> Protect(IReadOnlyList<ToolCall> calls, Counter counts)
    {
        ToolCall[]? copy = null;
        for (var i = 0; i < calls.Count; i++)
        {
            var arguments = RedactJson(calls[i].Arguments, counts);
            if (ReferenceEquals(arguments, calls[i].Arguments)) continue;
            copy ??= calls.ToArray();
            copy[i] = new ToolCall(calls[i].Id, calls[i].Name, arguments);
        }
        return copy ?? calls;
    }

    /// <summary>String and string-list values are redacted in place; "redactions" is set (added to a count
    /// from an earlier pass) or left out when nothing was replaced. Order is kept.</summary>
    private SourceMeta Protect(SourceMeta meta, Counter counts)
    {
        var builder = new SourceMeta.Builder();
        foreach (var (key, value) in meta)
        {
            switch (value)
            {
                case string s: builder.Add(key, Redact(s, counts)); break;
                case long n: builder.Add(key, n); break;
                case double d: builder.Add(key, d); break;
                case bool b: builder.Add(key, b); break;
                case IReadOnlyList<string> list: builder.Add(key, list.Select(item => Redact(item, counts)).ToArray()); break;
                case IReadOnlyDictionary<string, long> table: builder.Add(key, table); break;
                default: throw new InvalidOperationException($"Unsupported source_meta value for '{key}'.");
            }
        }
        if (counts.Count == 0) return meta;
        var total = new Dictionary<string, long>(counts, StringComparer.Ordinal);
        if (meta.TryGetValue(CountsKey, out var earlier) && earlier is IReadOnlyDictionary<string, long> previous)
        {
            foreach (var (kind, count) in previous) total[kind] = total.GetValueOrDefault(kind) + count;
        }
        builder.Add(CountsKey, total);
        return builder.Build();
    }

    private string? RedactOrNull(string? text, Counter counts) => text is null ? null : Redact(text, counts);

    /// <summary>Replaces the part of each match the rule's judge picks; the input instance comes back when nothing was replaced.</summary>
    private static string Apply(SecretRule rule, string text, Counter counts)
    {
        StringBuilder? result = null;
        var copied = 0;
        for (var match = rule.Regex.Match(text); match.Success; match = match.NextMatch())
        {
            if (rule.Judge(text, match) is not { Length: > 0 } secret || secret.Index < copied) continue;
            result ??= new StringBuilder(text.Length);
            result.Append(text, copied, secret.Index - copied).Append(rule.Replacement);
            copied = secret.Index + secret.Length;
            counts.Add(rule.Kind);
        }
        if (result is null) return text;
        return result.Append(text, copied, text.Length - copied).ToString();
    }

    private static SecretRule CustomRule(string pattern)
    {
        if (string.IsNullOrEmpty(pattern)) throw new ArgumentException("A redaction pattern is empty.", "extraPatterns");
        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The redaction pattern '{pattern}' is not a valid regular expression: {e.Message}", "extraPatterns", e);
        }
        return new SecretRule(SecretPatterns.CustomKind, regex);
    }

    /// <summary>
    /// The given home, matched as a whole path (/home/al does not match /home/alice): on Windows with any of
    /// \, / or \\ between parts and in any case; on Unix also with JSON-escaped \/. Claude Code names a
    /// project's folder after its path with every other character turned into '-' (/home/alice/src/x →
    /// -home-alice-src-x), so that form is replaced too when the home has two or more parts.
    /// </summary>
    private static IEnumerable<SecretRule> HomeRules(string? homeDirectory)
    {
        if (homeDirectory is null) yield break;
        var home = homeDirectory.Trim().TrimEnd('/', '\\');
        var parts = home.Split(new[] { '/', '\\' }, StringSplitOptions.RemoveEmptyEntries);
        var rooted = home.StartsWith('/') || home.StartsWith('\\') || (home.Length >= 2 && home[1] == ':');
        if (!rooted || parts.Length == 0 || (parts.Length == 1 && parts[0].EndsWith(':'))) yield break;
        var windows = home.Contains('\\') || (home.Length >= 2 && home[1] == ':');
        var user = parts[^1];
        var options = RegexOptions.CultureInvariant | (windows ? RegexOptions.IgnoreCase : RegexOptions.None);
        var separator = windows ? @"(?:\\+|/)" : @"\\?/";
        var leading = windows ? "" : home.StartsWith('/') ? separator : "";
        var path = leading + string.Join(separator, parts.Select(Regex.Escape));
        const string end = @"(?![\p{L}\p{N}_$-]|\.[\p{L}\p{N}_$-])";
        bool MightMatch(string text) => text.Contains(user, StringComparison.OrdinalIgnoreCase);
        yield return new SecretRule(SecretPatterns.HomePathKind, new Regex(@"(?<![\w.~-])" + path + end, options | RegexOptions.Compiled), MightMatch, replacement: "~");
        if (parts.Length < 2) yield break;
        var encoded = Regex.Replace(home, "[^A-Za-z0-9]", "-");
        yield return new SecretRule(SecretPatterns.HomePathKind, new Regex(@"(?<![\w-])" + Regex.Escape(encoded) + @"(?![A-Za-z0-9])", options), MightMatch, replacement: "~");
    }

    private static string Marker(string kind) => $"[REDACTED:{kind}]";
}
