namespace RolloutTools.Core.Model;

/// <summary>Chat-completions roles; serialized in lower case.</summary>
public enum MessageRole
{
    System,
    User,
    Assistant,
    Tool,
}
