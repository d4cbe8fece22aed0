using System.Text.RegularExpressions;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Reading;

/// <summary>
/// The sessions a person asked for by id (Get-AgentRollout -Id). A record is kept when its TraceId or its
/// AgentId (the id the table shows for a subagent) matches one of the ids, ignoring case. An id without
/// wildcards matches as a prefix; with * or ? it is a pattern over the whole id. Either may match the id's short
/// form (<see cref="ShortId"/>) instead, so the eight characters the table shows, with or without its *, find the
/// session. A session's id also matches the records whose TraceId begins with it: its Claude Code subagents and Pi
/// branches ("session:agent"). A Codex subagent runs in a thread of its own, with an id of its own, as Codex lists
/// it; its parent's id does not find it.
/// </summary>
public sealed class SessionIdFilter
{
    private readonly IdPattern[] _patterns;

    public SessionIdFilter(IEnumerable<string> ids)
    {
        _patterns = ids.Where(id => !string.IsNullOrEmpty(id)).Distinct(StringComparer.OrdinalIgnoreCase).Select(id => new IdPattern(id)).ToArray();
        if (_patterns.Length == 0) throw new ArgumentException("No id to look for.", nameof(ids));
    }

    public IReadOnlyList<string> Ids => _patterns.Select(p => p.Id).ToArray();

    /// <summary>The ids without wildcards that no record has matched so far; a pattern that matches nothing is no error, as in Get-Process -Name.</summary>
    public IReadOnlyList<string> Unmatched => _patterns.Where(p => p.IsLiteral && !p.Found).Select(p => p.Id).ToArray();

    /// <summary>Whether the record is one asked for; counts the ids it matches as found.</summary>
    public bool Matches(RolloutRecord record)
    {
        var matched = false;
        foreach (var pattern in _patterns)
        {
            if (!pattern.IsMatch(record.TraceId) && !(record.AgentId is { } agent && pattern.IsMatch(agent))) continue;
            pattern.Found = true;
            matched = true;
        }
        return matched;
    }

    /// <summary>
    /// Whether a file whose name gives these ids may hold a record asked for: some id matches its TraceId or
    /// AgentId, or, for a file of branches, could match a TraceId that continues its own ("session:leaf").
    /// </summary>
    public bool MayMatch(NamedIds named) => _patterns.Any(p =>
        p.IsMatch(named.TraceId) || (named.AgentId is { } agent && p.IsMatch(agent)) || (named.HasBranches && p.MayMatchContinuing(named.TraceId + ":")));

    private sealed class IdPattern
    {
        private readonly Regex _regex;
        private readonly string _literalPrefix;

        public IdPattern(string id)
        {
            Id = id;
            var wildcard = id.IndexOfAny(new[] { '*', '?' });
            IsLiteral = wildcard < 0;
            _literalPrefix = IsLiteral ? id : id[..wildcard];
            var pattern = Regex.Escape(id).Replace("\\*", ".*").Replace("\\?", ".");
            _regex = new Regex(IsLiteral ? "^" + pattern : "^" + pattern + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
        }

        public string Id { get; }

        public bool IsLiteral { get; }

        public bool Found { get; set; }

        public bool IsMatch(string id) => _regex.IsMatch(id) || _regex.IsMatch(ShortId.Of(id));

        /// <summary>Whether some id beginning with <paramref name="start"/> could match: every match begins with the pattern's literal prefix.</summary>
        public bool MayMatchContinuing(string start) =>
            start.StartsWith(_literalPrefix, StringComparison.OrdinalIgnoreCase) || _literalPrefix.StartsWith(start, StringComparison.OrdinalIgnoreCase);
    }
}
