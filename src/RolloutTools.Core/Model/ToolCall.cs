namespace RolloutTools.Core.Model;

/// <summary>
/// A function call the model made. Arguments are a JSON string, as in the chat-completions API.
/// A class with value equality, not a C# record, for the reason RolloutRecord gives.
/// </summary>
public sealed class ToolCall : IEquatable<ToolCall>
{
    public ToolCall(string id, string name, string arguments)
    {
        Id = id;
        Name = name;
        Arguments = arguments;
    }

    public string Id { get; }

    public string Name { get; }

    public string Arguments { get; }

    public bool Equals(ToolCall? other) =>
        other is not null && Id == other.Id && Name == other.Name && Arguments == other.Arguments;

    public override bool Equals(object? obj) => Equals(obj as ToolCall);

    public override int GetHashCode() => HashCode.Combine(Id, Name, Arguments);

    public override string ToString() => $"{Name}({Arguments})";
}
