using RolloutTools.Core.Formats.Antigravity;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// Points HOME at a folder until disposed, for an agent that keeps its files under the user's home and honours no
/// variable of its own (Antigravity's agy): .NET takes the user's home from HOME on Linux and macOS, as agy does.
/// Used inside the <see cref="EnvironmentVariables"/> collection, since it changes the whole process.
/// </summary>
internal sealed class HomeVariable : IDisposable
{
    private readonly string? _previous = Environment.GetEnvironmentVariable(AntigravityReader.HomeVariable);

    public HomeVariable(string path)
    {
        Path = path;
        Environment.SetEnvironmentVariable(AntigravityReader.HomeVariable, path);
    }

    public string Path { get; }

    public void Dispose() => Environment.SetEnvironmentVariable(AntigravityReader.HomeVariable, _previous);
}
