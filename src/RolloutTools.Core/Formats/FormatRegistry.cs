using RolloutTools.Core.Formats.ClaudeCode;
using RolloutTools.Core.Formats.Codex;
using RolloutTools.Core.Formats.Hermes;
using RolloutTools.Core.Formats.Normalized;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats;

/// <summary>Every format the module reads. Adding a format is one folder under Formats/ and one line here.</summary>
public static class FormatRegistry
{
    public static IReadOnlyList<IRolloutReader> All { get; } = new IRolloutReader[]
    {
        new ClaudeCodeReader(),
        new CodexReader(),
        new NormalizedReader(),
        new HermesReader(),
    };

    public static IRolloutReader Get(RolloutFormat format) => All.First(r => r.Format == format);
}
