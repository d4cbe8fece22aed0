using System.Text;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Tests.Formats;

namespace RolloutTools.Core.Tests.Reading;

/// <summary>
/// Files damaged in the ways disks and writers damage them, read from a real folder with detection, as
/// Get-AgentRollout reads them: every damage is reported where it is, and costs no more than itself.
/// </summary>
public sealed class HostileContentTests : IDisposable
{
    private const string OtherSession = "0b1e7c55-1111-4222-8333-444455556666";
    private const string CodexId = "019a4f3e-5b6c-7d8e-9f01-a2b3c4d5e6f7";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("rollout-hostile-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string Write(string relativePath, byte[] content)
    {
        var path = Path.Combine(_folder.FullName, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    private string Write(string relativePath, string content) => Write(relativePath, Encoding.UTF8.GetBytes(content));

    /// <summary>Reads the files as a run does: each one's format detected from its content, name and place.</summary>
    private static ReadResult[] ReadDetected(params string[] paths) => RolloutLoader
        .ReadAll(paths.Select(p => new SessionReference(TraceSource.FromFile(p))).ToArray(), new ReadOptions(), CancellationToken.None)
        .ToArray();

    private static ClaudeLines Session(string id, string prompt) =>
        new ClaudeLines { SessionId = id }.User("u1", null, prompt).Text("a1", "u1", "msg_01A", "Done.");

    private static string CodexRollout(string userText = "\"Add a test\"") =>
        $"{{\"timestamp\":\"2025-11-20T21:05:09.100Z\",\"type\":\"session_meta\",\"payload\":{{\"id\":\"{CodexId}\",\"timestamp\":\"2025-11-20T21:05:09.100Z\",\"cwd\":\"/home/dev/acme-shop\",\"cli_version\":\"0.58.0\"}}}}\n" +
        $"{{\"timestamp\":\"2025-11-20T21:05:10.100Z\",\"type\":\"response_item\",\"payload\":{{\"type\":\"message\",\"role\":\"user\",\"content\":[{{\"type\":\"input_text\",\"text\":{userText}}}]}}}}\n" +
        "{\"timestamp\":\"2025-11-20T21:05:11.100Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Added.\"}]}}\n";

    public static TheoryData<string, byte[]> DamagedIndexes => new()
    {
        { "invalid UTF-8", Encoding.UTF8.GetBytes("{\"entries\":[{\"sessionId\":\"x\",\"summary\":\"caf").Concat(new byte[] { 0xC3, 0x28 }).Concat("\"}]}"u8.ToArray()).ToArray() },
        { "truncated", "{\"version\":1,\"entries\":[{\"sessionId\":\"7f3c"u8.ToArray() },
        { "entries of the wrong type", "{\"version\":1,\"entries\":{\"sessionId\":\"x\"}}"u8.ToArray() },
        { "a numeric session id", "{\"version\":1,\"entries\":[{\"sessionId\":42,\"summary\":\"Old title\"}]}"u8.ToArray() },
        { "not an object", "[1,2,3]"u8.ToArray() },
        { "empty", Array.Empty<byte>() },
    };

    [Theory]
    [MemberData(nameof(DamagedIndexes))]
    public void A_damaged_session_index_costs_no_session_and_is_named_in_one_warning(string damage, byte[] index)
    {
        var first = Write($"project/{ClaudeLines.Session}.jsonl", Session(ClaudeLines.Session, "Fix checkout").Text());
        var second = Write($"project/{OtherSession}.jsonl", Session(OtherSession, "Add tax rules").Text());
        var indexPath = Write("project/sessions-index.json", index);

        var results = ReadDetected(first, second);

        Assert.True(results.All(r => r.Record is not null), $"a session was lost to an index that is {damage}");
        Assert.Equal(new[] { "Fix checkout", "Add tax rules" }, results.Select(r => r.Record!.Title));
        var diagnostics = results.SelectMany(r => r.Diagnostics).ToArray();
        var warning = Assert.Single(diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, RolloutDiagnostic.SidecarDamaged, indexPath), (warning.Severity, warning.ErrorId, warning.Path));
        Assert.StartsWith(indexPath + ": ignored, ", warning.Message);
    }

    [Fact]
    public void A_whole_session_index_still_titles_its_sessions()
    {
        var path = Write($"project/{ClaudeLines.Session}.jsonl", Session(ClaudeLines.Session, "Fix checkout").Text());
        Write("project/sessions-index.json", $"{{\"version\":1,\"entries\":[{{\"sessionId\":\"{ClaudeLines.Session}\",\"summary\":\"Checkout fixed\",\"firstPrompt\":null,\"projectPath\":\"/home/dev/acme-shop\"}}],\"originalPath\":\"/home/dev/acme-shop\"}}");

        var result = Assert.Single(ReadDetected(path));

        Assert.Equal("Checkout fixed", result.Record!.Title);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void A_damaged_subagent_metadata_file_costs_only_its_facts()
    {
        var agent = new ClaudeLines { Sidechain = true, AgentId = "a3f9c21" }.User("u1", null, "Find the tax code").Text("a1", "u1", "msg_01A", "In tax.py.");
        var path = Write($"project/{ClaudeLines.Session}/subagents/agent-a3f9c21.jsonl", agent.Text());
        var meta = Write($"project/{ClaudeLines.Session}/subagents/agent-a3f9c21.meta.json", "{\"agentType\":[\"Explore\"],\"description\":\"Find tax\"}");

        var result = Assert.Single(ReadDetected(path));

        Assert.Equal(2, result.Record!.MessageCount);
        Assert.False(result.Record.SourceMeta.ContainsKey("agent_type"));
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((RolloutDiagnostic.SidecarDamaged, meta), (warning.ErrorId, warning.Path));
        Assert.Contains("\"agentType\" is an array, not a string", warning.Message);
    }

    [Fact]
    public void A_damaged_codex_thread_name_index_costs_no_rollout()
    {
        var rollout = Write($"codex/sessions/2025/11/20/rollout-2025-11-20T21-05-09-{CodexId}.jsonl", CodexRollout());
        var archived = Write($"codex/archived_sessions/rollout-2025-11-19T08-00-00-{OtherSession}.jsonl", CodexRollout().Replace(CodexId, OtherSession));
        var names = Write("codex/session_index.jsonl", $"{{\"id\":\"{CodexId}\",\"thread_name\":\"Tax tests\"}}\n{{\"id\":\"{OtherSession}\",\"thread_name\":7}}\n");

        var results = ReadDetected(rollout, archived);

        Assert.All(results, r => Assert.Equal(2, r.Record!.MessageCount));
        Assert.All(results, r => Assert.Equal("Add a test", r.Record!.Title));
        var warning = Assert.Single(results.SelectMany(r => r.Diagnostics));
        Assert.Equal((RolloutDiagnostic.SidecarDamaged, names), (warning.ErrorId, warning.Path));
        Assert.Contains("line 2: \"thread_name\" is a number", warning.Message);
    }

    [Fact]
    public void A_damaged_first_line_does_not_hide_a_claude_session()
    {
        var lines = Session(ClaudeLines.Session, "Fix checkout").Text();
        var path = Write($"project/{ClaudeLines.Session}.jsonl", "{\"parentUuid\":null,\"isSidechain\":fal\u0000se,\"type\":\"us\n" + lines);

        var result = Assert.Single(ReadDetected(path));

        Assert.Equal("Fix checkout", result.Record!.Title);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal((RolloutDiagnostic.ParseError, 1), (error.ErrorId, error.LineNumber));
    }

    [Fact]
    public void Lines_after_a_damaged_head_decide_a_codex_rollouts_format()
    {
        var path = Write($"rollout-2025-11-20T21-05-09-{CodexId}.jsonl", "\u0001\u0002garbage\n{\"half\":\n" + CodexRollout().Split('\n')[1] + "\n");

        var result = Assert.Single(ReadDetected(path));

        Assert.Equal(RolloutTools.Core.Model.RolloutFormat.Codex, result.Record!.Format);
        Assert.Equal(new int?[] { 1, 2 }, result.Diagnostics.Select(d => d.LineNumber));
    }

    [Fact]
    public void Another_programs_jsonl_is_still_not_taken_for_a_trace()
    {
        var path = Write("logs/app.jsonl", "{\"level\":\"info\",\"msg\":\"started\"}\n{\"level\":\"warn\",\"msg\":\"slow\"}\n");

        var result = Assert.Single(ReadDetected(path));

        Assert.True(result.IsUnrecognized);
        Assert.Null(result.Record);
    }

    [Fact]
    public void Numeric_ids_are_read_as_the_ids_they_mean()
    {
        var lines = new ClaudeLines()
            .Raw(Replace(new ClaudeLines().User("1", null, "Fix checkout").Text(), "\"uuid\":\"1\"", "\"uuid\":1"))
            .Raw(Replace(Replace(new ClaudeLines().Text("2", "1", "msg_01A", "Fixed.").Text(), "\"uuid\":\"2\"", "\"uuid\":2"), "\"parentUuid\":\"1\"", "\"parentUuid\":1"));

        var result = lines.Read();

        Assert.Equal(2, result.Record!.MessageCount);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void A_uuid_of_no_usable_type_on_every_line_is_an_error_per_line_not_an_empty_result()
    {
        var text = Session(ClaudeLines.Session, "Fix checkout").Text().Replace("\"uuid\":\"u1\"", "\"uuid\":true").Replace("\"uuid\":\"a1\"", "\"uuid\":{}");

        var result = new ClaudeLines().Raw(text.TrimEnd('\n')).Read();

        Assert.Null(result.Record);
        Assert.Equal(
            new (string, int?)[] { (RolloutDiagnostic.ParseError, 1), (RolloutDiagnostic.ParseError, 2), (RolloutDiagnostic.NoUsableLines, null) },
            result.Diagnostics.Select(d => (d.ErrorId, d.LineNumber)));
        Assert.Contains("no \"uuid\"", result.Diagnostics[0].Message);
    }

    [Theory]
    [InlineData("\"content\":\"Fix checkout\"", "\"content\":42", "\"message.content\" is Number")]
    [InlineData("\"type\":\"text\",\"text\":\"Done.\"", "\"type\":\"text\",\"text\":[\"Done.\"]", "\"text\" is Array")]
    public void Text_of_the_wrong_type_is_an_error_on_its_line(string field, string damaged, string expected)
    {
        var text = Session(ClaudeLines.Session, "Fix checkout").Text().Replace(field, damaged);

        var result = new ClaudeLines().Raw(text.TrimEnd('\n')).Read();

        var error = Assert.Single(result.Diagnostics, d => d.LineNumber is not null);
        Assert.Equal(RolloutDiagnostic.ParseError, error.ErrorId);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_codex_text_of_the_wrong_type_is_an_error_on_its_line()
    {
        var path = Write($"rollout-2025-11-20T21-05-09-{CodexId}.jsonl", CodexRollout("{\"value\":\"Add a test\"}"));

        var result = Assert.Single(ReadDetected(path));

        Assert.Equal(1, result.Record!.MessageCount);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal((RolloutDiagnostic.ParseError, 2), (error.ErrorId, error.LineNumber));
    }

    [Fact]
    public void A_record_type_of_the_wrong_type_on_every_line_is_an_error_not_a_skip()
    {
        var claude = Write($"project/{ClaudeLines.Session}.jsonl", Session(ClaudeLines.Session, "Fix checkout").Text().Replace("\"type\":\"user\"", "\"type\":1").Replace("\"type\":\"assistant\"", "\"type\":2"));
        var codex = Write($"rollout-2025-11-20T21-05-09-{CodexId}.jsonl", CodexRollout().Replace("\"type\":\"session_meta\"", "\"type\":3").Replace("\"type\":\"response_item\"", "\"type\":4"));

        var results = ReadDetected(claude, codex);

        Assert.All(results, r => Assert.Null(r.Record));
        Assert.Equal(RolloutDiagnostic.NoUsableLines, Assert.Single(results[0].Diagnostics).ErrorId);
        // Codex also names the first line it could not place (a TypeScript-era item may have no envelope).
        Assert.Equal(new[] { (RolloutDiagnostic.ParseError, (int?)1), (RolloutDiagnostic.NoUsableLines, null) }, results[1].Diagnostics.Select(d => (d.ErrorId, (int?)d.LineNumber)));
        Assert.All(results, r => Assert.False(r.IsUnrecognized));
    }

    [Fact]
    public void A_file_of_nul_bytes_is_not_text_rather_than_a_file_still_being_written()
    {
        var path = Write($"project/{ClaudeLines.Session}.jsonl", new byte[16 * 1024]);

        var result = Assert.Single(ReadDetected(path));

        Assert.Null(result.Record);
        Assert.Equal(
            new (DiagnosticSeverity, string, int?)[] { (DiagnosticSeverity.Error, RolloutDiagnostic.ParseError, 1), (DiagnosticSeverity.Error, RolloutDiagnostic.NoUsableLines, null) },
            result.Diagnostics.Select(d => (d.Severity, d.ErrorId, d.LineNumber)));
        Assert.Contains("NUL bytes", result.Diagnostics[0].Message);
    }

    [Fact]
    public void Lines_appended_after_a_run_of_nul_bytes_are_read()
    {
        // A crash left the file's preallocated tail as zeros; the agent appended the next line right after them.
        var lines = Session(ClaudeLines.Session, "Fix checkout").Text().Split('\n');
        var content = Encoding.UTF8.GetBytes(lines[0] + "\n").Concat(new byte[300]).Concat(Encoding.UTF8.GetBytes(lines[1] + "\n")).ToArray();
        var path = Write($"project/{ClaudeLines.Session}.jsonl", content);

        var result = Assert.Single(ReadDetected(path));

        Assert.Equal(2, result.Record!.MessageCount);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, RolloutDiagnostic.NulBytes, 2), (warning.Severity, warning.ErrorId, warning.LineNumber));
    }

    [Fact]
    public void A_typescript_document_with_invalid_utf8_is_repaired_like_a_jsonl_file()
    {
        var before = $"{{\n  \"session\": {{ \"id\": \"{CodexId}\", \"timestamp\": \"2025-05-02T17:11:12.000Z\", \"instructions\": \"\" }},\n  \"items\": [\n    {{ \"type\": \"message\", \"role\": \"user\", \"content\": [{{ \"type\": \"input_text\", \"text\": \"caf";
        var after = "\" }] },\n    { \"type\": \"message\", \"role\": \"assistant\", \"content\": [{ \"type\": \"output_text\", \"text\": \"Done.\" }] }\n  ]\n}\n";
        var path = Write($"rollout-2025-05-02-{CodexId}.json", Encoding.UTF8.GetBytes(before).Concat(new byte[] { 0xE9 }).Concat(Encoding.UTF8.GetBytes(after)).ToArray());

        var result = Assert.Single(ReadDetected(path));

        Assert.Equal("caf\uFFFD", result.Record!.Messages[0].Text);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((RolloutDiagnostic.InvalidUtf8, 4), (warning.ErrorId, warning.LineNumber));
    }

    private static string Replace(string text, string from, string to) => text.Replace(from, to).TrimEnd('\n');
}
