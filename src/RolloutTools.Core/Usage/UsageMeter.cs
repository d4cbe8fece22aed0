using System.Globalization;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Usage;

/// <summary>
/// Adds up records into usage rows as they stream in, holding only the rows and the responses already counted.
/// Every message counts at its own time (a session that ran past midnight is split between days), every response
/// at its own model (other messages at the model of the response before them), and a response met again in another file (a resumed Claude Code session copies its history
/// into the new file; Codex forks and subagents replay their parent's) counts once, by the identity the agent
/// wrote (RolloutMessage.ResponseId). A response a record counts without listing it (RolloutRecord.UnlistedResponses:
/// a branch left by a rewind, read without -IncludeAbandoned) counts at its own time and model too, and a branch that
/// was read (IsAbandoned messages) counts the same way: its responses' usage, not its messages, so records read with
/// or without -IncludeAbandoned give the same rows. Usage a record has beyond all these (a trace that states tokens
/// per session only, as Hermes does) counts as one more response of that record, at its end.
/// </summary>
public sealed class UsageMeter
{
    private static readonly TimeSpan BlockLength = TimeSpan.FromHours(5);
    private readonly UsageOptions _options;
    private readonly HashSet<UsageGroup> _groups;
    private readonly Dictionary<UsageKey, UsageBucket> _buckets = new();
    private readonly Dictionary<ResponseIdentity, CountedResponse> _counted = new();
    private readonly List<string> _unpricedModels = new();

    public UsageMeter(UsageOptions? options = null)
    {
        _options = options ?? new UsageOptions();
        _groups = _options.GroupBy.ToHashSet();
    }

    /// <summary>Models met without a price, in the order met; their rows have no cost.</summary>
    public IReadOnlyList<string> UnpricedModels => _unpricedModels;

    /// <summary>Responses met again in another file (or later in the same one) and not counted again.</summary>
    public int DuplicateResponses { get; private set; }

    /// <summary>The name an unpriced response without a model is reported under.</summary>
    public const string UnknownModel = "(unknown model)";

    public void Add(RolloutRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var session = $"{record.Format}\u001f{record.RootSessionId}";
        var firstModel = record.Messages.FirstOrDefault(m => m is { Role: MessageRole.Assistant, Model: not null, IsAbandoned: false })?.Model ?? record.Models.FirstOrDefault();
        var model = firstModel;
        var onMessages = default(TokenUsage);
        var anyUsage = false;
        var unlisted = new List<UnlistedResponse>(record.UnlistedResponses);
        foreach (var message in record.Messages)
        {
            // A branch left by a rewind counts as the record read without it counts it: its responses only, as
            // unlisted ones, so piping records read either way gives the same rows.
            if (message.IsAbandoned)
            {
                if (message.Usage is { Total: > 0 }) unlisted.Add(UnlistedResponse.Of(message));
                continue;
            }
            // A response, or another message that carries its request (Codex's compaction summary), sets the model.
            if (message.Model is not null && (message.Role == MessageRole.Assistant || message.Usage is not null)) model = message.Model;
            if (message.Usage is { } used)
            {
                onMessages += used;
                anyUsage = true;
            }
            var time = message.Timestamp ?? record.StartedAt;
            if (!InRange(time)) continue;
            var key = Key(record, time, model);
            if (message.Usage is { } usage && !CountResponse(record, message.ResponseId, key, usage, message.Model ?? model, message.CostUsd)) continue;
            var bucket = Bucket(key, record);
            if (!record.ListsResponsesOnly)
            {
                bucket.Messages++;
                bucket.ToolCalls += message.ToolCalls.Count;
            }
            bucket.Touch(session, time);
        }

        // Responses the record counts but does not list, each at its own time and model.
        foreach (var response in unlisted)
        {
            onMessages += response.Usage;
            anyUsage = true;
            var time = response.Timestamp ?? record.StartedAt;
            if (!InRange(time)) continue;
            var key = Key(record, time, response.Model ?? firstModel);
            if (CountResponse(record, response.ResponseId, key, response.Usage, response.Model ?? firstModel, response.CostUsd)) Bucket(key, record).Touch(session, time);
        }

        // What the record counts beyond its responses, and the cost it states for a session whose responses state
        // none: a trace can state a cost and no tokens at all (Crush, mini-swe-agent's instance_cost), and that cost
        // was spent.
        var rest = record.Usage.Minus(onMessages);
        var stated = anyUsage ? null : StatedCost(record.SourceMeta);
        var end = record.EndedAt ?? record.StartedAt;
        if ((rest.Total > 0 || stated > 0) && InRange(end))
        {
            var key = Key(record, end, model);
            var bucket = Bucket(key, record);
            bucket.Count(rest, Price(rest, model, stated), 1);
            bucket.AddModel(model);
            bucket.Touch(session, end);
        }
    }

    /// <summary>
    /// Counts a response unless a copy was counted; which copy stays follows ccusage: a copy in a main session
    /// over one in a subagent's (sidechain) file, then the one with more tokens (a copy written while streaming
    /// can hold partial counts). False when the response was counted before.
    /// </summary>
    private bool CountResponse(RolloutRecord record, string? responseId, UsageKey key, TokenUsage usage, string? model, decimal? statedCost)
    {
        var cost = Price(usage, model, statedCost);
        var bucket = Bucket(key, record);
        if (responseId is { } id)
        {
            var identity = ResponseIdentity.Of(record.Format, id);
            var copy = new CountedResponse(bucket, usage, cost, record.IsSidechain);
            if (_counted.TryGetValue(identity, out var counted))
            {
                DuplicateResponses++;
                if (copy.IsBetterThan(counted))
                {
                    counted.Bucket.Count(counted.Usage, counted.Cost, -1);
                    bucket.Count(usage, cost, 1);
                    bucket.AddModel(model);
                    _counted[identity] = copy;
                }
                return false;
            }
            _counted[identity] = copy;
        }
        bucket.Count(usage, cost, 1);
        bucket.AddModel(model);
        return true;
    }

    private PricedCost Price(TokenUsage usage, string? model, decimal? stated)
    {
        if (stated is { } usd) return new PricedCost(CostKind.Stated, usd);
        if (usage.Total == 0) return new PricedCost(CostKind.None, 0m);
        if (_options.Prices.Find(model) is { } price) return new PricedCost(CostKind.Computed, price.Cost(usage));
        var name = model ?? UnknownModel;
        if (!_unpricedModels.Contains(name)) _unpricedModels.Add(name);
        return new PricedCost(CostKind.Unpriced, 0m);
    }

    /// <summary>The cost a trace states for the whole session: ATIF's final metrics or steps, Hermes' estimate.</summary>
    private static decimal? StatedCost(SourceMeta meta)
    {
        foreach (var name in new[] { "final_cost_usd", "cost_usd", "estimated_cost_usd" })
        {
            if (!meta.TryGetValue(name, out var value)) continue;
            switch (value)
            {
                case double d when double.IsFinite(d): return (decimal)d;
                case long n: return n;
                case string s when decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var usd): return usd;
            }
        }
        return null;
    }

    private bool InRange(DateTimeOffset? time)
    {
        if (_options.Since is null && _options.Until is null) return true;
        return time is { } t && (_options.Since is not { } since || t >= since) && (_options.Until is not { } until || t <= until);
    }

    private UsageKey Key(RolloutRecord record, DateTimeOffset? time, string? model)
    {
        DateOnly? day = null;
        if (time is { } t && (_groups.Contains(UsageGroup.Day) || _groups.Contains(UsageGroup.Week) || _groups.Contains(UsageGroup.Month)))
        {
            day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(t, _options.TimeZone).DateTime);
        }
        return new UsageKey(
            _groups.Contains(UsageGroup.Day) ? day : null,
            _groups.Contains(UsageGroup.Week) && day is { } d ? d.AddDays(-(((int)d.DayOfWeek + 6) % 7)) : null,
            _groups.Contains(UsageGroup.Month) && day is { } m ? new DateOnly(m.Year, m.Month, 1) : null,
            _groups.Contains(UsageGroup.Session) ? record.RootSessionId : null,
            _groups.Contains(UsageGroup.Project) ? record.ProjectPath ?? record.Cwd : null,
            _groups.Contains(UsageGroup.Model) ? model : null,
            _groups.Contains(UsageGroup.Format) ? record.Format : null,
            _groups.Contains(UsageGroup.Block) && time is { } h ? new DateTimeOffset(h.UtcTicks - h.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero) : null,
            null);
    }

    /// <summary>The row a record adds to; one read for usage alone leaves the row's messages uncounted.</summary>
    private UsageBucket Bucket(UsageKey key, RolloutRecord record)
    {
        if (!_buckets.TryGetValue(key, out var bucket)) _buckets[key] = bucket = new UsageBucket();
        bucket.MessagesUncounted |= record.ListsResponsesOnly;
        return bucket;
    }

    /// <summary>The rows, with the duplicates passed over and the models without a price.</summary>
    public UsageReport Report() => new(Rows(), DuplicateResponses, UnpricedModels.ToArray());

    /// <summary>The rows, ordered by their keys in the order grouped by; one total row when not grouped.</summary>
    public IReadOnlyList<UsageRow> Rows()
    {
        var buckets = _groups.Contains(UsageGroup.Block) ? InBlocks() : _buckets;
        if (_options.GroupBy.Count == 0 && buckets.Count == 0) return new[] { new UsageBucket().ToRow(default) };
        var rows = buckets.Select(b => b.Value.ToRow(b.Key)).ToList();
        rows.Sort(Compare);
        return rows;
    }

    private int Compare(UsageRow a, UsageRow b)
    {
        foreach (var group in _options.GroupBy)
        {
            var order = group switch
            {
                UsageGroup.Day => Nullable.Compare(a.Day, b.Day),
                UsageGroup.Week => Nullable.Compare(a.Week, b.Week),
                UsageGroup.Month => Nullable.Compare(a.Month, b.Month),
                UsageGroup.Session => string.CompareOrdinal(a.Session, b.Session),
                UsageGroup.Project => string.CompareOrdinal(a.Project, b.Project),
                UsageGroup.Model => string.CompareOrdinal(a.Model, b.Model),
                UsageGroup.Format => Nullable.Compare(a.Format, b.Format),
                _ => Nullable.Compare(a.Block, b.Block),
            };
            if (order != 0) return order;
        }
        return 0;
    }

    /// <summary>
    /// Hours of activity into five-hour windows, across everything read (the window is the account's, not a
    /// session's): a window opens at the hour of the first activity after the last one closed, and closes
    /// five hours after it opened or once five hours pass without activity. Hours suffice: a window starts
    /// and ends on the hour, and a gap inside one hour is shorter than five.
    /// </summary>
    private Dictionary<UsageKey, UsageBucket> InBlocks()
    {
        var hours = new SortedDictionary<DateTimeOffset, (DateTimeOffset First, DateTimeOffset Last)>();
        foreach (var (key, bucket) in _buckets)
        {
            if (key.Hour is not { } hour || bucket.First is not { } first || bucket.Last is not { } last) continue;
            hours[hour] = hours.TryGetValue(hour, out var span) ? (first < span.First ? first : span.First, last > span.Last ? last : span.Last) : (first, last);
        }
        var blockOf = new Dictionary<DateTimeOffset, DateTimeOffset>();
        DateTimeOffset? start = null;
        DateTimeOffset? lastActivity = null;
        foreach (var (hour, span) in hours)
        {
            if (start is not { } open || span.First >= open + BlockLength || span.First - lastActivity > BlockLength) start = hour;
            blockOf[hour] = start.Value;
            lastActivity = span.Last;
        }
        var merged = new Dictionary<UsageKey, UsageBucket>();
        foreach (var (key, bucket) in _buckets)
        {
            var blockKey = key with { Hour = null, Block = key.Hour is { } hour && blockOf.TryGetValue(hour, out var block) ? block : null };
            if (!merged.TryGetValue(blockKey, out var into)) merged[blockKey] = into = new UsageBucket();
            into.Merge(bucket);
        }
        return merged;
    }

    /// <summary>The copy of a response that is counted, and where; a value, as a report over years holds millions.</summary>
    private readonly record struct CountedResponse(UsageBucket Bucket, TokenUsage Usage, PricedCost Cost, bool IsSidechain)
    {
        public bool IsBetterThan(CountedResponse counted) => IsSidechain != counted.IsSidechain
            ? counted.IsSidechain
            : Usage.Total > counted.Usage.Total;
    }
}
