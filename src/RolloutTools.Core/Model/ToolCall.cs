namespace RolloutTools.Core.Model;

/// <summary>A function call the model made. Arguments are a JSON string, as in the chat-completions API.</summary>
public sealed record ToolCall(string Id, string Name, string Arguments)
{
    public override string ToString() => $"{Name}({Arguments})";
}
