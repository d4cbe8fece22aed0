using RolloutTools.Core.Formats.Aider;
using RolloutTools.Core.Formats.Amp;
using RolloutTools.Core.Formats.Antigravity;
using RolloutTools.Core.Formats.Atif;
using RolloutTools.Core.Formats.ClaudeCode;
using RolloutTools.Core.Formats.Cline;
using RolloutTools.Core.Formats.Codex;
using RolloutTools.Core.Formats.Continue;
using RolloutTools.Core.Formats.CopilotChat;
using RolloutTools.Core.Formats.CopilotCli;
using RolloutTools.Core.Formats.Crush;
using RolloutTools.Core.Formats.Cursor;
using RolloutTools.Core.Formats.CursorIde;
using RolloutTools.Core.Formats.DevinCli;
using RolloutTools.Core.Formats.FactoryDroid;
using RolloutTools.Core.Formats.GeminiCli;
using RolloutTools.Core.Formats.Goose;
using RolloutTools.Core.Formats.GrokCli;
using RolloutTools.Core.Formats.Hermes;
using RolloutTools.Core.Formats.KimiCode;
using RolloutTools.Core.Formats.KiroCli;
using RolloutTools.Core.Formats.MistralVibe;
using RolloutTools.Core.Formats.Normalized;
using RolloutTools.Core.Formats.OpenClaw;
using RolloutTools.Core.Formats.OpenCode;
using RolloutTools.Core.Formats.OpenHands;
using RolloutTools.Core.Formats.Pi;
using RolloutTools.Core.Formats.QwenCode;
using RolloutTools.Core.Formats.SweAgent;
using RolloutTools.Core.Formats.Zed;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats;

/// <summary>
/// The formats a run knows: detection chooses among them, searches skip their sidecar files. The module
/// uses <see cref="Default"/>; a caller (a test, a host with a format of its own) can build another.
/// </summary>
public sealed class FormatRegistry
{
    /// <summary>Every format the module reads. Adding a format is one folder under Formats/ and one line here.</summary>
    public static FormatRegistry Default { get; } = new(new IRolloutReader[]
    {
        new ClaudeCodeReader(),
        new CodexReader(),
        new PiCodingAgentReader(),
        new NormalizedReader(),
        new AtifReader(),
        new HermesReader(),
        new QwenCodeReader(),
        new GeminiCliReader(),
        new OpenCodeReader(),
        new CursorReader(),
        new CopilotCliReader(),
        new ClineReader(),
        new GooseReader(),
        new AiderReader(),
        new VibeReader(),
        new SweAgentReader(),
        new OpenHandsReader(),
        new CrushReader(),
        new ContinueReader(),
        new GrokCliReader(),
        new AmpReader(),
        new DroidReader(),
        new ZedReader(),
        new KimiCodeReader(),
        new OpenClawReader(),
        new DevinCliReader(),
        new AntigravityReader(),
        new KiroCliReader(),
        new CopilotChatReader(),
        new CursorIdeReader(),
    });

    public FormatRegistry(IEnumerable<IRolloutReader> readers)
    {
        All = readers.ToArray();
        var twice = All.GroupBy(r => r.Format).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new ArgumentException($"Two readers claim the format {twice.Key}.", nameof(readers));
    }

    public IReadOnlyList<IRolloutReader> All { get; }

    public IRolloutReader Get(RolloutFormat format) =>
        All.FirstOrDefault(r => r.Format == format) ?? throw new ArgumentException($"No reader for the format {format} is registered.", nameof(format));

    /// <summary>Whether any format keeps this file beside its traces without it being one (an index, a prompt history).</summary>
    public bool IsSidecarFile(string path) => All.Any(r => r.IsSidecarFile(path));
}
