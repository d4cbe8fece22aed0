using RolloutTools.Core.Model;
using RolloutTools.Core.Usage;

namespace RolloutTools.Core.Export;

/// <summary>
/// How one message is shown: a CSS-style name (ours, never trace text), a label, and whether it starts collapsed.
/// IsContext marks the kinds TranscriptOptions.IncludeContext leaves out. Id is the turn's element id (ours:
/// letters, digits and hyphens), set by the writer.
/// </summary>
internal sealed record TranscriptTurn(string Style, string Label, bool Collapsed, bool IsContext = false, bool IsToolResult = false)
{
    public string Id { get; init; } = string.Empty;

    /// <summary>A message of a branch the person left is shown collapsed, and says so.</summary>
    public static TranscriptTurn Of(RolloutMessage message)
    {
        var turn = OfKind(message);
        return message.IsAbandoned ? turn with { Label = turn.Label + " (abandoned branch)", Collapsed = true } : turn;
    }

    private static TranscriptTurn OfKind(RolloutMessage message) => message.Kind switch
    {
        _ when message.Role == MessageRole.Tool => new("tool", "Tool result", true, IsToolResult: true),
        MessageKind.ToolResult => new("tool", "Tool result", true, IsToolResult: true),
        MessageKind.Prompt => new("user", "User", false),
        MessageKind.QueuedPrompt => new("user", "User (queued prompt)", false),
        MessageKind.Context => new("context", "Context", true, IsContext: true),
        MessageKind.Command => new("context", "Command", true, IsContext: true),
        MessageKind.AgentMessage => new("context", "Agent message", true),
        MessageKind.CompactionSummary => new("context", "Compaction summary", true),
        MessageKind.BranchSummary => new("context", "Branch summary", true),
        MessageKind.Interruption => new("context", "Interruption", true),
        MessageKind.Synthetic => new("synthetic", "Synthetic notice", false),
        _ => message.Role switch
        {
            MessageRole.Assistant => new("assistant", "Assistant", false),
            MessageRole.System => new("context", "System", true),
            _ => new("user", "User", false),
        },
    };
}

/// <summary>
/// Walks a record once and decides what a transcript shows, in which order, what is collapsed and trimmed;
/// a renderer only says how each piece looks. Every string handed to the abstract members may hold trace text
/// and must be escaped by the renderer.
/// </summary>
internal abstract class TranscriptWriter
{
    protected TranscriptWriter(RolloutRecord record, TranscriptOptions options)
    {
        Record = record;
        Options = options;
    }

    protected RolloutRecord Record { get; }

    protected TranscriptOptions Options { get; }

    public string Render()
    {
        WriteHeader(TranscriptText.Title(Record), TranscriptText.Facts(Record, SessionCostText()), TranscriptText.SourceFacts(Record.SourceMeta));
        for (var i = 0; i < Record.Messages.Count; i++) WriteMessage(Record.Messages[i], TurnId(i + 1));
        return Finish();
    }

    /// <summary>
    /// The session's cost as Measure-AgentRollout and the index give it ("unpriced" when a model has no price);
    /// none for a session that used no tokens and states no cost, or when the options price nothing.
    /// </summary>
    private string? SessionCostText()
    {
        if (Options.Prices is null || (Record.TotalTokens == 0 && Record.Messages.All(m => m.CostUsd is null))) return null;
        return TranscriptIndex.Cost(SessionCost.Of(Record, Options.Prices));
    }

    /// <summary>
    /// "t12" for the record's twelfth message, after the page's prefix on a combined page ("session-078ca30a-t12"):
    /// numbered among all messages, so a turn keeps its id whatever the options leave out. Only letters, digits and
    /// hyphens, so it is safe in an attribute and a URL fragment as it is.
    /// </summary>
    private string TurnId(int number) => Options.TurnIdPrefix is { } prefix ? $"{prefix}-t{number}" : $"t{number}";

    private void WriteMessage(RolloutMessage message, string id)
    {
        var turn = TranscriptTurn.Of(message) with { Id = id };
        if (turn.IsContext && !Options.IncludeContext) return;
        if (turn.IsToolResult)
        {
            WriteToolResult(turn, message);
            return;
        }

        StartTurn(turn, Meta(message));
        foreach (var block in message.Content)
        {
            if (block.Type == ContentBlockType.Image) WriteImage(block);
            else if (!string.IsNullOrWhiteSpace(block.Text)) WriteProse(TranscriptText.Clean(block.Text));
        }
        if (Options.IncludeReasoning && !string.IsNullOrWhiteSpace(message.ReasoningContent))
        {
            StartDetails("Reasoning");
            WriteProse(TranscriptText.Clean(message.ReasoningContent));
            EndDetails();
        }
        foreach (var call in message.ToolCalls) WriteToolCall(call);
        EndTurn(turn);
    }

    /// <summary>The call's name and preview over its full arguments (collapsed), then an edit's diff, trimmed as tool output is.</summary>
    private void WriteToolCall(ToolCall call)
    {
        var view = TranscriptToolCall.Of(call);
        StartDetails("Tool call: " + TranscriptText.OneLine(call.Name), view.Preview);
        var arguments = TranscriptText.PrettyJson(call.Arguments, out var isJson);
        WriteCode(arguments, isJson ? "json" : null);
        EndDetails();
        if (Options.ToolCallLinks.TryGetValue(call.Id, out var link)) WriteLink("Subagent transcript: " + link.Title, link.Href);
        if (view.Diff is null) return;
        var diff = TranscriptText.Trim(view.Diff, Options.MaxToolOutputLength);
        WriteDiff(diff.Text);
        if (diff.Note is not null) WriteNote(diff.Note);
    }

    private void WriteToolResult(TranscriptTurn turn, RolloutMessage message)
    {
        var name = string.IsNullOrWhiteSpace(message.ToolName) ? null : TranscriptText.OneLine(message.ToolName);
        var labelled = turn with
        {
            Label = name is null ? turn.Label : $"{turn.Label}: {name}",
            Style = message.IsError == true ? "tool error" : turn.Style,
        };
        var facts = new List<string>();
        if (message.IsError == true) facts.Add("error");
        if (message.ExitCode is { } exit) facts.Add($"exit code {exit}");
        if (message.ToolDuration is { } duration) facts.Add(TranscriptText.Duration(duration));
        if (message.Timestamp is { } time) facts.Add(TranscriptText.TurnTime(time, Record.StartedAt));

        StartTurn(labelled, facts.Count == 0 ? null : string.Join(TranscriptText.Separator, facts));
        var text = message.Text;
        var images = message.Content.Where(b => b.Type == ContentBlockType.Image).ToArray();
        if (text.Length == 0 && images.Length == 0) WriteNote("(no output)");
        if (text.Length > 0)
        {
            var trimmed = TranscriptText.Trim(text, Options.MaxToolOutputLength);
            WriteCode(trimmed.Text, null);
            if (trimmed.Note is not null) WriteNote(trimmed.Note);
        }
        foreach (var image in images) WriteImage(image);
        EndTurn(labelled);
    }

    /// <summary>
    /// Time, and for a response its model, tokens and cost: the cost the trace states, else the price table's for
    /// the model (none when the table has no price for it).
    /// </summary>
    private string? Meta(RolloutMessage message)
    {
        var parts = new List<string>(4);
        if (message.Timestamp is { } time) parts.Add(TranscriptText.TurnTime(time, Record.StartedAt));
        if (message.Role == MessageRole.Assistant)
        {
            if (!string.IsNullOrWhiteSpace(message.Model)) parts.Add(TranscriptText.OneLine(message.Model));
            if (message.Usage is { } usage) parts.Add(TranscriptText.Tokens(usage));
            var cost = message.CostUsd ?? (message.Usage is { } priced ? Options.Prices?.Find(message.Model)?.Cost(priced) : null);
            if (cost is { } dollars) parts.Add(TranscriptText.Cost(dollars));
        }
        return parts.Count == 0 ? null : string.Join(TranscriptText.Separator, parts);
    }

    /// <summary>The title, the session facts, and the format-specific facts (collapsed; may be empty).</summary>
    protected abstract void WriteHeader(string title, IReadOnlyList<TranscriptFact> facts, IReadOnlyList<TranscriptFact> sourceFacts);

    /// <summary>Opens one message: a heading, or a collapsed block when turn.Collapsed. Meta is time and model, or null.</summary>
    protected abstract void StartTurn(TranscriptTurn turn, string? meta);

    protected abstract void EndTurn(TranscriptTurn turn);

    /// <summary>Words a person or model wrote (possibly Markdown), line ends normalized.</summary>
    protected abstract void WriteProse(string text);

    /// <summary>Literal text (tool arguments and output), shown verbatim; language is "json" or null.</summary>
    protected abstract void WriteCode(string text, string? language);

    /// <summary>An image block: inline only when the format can show it safely, otherwise described.</summary>
    protected abstract void WriteImage(ContentBlock image);

    /// <summary>A short remark of ours, such as a trimming note.</summary>
    protected abstract void WriteNote(string text);

    /// <summary>A link to another transcript written with this one; href is ours (a file name and fragment), text may hold trace text.</summary>
    protected abstract void WriteLink(string text, string href);

    /// <summary>Opens a collapsed block; preview, when given, is one line of trace text shown as code after the summary.</summary>
    protected abstract void StartDetails(string summary, string? preview = null);

    /// <summary>An edit as unified-diff lines (" ", "-", "+", "@@" between hunks), or a patch as the agent wrote it.</summary>
    protected abstract void WriteDiff(string diff);

    protected abstract void EndDetails();

    protected abstract string Finish();
}
