using System.Globalization;
using RolloutTools.Core.Formats.Shared;

namespace RolloutTools.Core.Formats.CopilotCli;

/// <summary>
/// The workspace.yaml Copilot CLI keeps beside a session's events.jsonl (since 1.0.11): flat "key: value" lines
/// (id, cwd, git_root, repository, branch, name, user_named, summary, created_at, updated_at, client_name). Only
/// those top-level scalars are read, by a small line reader rather than a YAML library: an indented line (a
/// block value's continuation, a nested map) is passed over, a quoted scalar is unquoted as YAML does.
/// </summary>
internal sealed class CopilotWorkspace
{
    private readonly Dictionary<string, string> _values;

    private CopilotWorkspace(Dictionary<string, string> values)
    {
        _values = values;
    }

    public string? Id => Get("id");

    public string? Cwd => Get("cwd");

    public string? GitRoot => Get("git_root");

    public string? Repository => Get("repository");

    public string? Branch => Get("branch");

    /// <summary>The session's name: the person's (/rename, user_named: true) or the one Copilot made from the first prompt.</summary>
    public string? Name => Get("name");

    public bool UserNamed => string.Equals(Get("user_named"), "true", StringComparison.OrdinalIgnoreCase);

    public string? Summary => Get("summary");

    public string? ClientName => Get("client_name");

    public DateTimeOffset? CreatedAt => Time("created_at");

    public DateTimeOffset? UpdatedAt => Time("updated_at");

    private string? Get(string key) => _values.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    private DateTimeOffset? Time(string key) =>
        Get(key) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime()
            : null;

    public static Sidecar<CopilotWorkspace> Load(string path) => SidecarFile.LoadText(path, Parse);

    /// <summary>
    /// The scalars of the file's top level. Damage is what no YAML writer makes: a NUL byte, or a top-level line
    /// that is neither "key: value", a comment nor a document marker.
    /// </summary>
    internal static CopilotWorkspace Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (line.Contains('\0')) throw new SidecarShapeException($"line {lineNumber} holds a NUL byte");
            if (line.Length == 0 || line[0] is ' ' or '\t' or '#' || line.Trim().Length == 0) continue;
            if (line is "---" or "...") continue;
            var colon = line.IndexOf(':');
            if (colon <= 0 || (colon + 1 < line.Length && line[colon + 1] != ' ')) throw new SidecarShapeException($"line {lineNumber} is not \"key: value\"");
            var key = line[..colon].Trim();
            var value = Scalar(line[(colon + 1)..].Trim());
            if (value is not null) values[key] = value;
        }
        return new CopilotWorkspace(values);
    }

    /// <summary>A plain, single-quoted or double-quoted scalar; null for a block (|, &gt;), a flow collection or an alias.</summary>
    private static string? Scalar(string value)
    {
        if (value.Length == 0 || value[0] is '|' or '>' or '[' or '{' or '&' or '*') return null;
        if (value[0] == '\'')
        {
            var end = value.LastIndexOf('\'');
            return end > 0 ? value[1..end].Replace("''", "'", StringComparison.Ordinal) : value[1..];
        }
        if (value[0] == '"')
        {
            var end = value.LastIndexOf('"');
            var inner = end > 0 ? value[1..end] : value[1..];
            return inner.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal)
                .Replace("\\t", "\t", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        }
        var comment = value.IndexOf(" #", StringComparison.Ordinal);
        if (comment >= 0) value = value[..comment].TrimEnd();
        return value is "~" or "null" ? null : value;
    }
}
