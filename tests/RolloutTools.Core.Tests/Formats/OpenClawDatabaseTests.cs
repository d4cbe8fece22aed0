using Microsoft.Data.Sqlite;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.OpenClaw;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/openclaw/state-sqlite is the state dir of a release that keeps sessions in openclaw-agent.sqlite
/// (samples/openclaw/make-agent-db.py writes it): a session with plain and zstd rows, the session before it moved to a
/// cold archive, and a subagent. Read as Get-AgentRollout reads the default location.
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class OpenClawDatabaseTests : IDisposable
{
    private const string Hot = "3c5e7a9b-1d2f-4a6b-8c0d-2e4f6a8b0c1d";
    private const string Cold = "8e0a2c4d-6f1b-4d3e-9a5c-7b9d1f3e5a7c";
    private const string Spawned = "b1d3f5a7-9c2e-4b4d-8f6a-0c2e4a6c8e0a";

    private readonly string _temp = Path.Combine(Path.GetTempPath(), "rollout-openclaw-db-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_temp)) Directory.Delete(_temp, recursive: true);
    }

    private static (IReadOnlyList<SessionReference> Sessions, IReadOnlyList<ReadResult> Results) ReadState(string state)
    {
        var previous = Environment.GetEnvironmentVariable(OpenClawReader.StateDirVariable);
        Environment.SetEnvironmentVariable(OpenClawReader.StateDirVariable, state);
        try
        {
            var sessions = SessionLocator.InDefaultLocations(new OpenClawReader(), new TraceSearch()).Sessions;
            return (sessions, RolloutLoader.ReadAll(sessions, new ReadOptions(), CancellationToken.None).ToArray());
        }
        finally
        {
            Environment.SetEnvironmentVariable(OpenClawReader.StateDirVariable, previous);
        }
    }

    /// <summary>A copy of the sample state dir, for a test that changes it.</summary>
    private string Copy()
    {
        var source = SampleFolder.Root("openclaw", "state-sqlite");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_temp, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return _temp;
    }

    private static string Database(string state) => Path.Combine(state, "agents", "ops", "agent", OpenClawHome.DatabaseName);

    private static void Execute(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public void Each_session_window_is_one_reference_with_its_last_activity_and_reads_as_the_jsonl_file_would()
    {
        var (sessions, results) = ReadState(SampleFolder.Root("openclaw", "state-sqlite"));
        Assert.Equal(new[] { Cold, Hot, Spawned }, sessions.Select(s => s.Ids!.TraceId));
        Assert.All(sessions, s => Assert.NotNull(s.LastActivity));
        Assert.Equal(DateTimeOffset.Parse("2026-09-15T06:00:08Z"), sessions[1].LastActivity);
        Assert.Empty(results.SelectMany(r => r.Diagnostics));
        Assert.All(results, r => Assert.Equal((RolloutFormat.OpenClaw, "openclaw"), (r.Record!.Format, r.Record.SourceKind)));
        SampleFolder.AssertToolMessagesAnswerCalls(results.Select(r => r.Record!));

        var hot = SampleFolder.Record(results, Hot);
        Assert.Equal("Prompt Response ToolResult Response ToolResult Response", SampleFolder.Kinds(hot));
        // The read tool's result was stored as a zstd frame.
        Assert.Contains("db-2 OK", hot.Messages[2].Content.Single().Text);
        Assert.Equal(new TokenUsage(4100 + 5300 + 5500, 61 + 88 + 19, 12400 + 13900, 12400 + 1500), SampleFolder.Tokens(hot));
        Assert.Equal("ops", hot.SourceMeta["agent_id"]);
        Assert.Equal("agent:ops:main", hot.SourceMeta["session_key"]);
        Assert.Equal("telegram", hot.SourceMeta["channel"]);
        Assert.Equal(14900L, hot.SourceMeta["index_input_tokens"]);
    }

    [Fact]
    public void A_cold_session_reads_from_its_archive_with_its_key_conversation_and_none_of_the_current_totals()
    {
        var cold = SampleFolder.Record(ReadState(SampleFolder.Root("openclaw", "state-sqlite")).Results, Cold);
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(cold));
        Assert.Equal("Yes: the staging certificate now runs to 12 December 2026.", cold.Messages[^1].Content.Single().Text);
        Assert.Equal("agent:ops:main", cold.SourceMeta["session_key"]);
        Assert.False(cold.SourceMeta.ContainsKey("index_model"));
    }

    [Fact]
    public void A_spawned_session_is_a_sidechain_of_the_session_that_spawned_it()
    {
        var spawned = SampleFolder.Record(ReadState(SampleFolder.Root("openclaw", "state-sqlite")).Results, Spawned);
        Assert.True(spawned.IsSidechain);
        Assert.Equal(Hot, spawned.RootSessionId);
        Assert.Equal("Backup growth", spawned.Title);
    }

    [Fact]
    public void A_reference_reads_only_its_own_row()
    {
        var one = ReadState(SampleFolder.Root("openclaw", "state-sqlite")).Sessions.Single(s => s.Ids!.TraceId == Spawned);
        Assert.Equal(Spawned, one.Source.Key);
        var result = Assert.Single(RolloutLoader.ReadAll(new[] { one }, new ReadOptions(), CancellationToken.None));
        Assert.Equal(Spawned, result.Record!.TraceId);
    }

    [Fact]
    public void Session_nodes_that_cannot_be_read_are_reported_once_and_every_session_still_reads()
    {
        var state = Copy();
        // A view in session_nodes' place whose rows fail when read, as a damaged page would.
        Execute(Database(state), "ALTER TABLE session_nodes RENAME TO nodes_kept; CREATE VIEW session_nodes AS SELECT session_key, json_extract('{', '$') AS entry_json FROM nodes_kept;");

        var results = ReadState(state).Results;

        Assert.Equal(3, results.Count(r => r.Record is not null));
        var warning = Assert.Single(results.SelectMany(r => r.Diagnostics));
        Assert.Equal((DiagnosticSeverity.Warning, RolloutDiagnostic.SidecarDamaged), (warning.Severity, warning.ErrorId));
        Assert.Contains("session_nodes", warning.Message);
        Assert.All(results, r => Assert.False(r.Record!.SourceMeta.ContainsKey("session_key")));
    }

    [Fact]
    public void A_damaged_row_is_an_error_naming_the_database_and_its_seq_and_the_other_rows_still_read()
    {
        var state = Copy();
        Execute(Database(state), $"UPDATE transcript_events SET event_zstd = x'28b52ffd0400', event_json = NULL WHERE session_id = '{Hot}' AND seq = 5");
        var hot = ReadState(state).Results.Single(r => r.Record?.TraceId == Hot);
        var error = Assert.Single(hot.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Error, Database(state)), (error.Severity, error.Path));
        Assert.Contains($"seq 5 of session {Hot}", error.Message);
        Assert.Equal("Prompt Response Response ToolResult Response", SampleFolder.Kinds(hot.Record!));
    }

    [Fact]
    public void A_missing_cold_archive_is_an_error_naming_it_and_a_damaged_line_names_the_archive_and_line()
    {
        var state = Copy();
        var archive = Directory.EnumerateFiles(Path.Combine(state, "agents", "ops", "sessions", "cold")).Single();
        File.Delete(archive);
        var missing = ReadState(state).Results.Single(r => r.Source.Key == Cold);
        Assert.Null(missing.Record);
        Assert.Contains(missing.Diagnostics, d => d.Severity == DiagnosticSeverity.Error && d.Message.Contains(archive, StringComparison.Ordinal));

        // An archive whose third line is not JSON: that line is reported with the archive's path, the rest read.
        var lines = new[]
        {
            "{\"kind\":\"header\",\"version\":1,\"sessionId\":\"" + Cold + "\"}",
            "{\"kind\":\"event\",\"row\":{\"seq\":0,\"event_json\":\"{\\\"type\\\":\\\"session\\\",\\\"version\\\":3,\\\"id\\\":\\\"" + Cold + "\\\",\\\"timestamp\\\":\\\"2026-09-13T05:00:00.000Z\\\",\\\"cwd\\\":\\\"/w\\\"}\"}}",
            "{not json",
            "{\"type\":\"message\",\"id\":\"m1\",\"parentId\":null,\"timestamp\":\"2026-09-13T05:00:01.000Z\",\"message\":{\"role\":\"user\",\"content\":\"hello\"}}",
        };
        using (var file = File.Create(archive))
        using (var zstd = new ZstdSharp.CompressionStream(file))
        using (var writer = new StreamWriter(zstd))
        {
            writer.Write(string.Join("\n", lines) + "\n");
        }
        var damaged = ReadState(state).Results.Single(r => r.Source.Key == Cold);
        var error = Assert.Single(damaged.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal((archive, 3), (error.Path, error.LineNumber));
        Assert.Equal("Prompt", SampleFolder.Kinds(damaged.Record!));
    }

    [Fact]
    public void A_session_file_the_database_also_holds_is_read_from_the_database_only()
    {
        var state = Copy();
        var sessions = Path.Combine(state, "agents", "ops", "sessions");
        File.WriteAllText(Path.Combine(sessions, Hot + ".jsonl"),
            "{\"type\":\"session\",\"version\":3,\"id\":\"" + Hot + "\",\"timestamp\":\"2026-09-15T06:00:00.000Z\",\"cwd\":\"/w\"}\n"
            + "{\"type\":\"message\",\"id\":\"old1\",\"parentId\":null,\"timestamp\":\"2026-09-15T06:00:01.000Z\",\"message\":{\"role\":\"user\",\"content\":\"an older copy\"}}\n");
        var other = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
        File.WriteAllText(Path.Combine(sessions, other + ".jsonl"),
            "{\"type\":\"session\",\"version\":3,\"id\":\"" + other + "\",\"timestamp\":\"2026-08-01T06:00:00.000Z\",\"cwd\":\"/w\"}\n"
            + "{\"type\":\"message\",\"id\":\"m1\",\"parentId\":null,\"timestamp\":\"2026-08-01T06:00:01.000Z\",\"message\":{\"role\":\"user\",\"content\":\"not imported\"}}\n");

        var (located, results) = ReadState(state);
        Assert.Equal(new[] { Cold, Hot, Spawned, other }, located.Select(s => s.Ids!.TraceId));
        Assert.Equal(Database(state), located.Single(s => s.Ids!.TraceId == Hot).Source.Path);
        Assert.Equal("Prompt Response ToolResult Response ToolResult Response", SampleFolder.Kinds(SampleFolder.Record(results, Hot)));
        Assert.Equal("not imported", SampleFolder.Record(results, other).Messages.Single().Content.Single().Text);
    }

    [Fact]
    public void A_database_without_openclaws_tables_gives_no_record()
    {
        Directory.CreateDirectory(Path.Combine(_temp, "agents", "x", "agent"));
        Execute(Database(_temp).Replace("ops", "x", StringComparison.Ordinal), "CREATE TABLE other (id TEXT)");
        var results = ReadState(_temp).Results;
        var result = Assert.Single(results);
        Assert.Null(result.Record);
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("without OpenClaw's", StringComparison.Ordinal));
    }
}
