using System.Text;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Aider;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>Each kind of line aider's io.py writes to .aider.chat.history.md, and the damage a file can carry.</summary>
public sealed class AiderReaderTests
{
    private static IReadOnlyList<ReadResult> Read(string text) => Read(Encoding.UTF8.GetBytes(text));

    private static IReadOnlyList<ReadResult> Read(byte[] bytes)
    {
        var scan = (IMultiRecordScan)new AiderReader().BeginScan(Array.Empty<TraceSource>(), CancellationToken.None);
        return scan.ReadEach(TraceSource.FromBytes("history.md", bytes), CancellationToken.None).ToArray();
    }

    private static RolloutRecord Single(string text) => Read(text).Single().Record!;

    private const string Heading = "\n# aider chat started at 2025-01-02 03:04:05\n\n";

    [Fact]
    public void Each_heading_starts_a_run_dated_as_written_in_this_machines_zone()
    {
        var results = Read(Heading + "#### one  \n" + "\n# aider chat started at 2025-01-02 07:00:00\n\n#### two  \n");
        Assert.Equal(2, results.Count);
        var first = results[0].Record!;
        Assert.Equal(new DateTime(2025, 1, 2, 3, 4, 5), first.StartedAt!.Value.DateTime);
        Assert.Equal(TimeZoneInfo.Local.GetUtcOffset(new DateTime(2025, 1, 2, 3, 4, 5)), first.StartedAt.Value.Offset);
        Assert.Equal("2025-01-02 03:04:05", first.SourceMeta["started_at_as_written"]);
        Assert.Equal("two", results[1].Record!.Messages.Single().Text);
        Assert.Equal(2L, first.SourceMeta["run_line"]);
    }

    [Fact]
    public void Trace_ids_come_from_the_path_and_start_and_a_second_run_in_the_same_second_is_numbered()
    {
        var results = Read(Heading + "#### one  \n" + Heading + "#### two  \n");
        var ids = results.Select(r => r.Record!.TraceId).ToArray();
        Assert.Matches("^aider-[0-9a-f]{12}-20250102T030405$", ids[0]);
        Assert.Equal(ids[0] + "-2", ids[1]);
        Assert.Equal(ids, Read(Heading + "#### one  \n" + Heading + "#### two  \n").Select(r => r.Record!.TraceId));
    }

    [Fact]
    public void Consecutive_input_lines_are_one_prompt_joined_as_typed_and_a_blank_input_is_counted()
    {
        var record = Single(Heading + "#### first line  \n#### second line  \n\n#### <blank>  \n");
        var prompt = Assert.Single(record.Messages);
        Assert.Equal((MessageRole.User, MessageKind.Prompt), (prompt.Role, prompt.Kind));
        Assert.Equal("first line\nsecond line", prompt.Text);
        Assert.Equal(1L, record.SourceMeta["blank_inputs"]);
        Assert.Equal("first line second line", record.Title);
    }

    [Theory]
    [InlineData("/add src/a.py", MessageKind.Command)]
    [InlineData("/undo", MessageKind.Command)]
    [InlineData("!make test", MessageKind.Command)]
    [InlineData("/ask why?", MessageKind.Command)]
    [InlineData("/architect split the module", MessageKind.Command)]
    [InlineData("/ask", MessageKind.Command)]
    [InlineData("why?", MessageKind.Prompt)]
    public void Slash_and_shell_commands_are_commands(string typed, MessageKind kind)
    {
        Assert.Equal(kind, Single(Heading + $"#### {typed}  \n").Messages.Single().Kind);
    }

    [Fact]
    public void A_command_that_hands_words_to_the_model_is_a_command_and_the_words_aider_echoes_after_it_the_prompt()
    {
        var record = Single(Heading + "#### /ask what does foo do?  \n\n#### what does foo do?  \n\nfoo prints bar.\n\n");
        Assert.Equal(new[] { (MessageKind.Command, "/ask what does foo do?"), (MessageKind.Prompt, "what does foo do?"), (MessageKind.Response, "foo prints bar.") },
            record.Messages.Select(m => (m.Kind, m.Text)));
        Assert.Equal("what does foo do?", record.Title);
    }

    [Theory]
    [InlineData("> Edit the files? (Y)es/(N)o [Yes]: y  \n")]
    [InlineData("")]
    public void The_architects_answer_echoed_to_the_editor_is_an_agent_message_and_the_editor_model_answers_it(string confirm)
    {
        var record = Single(Heading + "> Main model: anthropic/claude-sonnet-4 with architect edit format  \n"
            + "> Editor model: anthropic/claude-3-5-haiku with editor-diff edit format  \n\n#### make foo print baz  \n\n"
            + "Change foo.py  \nso it prints baz.\n\n> Tokens: 2.1k sent, 150 received.  \n" + confirm
            + "\n#### Change foo.py    \n#### so it prints baz.  \n\nfoo.py edited\n\n> Tokens: 1.0k sent, 50 received.  \n");
        Assert.Equal(new[] { MessageKind.Prompt, MessageKind.Response, MessageKind.AgentMessage, MessageKind.Response },
            record.Messages.Where(m => m.Kind != MessageKind.Synthetic && m.Role != MessageRole.System).Select(m => m.Kind));
        var responses = record.Messages.Where(m => m.Kind == MessageKind.Response).ToArray();
        Assert.Equal(new[] { "anthropic/claude-sonnet-4", "anthropic/claude-3-5-haiku" }, responses.Select(m => m.Model));
        Assert.Equal(new TokenUsage(1000, 50, 0, 0), responses[1].Usage);
        Assert.Equal(new[] { "anthropic/claude-sonnet-4", "anthropic/claude-3-5-haiku" }, record.Models);
    }

    [Fact]
    public void An_input_after_a_declined_edit_is_the_persons_prompt()
    {
        var record = Single(Heading + "#### plan it  \n\nThe plan.\n\n> Edit the files? (Y)es/(N)o [Yes]: n  \n\n#### something else  \n");
        Assert.Equal((MessageRole.User, MessageKind.Prompt), (record.Messages[^1].Role, record.Messages[^1].Kind));
    }

    [Fact]
    public void An_answer_aider_gives_a_question_on_its_own_is_synthetic()
    {
        var record = Single(Heading + "#### add the files  \n> Add file to the chat? (Y)es/(N)o/(A)ll/(S)kip all/(D)on't ask again [Yes]: a  \n\n"
            + "#### Add file to the chat? (Y)es/(N)o/(A)ll/(S)kip all/(D)on't ask again [Yes]: all  \n");
        var given = record.Messages[^1];
        Assert.Equal((MessageRole.Assistant, MessageKind.Synthetic), (given.Role, given.Kind));
        Assert.Single(record.Messages, m => m.Kind == MessageKind.Prompt);
    }

    [Fact]
    public void Output_before_the_first_input_is_context_and_after_it_synthetic_and_names_the_models()
    {
        var record = Single(Heading
            + "> aider --model sonnet  \n> Aider v0.86.1  \n> Main model: anthropic/claude-sonnet-4 with diff edit format, prompt cache  \n"
            + "> Weak model: anthropic/claude-haiku  \n> Editor model: gpt-4.1 with editor-diff edit format  \n>  \n> Git repo: none  \n"
            + "\n#### hi  \n\nHello.\n\n> Applied edit to a.py  \n> Commit abc123 tidy  \n");
        var context = record.Messages[0];
        Assert.Equal((MessageRole.System, MessageKind.Context), (context.Role, context.Kind));
        Assert.Equal("aider --model sonnet\nAider v0.86.1\nMain model: anthropic/claude-sonnet-4 with diff edit format, prompt cache\n"
            + "Weak model: anthropic/claude-haiku\nEditor model: gpt-4.1 with editor-diff edit format\n\nGit repo: none", context.Text);
        var output = record.Messages[^1];
        Assert.Equal((MessageRole.Assistant, MessageKind.Synthetic, "Applied edit to a.py\nCommit abc123 tidy"), (output.Role, output.Kind, output.Text));
        Assert.Null(output.Model);
        Assert.Equal("anthropic/claude-sonnet-4", record.Messages[2].Model);
        Assert.Equal(new[] { "anthropic/claude-sonnet-4" }, record.Models);
        Assert.Equal("0.86.1", record.SourceMeta["aider_version"]);
        Assert.Equal("anthropic/claude-haiku", record.SourceMeta["weak_model"]);
        Assert.Equal("gpt-4.1", record.SourceMeta["editor_model"]);
    }

    [Fact]
    public void The_models_answer_keeps_quotations_and_headings_that_lack_aiders_line_break()
    {
        var record = Single(Heading + "#### hi  \n\n> a quotation\n\n#### A heading\n\ntext\n\n");
        var response = record.Messages[1];
        Assert.Equal((MessageRole.Assistant, MessageKind.Response), (response.Role, response.Kind));
        Assert.Equal("> a quotation\n\n#### A heading\n\ntext", response.Text);
        Assert.Equal(2, record.Messages.Count);
    }

    [Fact]
    public void Aiders_output_of_several_lines_after_its_own_line_is_one_output_not_an_answer()
    {
        var record = Single(Heading + "#### /git log --oneline  \n> abc1234 fix: print baz\ndef5678 init  \n\n"
            + "#### fix it  \n\nDone.\n\n> Tokens: 100 sent, 10 received.  \n> echo one\necho two  \n> Run shell commands? (Y)es/(N)o [Yes]: n  \n");
        Assert.Equal(new[] { (MessageKind.Command, "/git log --oneline"), (MessageKind.Synthetic, "abc1234 fix: print baz\ndef5678 init"),
                (MessageKind.Prompt, "fix it"), (MessageKind.Response, "Done."),
                (MessageKind.Synthetic, "echo one\necho two\nRun shell commands? (Y)es/(N)o [Yes]: n") },
            record.Messages.Select(m => (m.Kind, m.Text)));
    }

    [Fact]
    public void An_answer_that_opens_with_a_quotation_after_a_blank_line_stays_the_models()
    {
        var record = Single(Heading + "#### quote it  \n\n> to be\nor not  \n\n#### next  \n");
        Assert.Equal((MessageKind.Response, "> to be\nor not  "), (record.Messages[1].Kind, record.Messages[1].Text));
    }

    [Theory]
    [InlineData("thinking-content-7bbeb8e1441453ad999a0bbba8a46d4b", "thinking-content-7bbeb8e1441453ad999a0bbba8a46d4b")]
    [InlineData("thinking-content-7bbeb8e1441453ad999a0bbba8a46d4b", "think")]
    [InlineData("think", "think")]
    public void A_reasoning_block_before_the_answer_is_reasoning_not_text(string open, string close)
    {
        var record = Single(Heading + $"#### hi  \n\n<{open}>\n\nLet me think about foo.\n\n</{close}>\n\nfoo prints bar.\n\n");
        var response = record.Messages[1];
        Assert.Equal(("Let me think about foo.", "foo prints bar."), (response.ReasoningContent, response.Text));
    }

    [Fact]
    public void A_reasoning_tag_inside_the_answer_stays_text()
    {
        var record = Single(Heading + "#### hi  \n\nUse <think>x</think> tags.\n\n");
        Assert.Equal(("Use <think>x</think> tags.", (string?)null), (record.Messages[1].Text, record.Messages[1].ReasoningContent));
    }

    [Fact]
    public void A_model_switch_names_the_new_model_for_the_responses_after_it()
    {
        var record = Single(Heading + "> Model: gpt-4o with diff edit format  \n\n#### a  \n\none\n\n#### /model o3  \n"
            + "> Aider v0.86.1  \n> Main model: o3 with diff edit format, reasoning high  \n\n#### b  \n\ntwo\n\n");
        Assert.Equal(new[] { "gpt-4o", "o3" }, record.Messages.Where(m => m.Kind == MessageKind.Response).Select(m => m.Model));
        Assert.Equal(new[] { "gpt-4o", "o3" }, record.Models);
    }

    [Fact]
    public void A_token_report_is_the_usage_and_stated_cost_of_the_response_before_it_as_rounded_as_written()
    {
        var record = Single(Heading + "#### a  \n\nanswer\n\n> Applied edit to a.py  \n> Tokens: 2.1k sent, 150 received. Cost: $0.01 message, $0.05 session.  \n");
        var response = record.Messages[1];
        Assert.Equal(new TokenUsage(2100, 150, 0, 0), response.Usage);
        Assert.Equal(0.01m, response.CostUsd);
        Assert.Equal(new TokenUsage(2100, 150, 0, 0), new TokenUsage(record.InputTokens, record.OutputTokens, record.CacheReadTokens, record.CacheWriteTokens));
        Assert.Equal(0.05, record.SourceMeta["session_cost_usd"]);
        Assert.Equal(1L, record.SourceMeta["usage_reports"]);
        Assert.StartsWith("rounded", (string)record.SourceMeta["token_counts"]);
        Assert.DoesNotContain(record.Messages, m => m.Text.Contains("Tokens:", StringComparison.Ordinal));
    }

    [Fact]
    public void Cache_writes_and_hits_come_out_of_what_was_sent_and_their_cost_line_has_no_prefix()
    {
        var record = Single(Heading + "#### a  \n\nanswer\n\n> Tokens: 12k sent, 2.0k cache write, 8.5k cache hit, 1,305 received.\nCost: $0.0042 message, $0.03 session.  \n> after  \n");
        var response = record.Messages[1];
        Assert.Equal(new TokenUsage(1500, 1305, 8500, 2000), response.Usage);
        Assert.Equal(0.0042m, response.CostUsd);
        Assert.Equal("after", record.Messages[^1].Text);
    }

    [Theory]
    [InlineData("194 sent, 9,474 cache write, 7 received.", 194, 0, 9474)]
    [InlineData("202 sent, 2,728 cache hit, 7 received.", 202, 2728, 0)]
    [InlineData("2,930 sent, 2,728 cache write, 7 received.", 202, 0, 2728)]
    public void A_sent_count_smaller_than_the_cache_is_the_uncached_input_itself(string tokens, long input, long hit, long write)
    {
        var record = Single(Heading + $"#### a  \n\nanswer\n\n> Tokens: {tokens}  \n");
        Assert.Equal(new TokenUsage(input, 7, hit, write), record.Messages[1].Usage);
    }

    [Fact]
    public void A_report_without_cost_gives_usage_only_and_whole_counts_are_not_called_rounded()
    {
        var record = Single(Heading + "#### a  \n\nanswer\n\n> Tokens: 1,234 sent, 56 received.  \n");
        Assert.Equal(new TokenUsage(1234, 56, 0, 0), record.Messages[1].Usage);
        Assert.Null(record.Messages[1].CostUsd);
        Assert.False(record.SourceMeta.ContainsKey("token_counts"));
        Assert.False(record.SourceMeta.ContainsKey("session_cost_usd"));
    }

    [Fact]
    public void A_line_that_starts_like_a_report_but_is_none_is_aiders_output()
    {
        var record = Single(Heading + "#### a  \n\nanswer\n\n> Tokens: unknown  \n");
        Assert.Equal((MessageKind.Synthetic, "Tokens: unknown"), (record.Messages[^1].Kind, record.Messages[^1].Text));
        Assert.Null(record.Messages[1].Usage);
    }

    [Fact]
    public void A_report_with_no_response_to_carry_it_stays_as_aiders_output()
    {
        var record = Single(Heading + "#### a  \n> Tokens: 300 sent, 0 received.  \n");
        Assert.Equal((MessageKind.Synthetic, "Tokens: 300 sent, 0 received."), (record.Messages[^1].Kind, record.Messages[^1].Text));
        Assert.Equal(1L, record.SourceMeta["unattached_usage_reports"]);
    }

    [Fact]
    public void A_truncated_last_line_is_skipped_with_a_warning_at_its_line()
    {
        var results = Read(Heading + "#### a  \n\nanswer\n\n> Tokens: 2.1k se");
        var warning = Assert.Single(results[0].Diagnostics);
        Assert.Equal((RolloutDiagnostic.TruncatedLine, 8, "history.md"), (warning.ErrorId, warning.LineNumber, warning.Path));
        Assert.Null(results[0].Record!.Messages[1].Usage);
    }

    [Fact]
    public void Invalid_utf8_is_replaced_and_warned_about_at_its_line()
    {
        var bytes = Encoding.UTF8.GetBytes(Heading + "#### caf").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("  \n")).ToArray();
        var result = Read(bytes).Single();
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((RolloutDiagnostic.InvalidUtf8, 4), (warning.ErrorId, warning.LineNumber));
        Assert.Equal("caf\uFFFD(", result.Record!.Messages.Single().Text);
    }

    [Fact]
    public void Lines_before_the_first_heading_are_reported_and_a_file_without_one_is_skipped()
    {
        Assert.Empty(Read(Heading + "#### a  \n")[0].Diagnostics);
        var results = Read("stray\n" + Heading + "#### a  \n");
        Assert.Equal((RolloutDiagnostic.ParseError, 1), (results[0].Diagnostics.Single().ErrorId, results[0].Diagnostics.Single().LineNumber));
        var none = Read("just notes\n").Single();
        Assert.Null(none.Record);
        Assert.Equal("it holds no '# aider chat started at' heading", none.SkipReason);
    }

    [Theory]
    [InlineData("/repo/.aider.chat.history.md", true, false)]
    [InlineData("/repo/.aider.input.history", false, true)]
    [InlineData("/repo/.aider.llm.history", false, true)]
    [InlineData("/repo/chat.history.md", false, false)]
    public void The_history_is_found_by_name_and_the_files_beside_it_are_sidecars(string path, bool trace, bool sidecar)
    {
        var reader = new AiderReader();
        Assert.Equal((trace, sidecar), (reader.IsTraceFile(path), reader.IsSidecarFile(path)));
        Assert.Empty(reader.DefaultLocations());
    }
}
