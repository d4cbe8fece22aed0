using RolloutTools.Core.Model;

namespace RolloutTools.Core.Usage;

/// <summary>The keys of one usage row; the hour stands in for the block until blocks are found.</summary>
internal readonly record struct UsageKey(
    DateOnly? Day, DateOnly? Week, DateOnly? Month, string? Session, string? Project, string? Model, RolloutFormat? Format, DateTimeOffset? Hour, DateTimeOffset? Block);

/// <summary>What one row adds up while records stream in.</summary>
internal sealed class UsageBucket
{
    private readonly HashSet<string> _sessions = new(StringComparer.Ordinal);
    private readonly List<string> _models = new();

    public long Messages { get; set; }
    public long ToolCalls { get; set; }
    public long Responses { get; private set; }

    /// <summary>A record that lists responses only (read for usage alone) added to this row: its messages were not counted.</summary>
    public bool MessagesUncounted { get; set; }
    public TokenUsage Usage { get; private set; }
    public decimal Cost { get; private set; }
    public int Stated { get; private set; }
    public int Computed { get; private set; }
    public int Unpriced { get; private set; }
    public DateTimeOffset? First { get; private set; }
    public DateTimeOffset? Last { get; private set; }

    public void Touch(string session, DateTimeOffset? time)
    {
        _sessions.Add(session);
        NoteTime(time);
    }

    private void NoteTime(DateTimeOffset? time)
    {
        if (time is not { } t) return;
        if (First is null || t < First) First = t;
        if (Last is null || t > Last) Last = t;
    }

    public void AddModel(string? model)
    {
        if (model is not null && !_models.Contains(model)) _models.Add(model);
    }

    /// <summary>Counts (sign 1) or takes back (sign -1) one response's tokens and cost.</summary>
    public void Count(TokenUsage usage, PricedCost cost, int sign)
    {
        Usage = sign > 0 ? Usage + usage : Usage.Minus(usage);
        Responses += sign;
        switch (cost.Source)
        {
            case CostKind.Stated: Stated += sign; Cost += sign * cost.Usd; break;
            case CostKind.Computed: Computed += sign; Cost += sign * cost.Usd; break;
            case CostKind.Unpriced: Unpriced += sign; break;
        }
    }

    public void Merge(UsageBucket other)
    {
        Messages += other.Messages;
        ToolCalls += other.ToolCalls;
        Responses += other.Responses;
        MessagesUncounted |= other.MessagesUncounted;
        Usage += other.Usage;
        Cost += other.Cost;
        Stated += other.Stated;
        Computed += other.Computed;
        Unpriced += other.Unpriced;
        _sessions.UnionWith(other._sessions);
        foreach (var model in other._models) AddModel(model);
        NoteTime(other.First);
        NoteTime(other.Last);
    }

    public UsageRow ToRow(UsageKey key) => new()
    {
        Day = key.Day,
        Week = key.Week,
        Month = key.Month,
        Session = key.Session,
        Project = key.Project,
        Model = key.Model,
        Format = key.Format,
        Block = key.Block,
        Sessions = _sessions.Count,
        Messages = MessagesUncounted ? null : Messages,
        ToolCalls = MessagesUncounted ? null : ToolCalls,
        Responses = Responses,
        InputTokens = Usage.InputTokens,
        OutputTokens = Usage.OutputTokens,
        CacheReadTokens = Usage.CacheReadTokens,
        CacheWriteTokens = Usage.CacheWriteTokens,
        // Dividing by 1.000… drops the trailing zeros rate arithmetic leaves (0.36737100 reads 0.367371).
        CostUsd = Unpriced > 0 ? null : Stated + Computed > 0 ? Cost / 1.000000000000000000000000000000000m : 0m,
        CostSource = Unpriced > 0 ? "Unpriced" : (Stated > 0, Computed > 0) switch
        {
            (true, true) => "Mixed",
            (true, false) => "Stated",
            (false, true) => "Computed",
            _ => "None",
        },
        Models = _models,
        FirstActivity = First,
        LastActivity = Last,
    };
}

internal enum CostKind
{
    None,
    Stated,
    Computed,
    Unpriced,
}

/// <summary>One response's cost and where it came from.</summary>
internal readonly record struct PricedCost(CostKind Source, decimal Usd);
