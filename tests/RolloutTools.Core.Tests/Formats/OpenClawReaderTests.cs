using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.OpenClaw;
using RolloutTools.Core.Formats.Pi;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>OpenClaw's store: where it is, which files in it are sessions, its index, and how its files are told from Pi's.</summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class OpenClawReaderTests : IDisposable
{
    private const string Id = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("rollout-openclaw-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string Sessions(string agent = "main") => Directory.CreateDirectory(Path.Combine(_folder.FullName, "state", "agents", agent, "sessions")).FullName;

    private static string Session(string cwd = "/home/dev/.openclaw/workspace", string id = Id) => string.Join('\n',
        $$"""{"type":"session","version":3,"id":"{{id}}","timestamp":"2026-03-04T10:00:00.000Z","cwd":"{{cwd}}"}""",
        """{"type":"message","id":"aa000001","parentId":null,"timestamp":"2026-03-04T10:00:01.000Z","message":{"role":"user","content":"hello","timestamp":1772618401000}}""",
        """{"type":"message","id":"aa000002","parentId":"aa000001","timestamp":"2026-03-04T10:00:03.000Z","message":{"role":"assistant","content":[{"type":"text","text":"Hi."}],"provider":"anthropic","model":"claude-sonnet-4-5","usage":{"input":10,"output":2,"cacheRead":0,"cacheWrite":0,"totalTokens":12,"cost":{"total":0.00006}},"stopReason":"stop","timestamp":1772618403000}}""") + "\n";

    private static ReadResult ReadOne(string path)
    {
        var reference = Assert.Single(new OpenClawReader().SessionsIn(path));
        return Assert.Single(RolloutLoader.ReadAll(new[] { reference }, new ReadOptions(), CancellationToken.None));
    }

    private void WithVariables(Action test, params (string Name, string? Value)[] variables)
    {
        var names = new[] { OpenClawReader.StateDirVariable, OpenClawHome.LegacyStateDirVariable, OpenClawHome.HomeVariable, OpenClawHome.ProfileVariable };
        var previous = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var name in names) Environment.SetEnvironmentVariable(name, variables.FirstOrDefault(v => v.Name == name).Value);
            test();
        }
        finally
        {
            foreach (var (name, value) in previous) Environment.SetEnvironmentVariable(name, value);
        }
    }

    [Fact]
    public void The_state_dir_is_the_variable_then_the_legacy_variable_then_the_first_existing_folder_of_the_home()
    {
        var home = _folder.FullName;
        WithVariables(() => Assert.Equal(Path.Combine(home, "custom", "agents"), new OpenClawReader().DefaultLocations().Single()),
            (OpenClawReader.StateDirVariable, Path.Combine(home, "custom")), (OpenClawHome.LegacyStateDirVariable, Path.Combine(home, "legacy")));
        WithVariables(() => Assert.Equal(Path.Combine(home, "legacy", "agents"), OpenClawHome.AgentsFolder()),
            (OpenClawHome.LegacyStateDirVariable, Path.Combine(home, "legacy")));

        // With no variable, ~/.openclaw, else the first legacy folder that exists, else ~/.openclaw; OPENCLAW_HOME stands for ~.
        WithVariables(() => Assert.Equal(Path.Combine(home, ".openclaw"), OpenClawHome.StateDir()), (OpenClawHome.HomeVariable, home));
        Directory.CreateDirectory(Path.Combine(home, ".moltbot"));
        WithVariables(() => Assert.Equal(Path.Combine(home, ".moltbot"), OpenClawHome.StateDir()), (OpenClawHome.HomeVariable, home));
        Directory.CreateDirectory(Path.Combine(home, ".clawdbot"));
        WithVariables(() => Assert.Equal(Path.Combine(home, ".clawdbot"), OpenClawHome.StateDir()), (OpenClawHome.HomeVariable, home));
        Directory.CreateDirectory(Path.Combine(home, ".openclaw"));
        WithVariables(() => Assert.Equal(Path.Combine(home, ".openclaw"), OpenClawHome.StateDir()), (OpenClawHome.HomeVariable, home));

        // A named profile has a state dir of its own; "default" is the unnamed one, and the state dir variable wins over both.
        WithVariables(() => Assert.Equal(Path.Combine(home, ".openclaw-work"), OpenClawHome.StateDir()), (OpenClawHome.HomeVariable, home), (OpenClawHome.ProfileVariable, "work"));
        WithVariables(() => Assert.Equal(Path.Combine(home, ".openclaw"), OpenClawHome.StateDir()), (OpenClawHome.HomeVariable, home), (OpenClawHome.ProfileVariable, "Default"));
        WithVariables(() => Assert.Equal(Path.Combine(home, "custom"), OpenClawHome.StateDir()),
            (OpenClawHome.HomeVariable, home), (OpenClawHome.ProfileVariable, "work"), (OpenClawReader.StateDirVariable, Path.Combine(home, "custom")));
    }

    [Theory]
    [InlineData(Id + ".jsonl", Id, null, null, null)]
    [InlineData(Id + "-topic-42.jsonl", Id, "42", null, null)]
    [InlineData(Id + "-topic-a%2Fb.jsonl", Id, "a/b", null, null)]
    [InlineData(Id + ".jsonl.reset.2026-01-05T09-30-00.000Z", Id, null, "reset", "2026-01-05T09:30:00+00:00")]
    [InlineData(Id + ".jsonl.deleted.2026-01-05T09-30-00Z", Id, null, "deleted", "2026-01-05T09:30:00+00:00")]
    public void A_file_name_gives_the_session_topic_and_archive(string name, string session, string? topic, string? reason, string? archivedAt)
    {
        var parsed = OpenClawHome.ParseName(name)!;
        Assert.Equal((session, topic, reason), (parsed.SessionId, parsed.TopicId, parsed.ArchiveReason));
        Assert.Equal(archivedAt is null ? null : DateTimeOffset.Parse(archivedAt, System.Globalization.CultureInfo.InvariantCulture), parsed.ArchivedAt);
    }

    [Theory]
    [InlineData(Id + ".checkpoint.3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a9f.jsonl")]
    [InlineData(Id + ".trajectory.jsonl")]
    [InlineData(Id + ".jsonl.bak.2026-01-05T09-30-00.000Z")]
    [InlineData("sessions.json")]
    public void Copies_trajectories_backups_and_the_index_are_no_sessions(string name)
    {
        var path = Path.Combine(Sessions(), name);
        File.WriteAllText(path, Session());
        Assert.False(new OpenClawReader().IsTraceFile(path));
        Assert.Empty(TraceFileFinder.Find(Path.GetDirectoryName(path)!, FormatRegistry.Default.All, new TraceSearch()).Files);
    }

    [Fact]
    public void A_session_file_outside_a_sessions_folder_is_not_claimed_by_name()
    {
        var path = Path.Combine(_folder.FullName, Id + ".jsonl.reset.2026-01-05T09-30-00.000Z");
        File.WriteAllText(path, Session());
        Assert.False(new OpenClawReader().IsTraceFile(path));
        Assert.True(new OpenClawReader().IsTraceFile(Path.Combine(Sessions(), Path.GetFileName(path))));
    }

    [Theory]
    [InlineData("/home/dev/.openclaw/workspace", RolloutFormat.OpenClaw)]
    [InlineData("/home/dev/.openclaw/workspace-work", RolloutFormat.OpenClaw)]
    [InlineData("/home/dev/.openclaw-work/workspace", RolloutFormat.OpenClaw)]
    [InlineData("C:\\\\Users\\\\dev\\\\.clawdbot\\\\workspace", RolloutFormat.OpenClaw)]
    [InlineData("/home/dev/.openclaw", RolloutFormat.PiCodingAgent)]
    [InlineData("/home/dev/acme-shop", RolloutFormat.PiCodingAgent)]
    public void A_session_header_is_openclaws_when_its_cwd_is_an_openclaw_workspace(string cwd, RolloutFormat expected)
    {
        var head = JsonHead.Read(System.Text.Encoding.UTF8.GetBytes(Session(cwd).Split('\n')[0]))!;
        Assert.Equal(expected, FormatDetector.MostConfident(head, FormatRegistry.Default.All)!.Format);
    }

    [Fact]
    public void A_session_in_openclaws_store_is_openclaws_whatever_its_cwd()
    {
        var sessions = Sessions();
        var path = Path.Combine(sessions, Id + ".jsonl");
        File.WriteAllText(path, Session("/srv/projects/garden"));
        File.WriteAllText(Path.Combine(sessions, "sessions.json"), $$$"""{"agent:main:main":{"sessionId":"{{{Id}}}","updatedAt":1772618403000,"channel":"webchat"}}""");
        var plan = new ReadPlan(FormatRegistry.Default);
        plan.AddPath(sessions);
        var record = Assert.Single(RolloutLoader.ReadAll(plan.Requests, new ReadOptions(), CancellationToken.None)).Record!;
        Assert.Equal((RolloutFormat.OpenClaw, "webchat"), (record.Format, record.SourceMeta["channel"]));

        // The same lines elsewhere, run in a workspace of their own, are Pi's.
        var loose = Path.Combine(_folder.FullName, Id + ".jsonl");
        File.Copy(path, loose);
        Assert.Equal(RolloutFormat.PiCodingAgent, FormatDetector.Detect(TraceSource.FromFile(loose), FormatRegistry.Default.All).Reader!.Format);
    }

    [Fact]
    public void Hermes_sessions_folder_with_its_sessions_json_is_not_openclaws()
    {
        // Hermes Agent keeps a gateway index of the same name and keys beside its transcripts, outside agents/.
        var hermes = SampleFolder.Root("hermes", "sessions");
        var reader = new OpenClawReader();
        Assert.True(File.Exists(Path.Combine(hermes, "sessions.json")));
        Assert.Empty(reader.StoresIn(hermes));
        Assert.All(Directory.EnumerateFiles(hermes, "*.jsonl"), f => Assert.False(reader.IsTraceFile(f)));
    }

    [Fact]
    public void A_damaged_index_is_reported_once_and_its_sessions_still_read()
    {
        var sessions = Sessions();
        File.WriteAllText(Path.Combine(sessions, Id + ".jsonl"), Session());
        const string Other = "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e";
        File.WriteAllText(Path.Combine(sessions, Other + ".jsonl"), Session(id: Other));
        File.WriteAllText(Path.Combine(sessions, "sessions.json"), "[1, 2");
        var reader = new OpenClawReader();
        var located = reader.Locate(sessions, new TraceSearch(), FormatRegistry.Default).Sessions;
        var results = RolloutLoader.ReadAll(located, new ReadOptions(), CancellationToken.None).ToArray();
        Assert.Equal(2, results.Count(r => r.Record is not null));
        var warning = Assert.Single(results.SelectMany(r => r.Diagnostics));
        Assert.Equal(RolloutDiagnostic.SidecarDamaged, warning.ErrorId);
        Assert.All(results, r => Assert.False(r.Record!.SourceMeta.ContainsKey("session_key")));
    }

    [Fact]
    public void The_store_is_found_from_the_state_dir_its_agents_folder_or_a_sessions_folder()
    {
        var sessions = Sessions();
        File.WriteAllText(Path.Combine(sessions, Id + ".jsonl"), Session());
        var reader = new OpenClawReader();
        var agents = Path.Combine(_folder.FullName, "state", "agents");
        Assert.Equal(new[] { agents }, reader.StoresIn(Path.Combine(_folder.FullName, "state")));
        Assert.Equal(new[] { agents }, reader.StoresIn(agents));
        Assert.Equal(new[] { sessions }, reader.StoresIn(sessions));
        Assert.Empty(reader.StoresIn(_folder.FullName));
        Assert.Equal(Id, Assert.Single(reader.Locate(agents, new TraceSearch(), FormatRegistry.Default).Sessions).Ids!.TraceId);
    }

    [Fact]
    public void Pi_files_read_as_before_and_a_delivery_mirror_is_never_a_model()
    {
        // A Pi file in a Pi project folder is no OpenClaw trace, and Pi's reader keeps its own format and kind.
        var pi = Path.Combine(Directory.CreateDirectory(Path.Combine(_folder.FullName, "pi", "sessions", "--home-dev-app--")).FullName, "2026-03-04T10-00-00-000Z_" + Id + ".jsonl");
        File.WriteAllText(pi, Session("/home/dev/app") + """{"type":"message","id":"aa000003","parentId":"aa000002","timestamp":"2026-03-04T10:00:04.000Z","message":{"role":"assistant","content":[{"type":"text","text":"sent"}],"provider":"openclaw","model":"delivery-mirror","usage":{"input":0,"output":0},"stopReason":"stop","timestamp":1772618404000}}""" + "\n");
        Assert.False(new OpenClawReader().IsTraceFile(pi));
        var reference = new SessionReference(TraceSource.FromFile(pi), new PiCodingAgentReader());
        var record = Assert.Single(RolloutLoader.ReadAll(new[] { reference }, new ReadOptions(), CancellationToken.None)).Record!;
        Assert.Equal((RolloutFormat.PiCodingAgent, "pi_coding_agent"), (record.Format, record.SourceKind));
        Assert.Equal("Prompt Response Synthetic", SampleFolder.Kinds(record));
        Assert.Equal(new[] { "claude-sonnet-4-5" }, record.Models);
    }

    private static string Line(string id, string? parent, int second, string message) =>
        $$"""{"type":"message","id":"{{id}}","parentId":{{ClaudeLines.Q(parent)}},"timestamp":"2026-03-04T10:00:{{second:00}}.000Z","message":{{message}}}""";

    private const string Reply = """{"role":"assistant","content":[{"type":"text","text":"On it."}],"api":"anthropic-messages","provider":"anthropic","model":"claude-sonnet-4-5","usage":{"input":10,"output":2,"cacheRead":0,"cacheWrite":0,"totalTokens":12,"cost":{"total":0.0001}},"stopReason":"stop"}""";

    [Fact]
    public void Turns_openclaw_starts_itself_and_hidden_inputs_are_context_never_a_prompt_or_the_title()
    {
        // input-provenance.ts: internal_system marks a turn OpenClaw started (here its heartbeat); display:false and
        // a hook's placeholder are not a person's words either.
        var path = Path.Combine(Sessions(), Id + ".jsonl");
        File.WriteAllText(path, string.Join('\n',
            Session().Split('\n')[0],
            Line("bb000001", null, 1, """{"role":"user","content":"Read HEARTBEAT.md if it exists. If nothing needs attention, reply HEARTBEAT_OK.","provenance":{"kind":"internal_system","sourceTool":"heartbeat"}}"""),
            Line("bb000002", "bb000001", 2, Reply),
            Line("bb000003", "bb000002", 3, """{"role":"user","content":"Background exec finished: exit 0","provenance":{"kind":"internal_system","sourceTool":"exec"}}"""),
            Line("bb000004", "bb000003", 4, """{"role":"user","content":"[Telegram Dana (@dana) id:42 2026-03-04 10:00 UTC] water the plants","provenance":{"kind":"external_user","sourceChannel":"telegram"}}"""),
            Line("bb000005", "bb000004", 5, """{"role":"user","content":"blocked placeholder","display":false,"__openclaw":{"beforeAgentRunBlocked":true}}"""),
            Line("bb000006", "bb000005", 6, """{"role":"user","content":"late photo","__openclaw":{"lateMedia":{"count":1}}}"""),
            Line("bb000007", "bb000006", 7, Reply)) + "\n");

        var record = ReadOne(path).Record!;

        Assert.Equal("Context Response Context Prompt Context Context Response", SampleFolder.Kinds(record));
        Assert.Equal("water the plants", record.Title);
        Assert.Equal("exec: 1, heartbeat: 1", record.SourceMeta["system_turns"].ToString());
        Assert.Equal(2L, record.SourceMeta["hidden_inputs"]);
    }

    [Fact]
    public void Gateway_injected_rows_are_synthetic_with_no_model_usage_or_stop_reason_and_keep_their_calls()
    {
        var path = Path.Combine(Sessions(), Id + ".jsonl");
        File.WriteAllText(path, Session() + string.Join('\n',
            Line("aa000003", "aa000002", 4, """{"role":"assistant","content":[{"type":"text","text":"[injected] gateway notice"}],"api":"openai-responses","provider":"openclaw","model":"gateway-injected","usage":{"input":0,"output":0,"cacheRead":0,"cacheWrite":0,"totalTokens":0,"cost":{"total":0}},"stopReason":"stop"}"""),
            Line("aa000004", "aa000003", 5, """{"role":"assistant","content":[{"type":"toolCall","id":"nested_1","name":"read","arguments":{"path":"a.txt"}}],"provider":"openclaw","model":"gateway-injected","parentToolCallId":"code_1","usage":{"input":0,"output":0},"stopReason":"toolUse"}"""),
            Line("aa000005", "aa000004", 6, """{"role":"toolResult","toolCallId":"nested_1","toolName":"read","content":[{"type":"text","text":"a"}],"isError":false}"""),
            // A historical mirror whose provider and model were stripped keeps only its marker.
            Line("aa000006", "aa000005", 7, """{"role":"assistant","content":[{"type":"text","text":"sent to the channel"}],"openclawDeliveryMirror":{"kind":"channel-final"},"usage":{"input":0,"output":0}}""")) + "\n");

        var record = ReadOne(path).Record!;

        Assert.Equal("Prompt Response Synthetic Synthetic ToolResult Synthetic", SampleFolder.Kinds(record));
        Assert.All(record.Messages.Where(m => m.Kind == MessageKind.Synthetic), m => Assert.Null(m.Model));
        Assert.Equal("nested_1", Assert.Single(record.Messages[3].ToolCalls).Id);
        Assert.Equal(new[] { "claude-sonnet-4-5" }, record.Models);
        Assert.Equal("stop: 1", record.SourceMeta["stop_reasons"].ToString());
        Assert.Equal((2L, 1L), ((long)record.SourceMeta["gateway_injected"], (long)record.SourceMeta["delivery_mirrors"]));
    }
}
