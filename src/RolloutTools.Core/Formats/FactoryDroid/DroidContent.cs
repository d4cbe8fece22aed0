using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.FactoryDroid;

/// <summary>
/// The content of one Droid message: Anthropic's blocks, whatever the model's provider (text, thinking, tool_use,
/// tool_result, image), or a plain string. Block shapes as droid 0.126.0 writes them (sageox/ox
/// cmd/ox-adapter-droid/testdata/session-real.jsonl) and as jazzyalex/agent-sessions DroidSessionParser.swift reads them.
/// </summary>
internal sealed class DroidContent
{
    /// <summary>How a harness note is wrapped: Droid puts its reminders (tools, skills, environment) in user messages.</summary>
    private const string ReminderOpen = "<system-reminder>";
    private const string ReminderClose = "</system-reminder>";

    /// <summary>What a text block is in a user message: typed words, a harness note, or a shell run.</summary>
    private enum Part
    {
        Text,
        Reminder,
        Shell,
    }

    private readonly List<(ContentBlock Block, Part Part)> _blocks = new();

    /// <summary>The text and image blocks in the order written.</summary>
    public IReadOnlyList<ContentBlock> All => _blocks.Select(b => b.Block).ToArray();

    /// <summary>The text and image blocks that are no reminder and no shell run.</summary>
    public IReadOnlyList<ContentBlock> Text => Of(Part.Text);

    /// <summary>The &lt;system-reminder&gt; notes, which no person typed, each a block of its own.</summary>
    public IReadOnlyList<ContentBlock> Reminders => Of(Part.Reminder);

    /// <summary>Commands the person ran in bash mode ("!command"), each "$ command" and its output.</summary>
    public IReadOnlyList<ContentBlock> ShellRuns => Of(Part.Shell);

    public List<string> Thinking { get; } = new();
    public List<ToolCall> Calls { get; } = new();
    public List<ToolResult> Results { get; } = new();
    public long RedactedThinking { get; private set; }

    /// <summary>Document blocks (a PDF the person attached): counted, as their text is not in the file.</summary>
    public long Documents { get; private set; }

    /// <summary>Block types this reader does not know, to be reported with the line.</summary>
    public List<string> UnknownTypes { get; } = new();

    /// <summary>The JSON kind of a content that is neither text nor a list of blocks (nor absent); null when readable.</summary>
    public JsonValueKind? Unreadable { get; private init; }

    public static DroidContent Read(JsonElement content, DateTimeOffset? timestamp)
    {
        if (content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array or JsonValueKind.Undefined or JsonValueKind.Null))
        {
            return new DroidContent { Unreadable = content.ValueKind };
        }
        var read = new DroidContent();
        if (content.ValueKind == JsonValueKind.String)
        {
            read.AddText(content.GetString()!);
            return read;
        }
        if (content.ValueKind != JsonValueKind.Array) return read;
        foreach (var block in content.EnumerateArray())
        {
            var type = block.GetStringOrNull("type");
            switch (type)
            {
                case "text":
                    read.AddText(block.GetTextOrEmpty("text"));
                    break;
                case "thinking":
                    if (block.GetStringOrNull("thinking") is { Length: > 0 } thought) read.Thinking.Add(thought);
                    else read.RedactedThinking++;
                    break;
                case "redacted_thinking":
                    read.RedactedThinking++;
                    break;
                case "document":
                    read.Documents++;
                    break;
                case "tool_use":
                    read.Calls.Add(new ToolCall(block.GetIdOrNull("id") ?? string.Empty, block.GetStringOrNull("name") ?? string.Empty, AnthropicBlocks.ToolInput(block)));
                    break;
                case "tool_result":
                    read.Results.Add(new ToolResult(block.GetIdOrNull("tool_use_id") ?? string.Empty, AnthropicBlocks.ToolResultContent(block.GetPropertyOrDefault("content")))
                    {
                        IsError = block.GetBool("is_error"),
                        Timestamp = timestamp,
                    });
                    break;
                case "image" when AnthropicBlocks.Image(block) is { } image:
                    read._blocks.Add((image, Part.Text));
                    break;
                default:
                    read.UnknownTypes.Add(type ?? "(none)");
                    break;
            }
        }
        return read;
    }

    private IReadOnlyList<ContentBlock> Of(Part part) => _blocks.Where(b => b.Part == part).Select(b => b.Block).ToArray();

    /// <summary>
    /// A text block, split into its &lt;system-reminder&gt; notes and the words outside them: Droid puts its
    /// reminders before (and after) the person's words in the same block, and a block of reminders alone is the
    /// harness's. A bash-mode run is one block holding a bash_result record as JSON text.
    /// </summary>
    private void AddText(string text)
    {
        if (text.Length == 0) return;
        if (ShellRun(text) is { } run)
        {
            _blocks.Add((ContentBlock.FromText(run), Part.Shell));
            return;
        }
        var outside = new List<string>();
        var at = 0;
        while (text.IndexOf(ReminderOpen, at, StringComparison.Ordinal) is var open and >= 0
            && text.IndexOf(ReminderClose, open, StringComparison.Ordinal) is var close and >= 0)
        {
            outside.Add(text[at..open]);
            at = close + ReminderClose.Length;
            _blocks.Add((ContentBlock.FromText(text[open..at]), Part.Reminder));
        }
        if (at == 0)
        {
            _blocks.Add((ContentBlock.FromText(text), Part.Text));
            return;
        }
        outside.Add(text[at..]);
        var words = string.Join("\n\n", outside.Select(o => o.Trim()).Where(o => o.Length > 0));
        if (words.Length > 0) _blocks.Add((ContentBlock.FromText(words), Part.Text));
    }

    /// <summary>
    /// "$ command", then what it wrote and how it ended, for a block that is a bash_result record as JSON text
    /// ({type, command, stdout, stderr, exitCode}, droid 0.231.0); null for any other text.
    /// </summary>
    private static string? ShellRun(string text)
    {
        var trimmed = text.AsSpan().Trim();
        if (!trimmed.StartsWith("{", StringComparison.Ordinal) || trimmed.IndexOf("\"bash_result\"", StringComparison.Ordinal) < 0) return null;
        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.GetStringOrNull("type") != "bash_result") return null;
            var exit = root.GetPropertyOrDefault("exitCode") is { ValueKind: JsonValueKind.Number } code && code.TryGetInt64(out var value) && value != 0
                ? $"(exit code {value})"
                : null;
            return string.Join("\n", new[] { $"$ {root.GetTextOrEmpty("command")}", root.GetTextOrEmpty("stdout").TrimEnd(), root.GetTextOrEmpty("stderr").TrimEnd(), exit }
                .Where(t => !string.IsNullOrEmpty(t)));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
