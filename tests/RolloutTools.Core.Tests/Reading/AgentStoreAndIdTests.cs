using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.ClaudeCode;
using RolloutTools.Core.Formats.Cline;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Formats.Codex;
using RolloutTools.Core.Formats.Continue;
using RolloutTools.Core.Formats.KimiCode;
using RolloutTools.Core.Formats.CopilotCli;
using RolloutTools.Core.Formats.Crush;
using RolloutTools.Core.Formats.Cursor;
using RolloutTools.Core.Formats.FactoryDroid;
using RolloutTools.Core.Formats.GeminiCli;
using RolloutTools.Core.Formats.Goose;
using RolloutTools.Core.Formats.MistralVibe;
using RolloutTools.Core.Formats.OpenClaw;
using RolloutTools.Core.Formats.OpenHands;
using RolloutTools.Core.Formats.Pi;
using RolloutTools.Core.Formats.QwenCode;
using RolloutTools.Core.Formats.SweAgent;
using RolloutTools.Core.Formats.GrokCli;
using RolloutTools.Core.Formats.Zed;
using RolloutTools.Core.Formats.Antigravity;
using RolloutTools.Core.Formats.KiroCli;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Tests.Formats;

namespace RolloutTools.Core.Tests.Reading;

/// <summary>
/// Folders laid out as an agent's own store, sessions asked for by id, and what the plan says when it finds
/// nothing. The agents' variables point into a temporary folder, so the real home is never read.
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class AgentStoreAndIdTests : IDisposable
{
    private static readonly string[] Variables = { "CLAUDE_CONFIG_DIR", "CODEX_HOME", PiCodingAgentReader.AgentDirVariable, "HERMES_HOME", QwenCodeReader.RuntimeDirVariable, QwenCodeReader.HomeVariable, GeminiCliReader.HomeVariable, "XDG_DATA_HOME", CursorReader.HomeVariable, CopilotCliReader.HomeVariable, ClineStorage.AppDataVariable, ClineStorage.DataDirVariable, ClineStorage.SessionDataDirVariable, GooseReader.PathRootVariable, VibeReader.HomeVariable, SweAgentReader.ConfigDirVariable, OpenHandsReader.ConversationsVariable, OpenHandsReader.FileStoreVariable, CrushReader.GlobalDataVariable, ContinueReader.GlobalDirVariable, GrokCliReader.HomeVariable, DroidReader.SessionsVariable, ZedReader.FlatpakDataVariable, KimiCodeReader.HomeVariable, KimiCodeReader.LegacyHomeVariable, KimiCodeReader.ForkHomeVariable, OpenClawReader.StateDirVariable, AntigravityReader.HomeVariable, KiroSessionFiles.HomeVariable };
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("rollout-store-");
    private readonly Dictionary<string, string?> _previous = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);

    public AgentStoreAndIdTests()
    {
        foreach (var variable in Variables) Environment.SetEnvironmentVariable(variable, Path.Combine(Root, "homes", variable));
    }

    public void Dispose()
    {
        foreach (var (variable, value) in _previous) Environment.SetEnvironmentVariable(variable, value);
        _folder.Delete(recursive: true);
    }

    private string Root => _folder.FullName;

    /// <summary>A copy of a sample folder, somewhere no variable points.</summary>
    private string Copy(string sample, string to)
    {
        var from = SampleFolder.Root(sample);
        var target = Path.Combine(Root, to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        return target;
    }

    private string Write(string relative)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "{}\n");
        return path;
    }

    private static string[] Queued(ReadPlan plan, string under) =>
        plan.Requests.Select(r => $"{r.Reader?.Format} {Path.GetRelativePath(under, r.Source.Path).Replace('\\', '/')}").ToArray();

    [Fact]
    public void A_claude_projects_folder_is_read_all_the_way_down_as_claude_code_without_recursion()
    {
        var projects = Path.Combine(Copy("claude-code", "backup/claude"), "projects");
        var plan = new ReadPlan();

        var problems = plan.AddPath(projects);

        var note = Assert.Single(problems);
        Assert.Equal((DiagnosticSeverity.Note, RolloutDiagnostic.StoreReadWhole, projects), (note.Severity, note.ErrorId, note.Path));
        Assert.Equal(new[]
        {
            "ClaudeCode -home-dev-acme-shop/19545640-aa3f-454e-bd14-befd3aa09821.jsonl",
            "ClaudeCode -home-dev-acme-shop/2cb29738-c0cd-422a-a851-f96c078ca30a.jsonl",
            "ClaudeCode -home-dev-acme-shop/2cb29738-c0cd-422a-a851-f96c078ca30a/subagents/agent-a2f5215.jsonl",
            "ClaudeCode -home-dev-acme-shop/2cb29738-c0cd-422a-a851-f96c078ca30a/subagents/agent-acompact-f584e4.jsonl",
            "ClaudeCode -home-dev-acme-shop/7e1599af-9d87-4fa7-bd6f-82486f2131ce.jsonl",
            "ClaudeCode -home-dev-acme-shop/94fe2fee-1f17-4678-aeda-d6bb3612583b.jsonl",
            "ClaudeCode -home-dev-acme-shop/agent-60751213.jsonl",
            "ClaudeCode -home-dev-harbor-api/5d0c7a4e-3b19-4f6e-9a2d-8c1e47b2f935.jsonl",
            "ClaudeCode C--Users-dev-source-widgets/1987ac24-f359-4d63-8baa-ff44e6fd0113.jsonl",
            "ClaudeCode C--Users-dev-source-widgets/2a37c33d-4ece-48e4-a018-6d0d4feab708.jsonl",
        }, Queued(plan, projects));
    }

    [Fact]
    public void An_agents_home_is_read_as_its_trace_folders_and_nothing_else_in_it()
    {
        var claude = Copy("claude-code", "backup/claude");
        var codex = Copy("codex", "backup/codex");
        var pi = Copy("pi", "backup/pi");

        var claudePlan = new ReadPlan();
        claudePlan.AddPath(claude);
        var codexPlan = new ReadPlan();
        codexPlan.AddPath(codex);
        var piPlan = new ReadPlan();
        piPlan.AddPath(Path.Combine(pi, "agent"));

        Assert.Equal(10, claudePlan.Requests.Count);
        Assert.DoesNotContain(claudePlan.Requests, r => r.Source.Path.EndsWith("history.jsonl", StringComparison.Ordinal));
        Assert.Equal(new[] { "Codex archived_sessions", "Codex sessions" }, codexPlan.Requests.Select(r => $"{r.Reader?.Format} {Path.GetRelativePath(codex, r.Source.Path).Split(Path.DirectorySeparatorChar)[0]}").Distinct().Order());
        Assert.Equal(14, codexPlan.Requests.Count);
        Assert.Equal(4, piPlan.Requests.Count);
        Assert.All(piPlan.Requests, r => Assert.Equal(RolloutFormat.PiCodingAgent, r.Reader?.Format));

        // Read as a home is read from its variable: the copy in archived_sessions gives way to the active one.
        var records = codexPlan.Read(new ReadOptions(), CancellationToken.None).Select(r => r.Record).OfType<RolloutRecord>().ToArray();
        Assert.Equal(13, records.Length);
    }

    [Fact]
    public void The_trace_folder_a_variable_names_is_a_store_whatever_it_holds()
    {
        var home = Path.Combine(Root, "homes", "CODEX_HOME");
        Write("homes/CODEX_HOME/sessions/notes/rollout-x.jsonl");

        Assert.Equal(new[] { Path.Combine(home, "sessions") }, new CodexReader().StoresIn(home));
        Assert.Equal(new[] { Path.Combine(home, "sessions") }, new CodexReader().StoresIn(Path.Combine(home, "sessions")));
    }

    [Fact]
    public void A_folder_named_like_a_store_but_not_laid_out_like_one_is_an_ordinary_folder()
    {
        Write("work/projects/my-app/notes.jsonl");
        Write("work/sessions/march/rollout-1.jsonl");
        var plan = new ReadPlan();

        var projects = plan.AddPath(Path.Combine(Root, "work/projects"));
        var sessions = plan.AddPath(Path.Combine(Root, "work/sessions"));

        Assert.Empty(plan.Requests);
        Assert.Equal(RolloutDiagnostic.TracesInSubfolders, Assert.Single(projects).ErrorId);
        Assert.Equal(RolloutDiagnostic.TracesInSubfolders, Assert.Single(sessions).ErrorId);
        Assert.Empty(new ClaudeCodeReader().StoresIn(Path.Combine(Root, "work")));
    }

    [Fact]
    public void A_store_of_a_format_not_asked_for_is_an_ordinary_folder()
    {
        var codex = Copy("codex", "backup/codex");
        var plan = new ReadPlan();

        var problems = plan.AddPath(codex, new[] { RolloutFormat.ClaudeCode });

        Assert.Empty(plan.Requests);
        Assert.DoesNotContain(problems, p => p.ErrorId == RolloutDiagnostic.StoreReadWhole);
    }

    [Theory]
    [InlineData("p/-home-dev/11111111-1111-4111-8111-111111111111.jsonl", "11111111-1111-4111-8111-111111111111", null)]
    [InlineData("p/-home-dev/11111111-1111-4111-8111-111111111111/subagents/agent-a1b2c3d.jsonl", "11111111-1111-4111-8111-111111111111:a1b2c3d", "a1b2c3d")]
    [InlineData("p/-home-dev/agent-60751213.jsonl", null, null)]
    [InlineData("p/-home-dev/renamed.jsonl", null, null)]
    public void Claude_code_file_names_give_trace_and_agent_ids(string path, string? trace, string? agent) =>
        Assert.Equal(trace is null ? null : new NamedIds(trace, agent), Assert.Single(new ClaudeCodeReader().SessionsIn(path)).Ids);

    [Theory]
    [InlineData("s/2026/03/09/rollout-2026-03-09T08-05-00-019ccfb2-61b7-7429-aa26-f59410d95df5.jsonl", "019ccfb2-61b7-7429-aa26-f59410d95df5")]
    [InlineData("s/rollout-2025-05-02-0b6f3947-ec62-4143-96a4-6a45f9b31361.json", "0b6f3947-ec62-4143-96a4-6a45f9b31361")]
    [InlineData("s/rollout-mine.jsonl", null)]
    public void Codex_file_names_give_the_thread_id(string path, string? thread) =>
        Assert.Equal(thread is null ? null : new NamedIds(thread), Assert.Single(new CodexReader().SessionsIn(path)).Ids);

    [Theory]
    [InlineData("s/--home--/2026-02-10T10-15-32-227Z_c41f7a2b-9e8d-4a63-b5c0-1d2e3f4a5b6c.jsonl", "c41f7a2b-9e8d-4a63-b5c0-1d2e3f4a5b6c")]
    [InlineData("s/--home--/2026-02-10T10-15-32-227Z_mine.jsonl", null)]
    [InlineData("s/--home--/c41f7a2b-9e8d-4a63-b5c0-1d2e3f4a5b6c.jsonl", null)]
    public void Pi_file_names_give_the_session_id(string path, string? session) =>
        Assert.Equal(session is null ? null : new NamedIds(session) { HasBranches = true }, Assert.Single(new PiCodingAgentReader().SessionsIn(path)).Ids);

    [Fact]
    public void An_id_without_wildcards_matches_as_a_prefix_and_a_pattern_matches_whole()
    {
        static RolloutRecord Record(string traceId, string? agentId = null) =>
            new() { TraceId = traceId, AgentId = agentId, Format = RolloutFormat.ClaudeCode, SourceKind = "claude_code", RootSessionId = traceId.Split(':')[0] };

        var filter = new SessionIdFilter(new[] { "2CB29738", "*-8cfc48e6059d", "a2f5*", "nosuch", "zz*" });

        Assert.True(filter.Matches(Record("2cb29738-c0cd-422a-a851-f96c078ca30a")));
        Assert.True(filter.Matches(Record("2cb29738-c0cd-422a-a851-f96c078ca30a:acompact-f584e4", "acompact-f584e4")), "a session's id finds its subagents");
        Assert.True(filter.Matches(Record("019aa34c-c6e2-7d2f-8b66-8cfc48e6059d")));
        Assert.True(filter.Matches(Record("97391338-0000-4000-8000-000000000000:a2f5215", "a2f5215")), "the table shows a subagent's AgentId");
        Assert.False(filter.Matches(Record("019aa34c-c6e2-7d2f-8b66-8cfc48e6059d-x")), "a pattern matches the whole id");
        Assert.False(filter.Matches(Record("x2cb29738")));
        Assert.Equal(new[] { "nosuch" }, filter.Unmatched);
    }

    [Fact]
    public void A_file_whose_name_shows_other_ids_may_not_hold_the_session_asked_for()
    {
        var session = new NamedIds("2cb29738-c0cd-422a-a851-f96c078ca30a");
        var subagent = new NamedIds("2cb29738-c0cd-422a-a851-f96c078ca30a:a2f5215", "a2f5215");
        var branches = new NamedIds("c41f7a2b-9e8d-4a63-b5c0-1d2e3f4a5b6c") { HasBranches = true };

        Assert.True(new SessionIdFilter(new[] { "2cb2" }).MayMatch(session));
        Assert.False(new SessionIdFilter(new[] { "2cb3" }).MayMatch(session));
        Assert.True(new SessionIdFilter(new[] { "2cb2" }).MayMatch(subagent), "a session's id finds its subagents");
        Assert.True(new SessionIdFilter(new[] { "a2f5" }).MayMatch(subagent));
        Assert.False(new SessionIdFilter(new[] { "*-000000000000" }).MayMatch(session));
        Assert.False(new SessionIdFilter(new[] { "2cb29738-c0cd-422a-a851-f96c078ca30a:9f" }).MayMatch(session), "a Claude Code session's own file has no branches");
        Assert.True(new SessionIdFilter(new[] { "c41f7a2b-9e8d-4a63-b5c0-1d2e3f4a5b6c:9f" }).MayMatch(branches), "a branch of a Pi session");
        Assert.True(new SessionIdFilter(new[] { "c41f*:9f" }).MayMatch(branches));
        Assert.True(new SessionIdFilter(new[] { "*9f" }).MayMatch(branches), "a pattern that can match any branch");
        Assert.False(new SessionIdFilter(new[] { "d*" }).MayMatch(branches));
    }

    [Fact]
    public void A_plan_for_an_id_queues_only_the_files_named_for_it_and_reports_an_id_nothing_matched()
    {
        Copy("claude-code/projects", "homes/CLAUDE_CONFIG_DIR/projects");
        Copy("codex/sessions", "homes/CODEX_HOME/sessions");
        var plan = new ReadPlan { Ids = new[] { "2cb29738", "019ccfb2", "nosuch" } };

        Assert.DoesNotContain(plan.AddDefaultLocations(), p => p.Severity != DiagnosticSeverity.Note);
        // agent-60751213.jsonl names no session: it is read and its record left out.
        Assert.Equal(new[]
        {
            "2cb29738-c0cd-422a-a851-f96c078ca30a.jsonl",
            "agent-a2f5215.jsonl",
            "agent-acompact-f584e4.jsonl",
            "agent-60751213.jsonl",
            "rollout-2026-03-09T08-05-00-019ccfb2-61b7-7429-aa26-f59410d95df5.jsonl",
        }, plan.Requests.Select(r => Path.GetFileName(r.Source.Path)));

        var records = plan.Read(new ReadOptions(), CancellationToken.None).Select(r => r.Record?.TraceId).OfType<string>().ToArray();

        Assert.Equal(new[]
        {
            "2cb29738-c0cd-422a-a851-f96c078ca30a",
            "2cb29738-c0cd-422a-a851-f96c078ca30a:a2f5215",
            "2cb29738-c0cd-422a-a851-f96c078ca30a:acompact-f584e4",
            "019ccfb2-61b7-7429-aa26-f59410d95df5",
        }, records);
        var missing = Assert.Single(plan.NotFound());
        Assert.Equal((DiagnosticSeverity.Error, RolloutDiagnostic.SessionNotFound, "nosuch"), (missing.Severity, missing.ErrorId, missing.Path));
        Assert.Equal("Cannot find a session whose id is or begins with 'nosuch'.", missing.Message);
    }

    [Fact]
    public void A_workflows_agents_belong_to_its_session_and_its_journal_is_no_trace()
    {
        var projects = Copy("claude-code/projects", "homes/CLAUDE_CONFIG_DIR/projects");
        var session = Path.Combine(projects, "-home-dev-acme-shop", "2cb29738-c0cd-422a-a851-f96c078ca30a", "subagents");
        var workflow = Path.Combine(session, "workflows", "wf_7d2e41");
        Directory.CreateDirectory(workflow);
        File.WriteAllText(Path.Combine(workflow, "agent-b7c1e90.jsonl"), File.ReadAllText(Path.Combine(session, "agent-a2f5215.jsonl")).Replace("a2f5215", "b7c1e90", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(workflow, "journal.jsonl"), "{\"phase\":\"review\",\"agent\":\"b7c1e90\"}\n");
        var plan = new ReadPlan { Ids = new[] { "2cb29738" } };

        Assert.DoesNotContain(plan.AddDefaultLocations(), p => p.Severity != DiagnosticSeverity.Note);
        var results = plan.Read(new ReadOptions(), CancellationToken.None).ToArray();

        Assert.DoesNotContain(results, r => r.Source.Path!.EndsWith("journal.jsonl", StringComparison.Ordinal));
        var agent = Assert.Single(results, r => r.Record?.TraceId == "2cb29738-c0cd-422a-a851-f96c078ca30a:b7c1e90").Record!;
        Assert.Equal(("b7c1e90", "2cb29738-c0cd-422a-a851-f96c078ca30a", "/home/dev/acme-shop"), (agent.AgentId, agent.RootSessionId, agent.ProjectPath));
    }

    [Fact]
    public void A_plan_for_an_id_queues_only_that_session_of_a_database_and_since_passes_over_rows_by_their_times()
    {
        var home = Copy("hermes", "homes/HERMES_HOME");
        var plan = new ReadPlan { Ids = new[] { "20260314_170230" } };
        plan.AddDefaultLocations(new[] { RolloutFormat.HermesAgent });

        var session = Assert.Single(plan.Requests);
        var record = Assert.Single(plan.Read(new ReadOptions(), CancellationToken.None), r => r.Record is not null).Record!;

        Assert.Equal((Path.Combine(home, "state.db"), "20260314_170230_d4e5f6"), (session.Source.Path, session.Source.Key));
        Assert.Equal("20260314_170230_d4e5f6", record.TraceId);
        Assert.Empty(plan.NotFound());

        var all = new ReadPlan();
        all.AddDefaultLocations(new[] { RolloutFormat.HermesAgent });
        var since = all.Read(new ReadOptions { Since = new DateTimeOffset(2026, 3, 16, 0, 0, 0, TimeSpan.Zero) }, CancellationToken.None).ToArray();
        Assert.Equal(
            new[] { "20260220_150000_b0b0b0", "20260312_091500_a1b2c3", "20260312_091540_c0ffee", "20260314_170230_d4e5f6" },
            since.Where(r => r.SkipReason == "its store shows no activity since -Since").Select(r => r.Source.Key));
    }

    [Fact]
    public void With_no_agent_folders_the_plan_says_where_it_looked()
    {
        Write("homes/CODEX_HOME/sessions/2026/readme.txt");
        var plan = new ReadPlan();
        plan.AddDefaultLocations();
        Assert.Empty(plan.Read(new ReadOptions(), CancellationToken.None));

        var warning = Assert.Single(plan.NotFound());

        Assert.Equal((DiagnosticSeverity.Warning, RolloutDiagnostic.NoSessions), (warning.Severity, warning.ErrorId));
        var homes = Path.Combine(Root, "homes");
        // Every format looks where its variable says; the warning names the one folder that exists and counts the rest.
        var looked = string.Join(", ", plan.LookedIn.Select(l => $"'{l.Location}' ({l.Format}: {(l.Exists ? "no sessions" : "does not exist")})"));
        Assert.Equal(
            $"'{Path.Combine(homes, "CLAUDE_CONFIG_DIR", "projects")}' (ClaudeCode: does not exist), "
            + $"'{Path.Combine(homes, "CODEX_HOME", "sessions")}' (Codex: no sessions), '{Path.Combine(homes, "CODEX_HOME", "archived_sessions")}' (Codex: does not exist), "
            + $"'{Path.Combine(homes, PiCodingAgentReader.AgentDirVariable, "sessions")}' (PiCodingAgent: does not exist), "
            + $"'{Path.Combine(homes, "HERMES_HOME")}' (HermesAgent: does not exist), "
            + $"'{Path.Combine(homes, QwenCodeReader.RuntimeDirVariable, "projects")}' (QwenCode: does not exist), '{Path.Combine(homes, QwenCodeReader.HomeVariable, "projects")}' (QwenCode: does not exist), "
            + $"'{Path.Combine(homes, GeminiCliReader.HomeVariable, ".gemini", "tmp")}' (GeminiCli: does not exist), "
            + $"'{Path.Combine(homes, "XDG_DATA_HOME", "opencode")}' (OpenCode: does not exist), '{Path.Combine(homes, "XDG_DATA_HOME", "kilo")}' (OpenCode: does not exist), "
            + $"'{Path.Combine(homes, CursorReader.HomeVariable, "projects")}' (Cursor: does not exist), "
            + $"'{Path.Combine(homes, CopilotCliReader.HomeVariable, "session-state")}' (CopilotCli: does not exist), '{Path.Combine(homes, CopilotCliReader.HomeVariable, "history-session-state")}' (CopilotCli: does not exist), "
            + string.Concat(ClineStorage.Extensions.Keys.Select(e => $"'{Path.Combine(homes, ClineStorage.AppDataVariable, "Code", "User", "globalStorage", e, "tasks")}' (Cline: does not exist), "))
            + $"'{Path.Combine(homes, ClineStorage.DataDirVariable, "tasks")}' (Cline: does not exist), '{Path.Combine(homes, ClineStorage.SessionDataDirVariable)}' (Cline: does not exist), "
            + $"'{Path.Combine(homes, GooseReader.PathRootVariable, "data", "sessions")}' (Goose: does not exist), "
            + $"'{Path.Combine(homes, VibeReader.HomeVariable, "logs", "session")}' (MistralVibe: does not exist), "
            + $"'{Path.Combine(homes, SweAgentReader.ConfigDirVariable)}' (SweAgent: does not exist), "
            + $"'{Path.Combine(homes, OpenHandsReader.ConversationsVariable)}' (OpenHands: does not exist), '{Path.Combine(homes, OpenHandsReader.FileStoreVariable, "sessions")}' (OpenHands: does not exist), "
            + $"'{Path.Combine(homes, CrushReader.GlobalDataVariable)}' (Crush: does not exist), "
            + $"'{Path.Combine(homes, ContinueReader.GlobalDirVariable, "sessions")}' (Continue: does not exist), "
            + $"'{Path.Combine(homes, GrokCliReader.HomeVariable, "sessions")}' (GrokCli: does not exist), "
            + $"'{Path.Combine(homes, "XDG_DATA_HOME", "amp", "threads")}' (Amp: does not exist), "
            + $"'{Path.Combine(homes, DroidReader.SessionsVariable)}' (FactoryDroid: does not exist), "
            + $"'{Path.Combine(homes, ZedReader.FlatpakDataVariable, "zed", "threads")}' (Zed: does not exist), "
            + $"'{Path.Combine(homes, KimiCodeReader.HomeVariable, "sessions")}' (KimiCode: does not exist), '{Path.Combine(homes, KimiCodeReader.LegacyHomeVariable, "sessions")}' (KimiCode: does not exist), "
            + $"'{Path.Combine(homes, KimiCodeReader.ForkHomeVariable, "sessions")}' (KimiCode: does not exist), "
            + $"'{Path.Combine(homes, OpenClawReader.StateDirVariable, "agents")}' (OpenClaw: does not exist), "
            + $"'{Path.Combine(homes, "XDG_DATA_HOME", "devin", "cli")}' (DevinCli: does not exist), "
            + string.Join(", ", new[] { "antigravity-cli", "antigravity", "antigravity-ide" }.Select(app => $"'{Path.Combine(homes, AntigravityReader.HomeVariable, ".gemini", app, "brain")}' (Antigravity: does not exist)")) + ", "
            + $"'{Path.Combine(homes, "XDG_DATA_HOME", "kiro-cli")}' (KiroCli: does not exist), '{Path.Combine(homes, "XDG_DATA_HOME", "amazon-q")}' (KiroCli: does not exist), "
            + $"'{Path.Combine(homes, KiroSessionFiles.HomeVariable, "sessions", "cli")}' (KiroCli: does not exist), "
            + $"'{Path.Combine(homes, VsCodeUserData.AppDataVariable, "Code", "User", "workspaceStorage")}' (CopilotChat: does not exist), "
            + $"'{Path.Combine(homes, VsCodeUserData.AppDataVariable, "Code", "User", "globalStorage", "emptyWindowChatSessions")}' (CopilotChat: does not exist), "
            + $"'{Path.Combine(homes, VsCodeUserData.AppDataVariable, "Cursor", "User", "globalStorage")}' (CursorIde: does not exist)",
            looked);
        Assert.Equal(
            $"No agent sessions found in the default locations of {FormatRegistry.Default.All.Count(r => r.DefaultLocations().Count > 0)} formats: "
            + $"'{Path.Combine(homes, "CODEX_HOME", "sessions")}' (Codex: no sessions); the other {plan.LookedIn.Count - 1} folders do not exist (-Verbose names each). "
            + "Name a folder or file to read, or point the agent's environment variable at its folder (Get-RolloutFormat shows where each format looks).",
            warning.Message);

        var atif = new ReadPlan();
        atif.AddDefaultLocations(new[] { RolloutFormat.Atif });
        Assert.StartsWith("No agent sessions read: the formats asked for keep no default location.", Assert.Single(atif.NotFound()).Message);
    }

    [Fact]
    public void Sessions_in_a_default_location_leave_nothing_unfound()
    {
        Copy("pi/agent/sessions", $"homes/{PiCodingAgentReader.AgentDirVariable}/sessions");
        var plan = new ReadPlan();
        plan.AddDefaultLocations();
        Assert.Equal(4, plan.Read(new ReadOptions(), CancellationToken.None).Count(r => r.Record is not null));

        Assert.Empty(plan.NotFound());
    }
}
