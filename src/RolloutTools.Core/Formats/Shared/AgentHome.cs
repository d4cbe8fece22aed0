namespace RolloutTools.Core.Formats.Shared;

/// <summary>
/// Where an agent keeps its state: the folder its environment variable names, else a folder under the
/// user's home. The agents in question resolve the home the same way on Linux, macOS and Windows (Node's
/// os.homedir(), Python's Path.home(), Rust's home_dir()), so one rule serves every OS.
/// </summary>
public static class AgentHome
{
    /// <param name="variable">The agent's override (CLAUDE_CONFIG_DIR, CODEX_HOME, …); blank counts as unset, as the agents treat it.</param>
    /// <param name="underHome">The folder relative to the user's home when the variable is unset (".claude").</param>
    public static string Resolve(string variable, string underHome)
    {
        var configured = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), underHome)
            : configured;
    }
}
