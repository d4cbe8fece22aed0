using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Aider;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/aider/tally-app is a repository folder aider ran in twice: .aider.chat.history.md holds both runs
/// (samples/aider/README.md says what each shows) and .aider.input.history sits beside it. Found the way
/// Get-AgentRollout -Path samples/aider -Recurse finds it.
/// </summary>
public sealed class AiderSamplesTests
{
    private static readonly Lazy<(IReadOnlyList<string> Files, IReadOnlyList<ReadResult> Results)> Run = new(() =>
    {
        var found = TraceFileFinder.Find(SampleFolder.Root("aider"), FormatRegistry.Default.All, new TraceSearch { Recurse = true }).Files;
        Assert.All(found, f => Assert.IsType<AiderReader>(Assert.Single(f.Readers)));
        var files = found.Select(f => f.Path).ToArray();
        return (files, SampleFolder.Read(new AiderReader(), files));
    });

    private static RolloutRecord[] Records => Run.Value.Results.Select(r => r.Record).OfType<RolloutRecord>().ToArray();

    [Fact]
    public void A_recursive_search_finds_the_history_by_name_and_not_the_input_history_beside_it()
    {
        var file = Assert.Single(Run.Value.Files);
        Assert.Equal(SampleFolder.Root("aider", "tally-app", ".aider.chat.history.md"), file);
        Assert.Empty(Run.Value.Results.SelectMany(r => r.Diagnostics));
        Assert.Equal(2, Records.Length);
        Assert.All(Records, r => Assert.Equal(SampleFolder.Root("aider", "tally-app"), r.Cwd));
    }

    [Fact]
    public void The_first_run_has_its_announcements_commands_prompts_responses_and_outputs()
    {
        var run = Records[0];
        Assert.Equal("make count_words ignore punctuation and keep the result sorted by word", run.Title);
        Assert.Equal(new[]
        {
            MessageKind.Context, MessageKind.Command, MessageKind.Synthetic, MessageKind.Prompt, MessageKind.Response, MessageKind.Synthetic,
            MessageKind.Command, MessageKind.Prompt, MessageKind.Response, MessageKind.Command, MessageKind.Synthetic,
        }, run.Messages.Select(m => m.Kind));
        Assert.Equal(new[] { "anthropic/claude-sonnet-4-20250514" }, run.Models);
        Assert.Contains("> Note: `str.translate`", run.Messages[4].Text, StringComparison.Ordinal);
        Assert.Contains("#### Changes", run.Messages[4].Text, StringComparison.Ordinal);
        Assert.Equal(new TokenUsage(1100, 312, 1100, 2000), run.Messages[4].Usage);
        Assert.Equal(0.02m, run.Messages[4].CostUsd);
        Assert.Equal("does this handle unicode punctuation?", run.Messages[7].Text);
        Assert.Equal(new TokenUsage(5000, 184, 0, 0), run.Messages[8].Usage);
        Assert.Equal(0.0091m, run.Messages[8].CostUsd);
        Assert.Equal("Add 0.1k tokens of command output to the chat? (Y)es/(N)o [Yes]: n", run.Messages[^1].Text);
        Assert.Equal(0.03, run.SourceMeta["session_cost_usd"]);
        Assert.Equal(1L, run.SourceMeta["blank_inputs"]);
    }

    [Fact]
    public void The_second_run_switches_model_and_reports_tokens_without_a_price()
    {
        var run = Records[1];
        Assert.Equal(new[] { "gpt-4o", "ollama_chat/qwen2.5-coder:7b" }, run.Models);
        var responses = run.Messages.Where(m => m.Kind == MessageKind.Response).ToArray();
        Assert.Equal(new[] { "gpt-4o", "ollama_chat/qwen2.5-coder:7b" }, responses.Select(m => m.Model));
        Assert.Equal((new TokenUsage(12000, 1305, 0, 0), 0.04m), (responses[0].Usage!.Value, responses[0].CostUsd!.Value));
        Assert.Equal(new TokenUsage(2300, 41, 0, 0), responses[1].Usage);
        Assert.Null(responses[1].CostUsd);
        Assert.Equal("litellm.APIConnectionError: Ollama_chatException - connection refused\nRetrying in 0.2 seconds...", run.Messages[^1].Text);
        Assert.NotEqual(Records[0].TraceId, run.TraceId);
    }
}
