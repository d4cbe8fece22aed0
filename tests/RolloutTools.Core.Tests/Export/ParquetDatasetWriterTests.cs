using System.Text;
using DuckDB.NET.Data;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Export;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Tests.Formats;

namespace RolloutTools.Core.Tests.Export;

/// <summary>
/// Parquet datasets read back by DuckDB, a reader that shares no code with the writer (its own C++ Parquet
/// implementation, embedded by DuckDB.NET), and compared field by field with the records written.
/// </summary>
public sealed class ParquetDatasetWriterTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, 123, TimeSpan.FromHours(2));

    private readonly string _folder = Directory.CreateTempSubdirectory("parquet-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> Folders => new(SampleFolder.Formats.Keys);

    [Theory]
    [MemberData(nameof(Folders))]
    public void Every_field_of_every_sample_record_reads_back_in_duckdb(string folder)
    {
        var plan = new ReadPlan { Search = new TraceSearch { Recurse = true } };
        plan.AddPath(SampleFolder.Root(folder)).ToList();
        var records = plan.Read(new ReadOptions { IncludeAbandoned = true }, CancellationToken.None)
            .Select(r => r.Record).OfType<RolloutRecord>().ToList();
        Assert.NotEmpty(records);

        // Two records a row group, so every sample folder's file has several and the footer is rewritten each time.
        var path = Write(records, new DatasetOptions { Format = DatasetFormat.Parquet }, rowGroupSize: 2, out var rowGroups);

        Assert.Equal((records.Count + 1) / 2, rowGroups);
        Assert.Equal(rowGroups, Scalar<long>(path, "SELECT count(DISTINCT row_group_id) FROM parquet_metadata($path)"));
        AssertRowsEqual(records, path);
    }

    [Fact]
    public void Every_message_field_reads_back_including_images_costs_and_tool_facts()
    {
        var record = Sample();
        var path = Write(new[] { record }, new DatasetOptions { Format = DatasetFormat.Parquet }, rowGroupSize: 10, out _);

        AssertRowsEqual(new[] { record }, path);
        Assert.Equal(0.0123m, Scalar<decimal>(path, "SELECT messages[3].cost_usd FROM read_parquet($path)"));
        Assert.Equal("image/png", Scalar<string>(path, "SELECT messages[2].content[2].media_type FROM read_parquet($path)"));
        Assert.Equal("a.txt", Scalar<string>(path, "SELECT json_extract_string(source_meta, '$.files[0]') FROM read_parquet($path)"));
        Assert.Equal(7L, Scalar<long>(path, "SELECT unlisted_responses[1].usage.input_tokens FROM read_parquet($path)"));
    }

    [Fact]
    public void Curation_switches_apply_as_for_json_lines()
    {
        var path = Write(new[] { Sample(), Sample(sidechain: true) },
            new DatasetOptions { Format = DatasetFormat.Parquet, ExcludeImages = true, ExcludeSidechain = true, MaxToolOutputLength = 4 }, rowGroupSize: 10, out _);

        var expected = Curation.Apply(Sample(), new DatasetOptions { ExcludeImages = true, MaxToolOutputLength = 4 });
        Assert.Equal(1L, Scalar<long>(path, "SELECT count(*) FROM read_parquet($path)"));
        Assert.Equal(1L, Scalar<long>(path, "SELECT len(messages[2].content) FROM read_parquet($path)"));
        AssertRowsEqual(new[] { expected }, path);
    }

    [Fact]
    public void An_export_of_no_records_is_a_valid_file_with_the_schema_and_no_rows()
    {
        var path = Write(Array.Empty<RolloutRecord>(), new DatasetOptions { Format = DatasetFormat.Parquet }, rowGroupSize: 10, out var rowGroups);

        Assert.Equal(0, rowGroups);
        Assert.Equal(0L, Scalar<long>(path, "SELECT count(*) FROM read_parquet($path)"));
        Assert.Equal("STRUCT(id VARCHAR, \"name\" VARCHAR, arguments VARCHAR)[]",
            Scalar<string>(path, "SELECT column_type FROM (DESCRIBE SELECT messages[1].tool_calls AS calls FROM read_parquet($path))"));
    }

    [Fact]
    public void The_schema_uses_the_standard_logical_types_other_engines_read()
    {
        var path = Write(new[] { Sample() }, new DatasetOptions { Format = DatasetFormat.Parquet }, rowGroupSize: 10, out _);

        // Strings are UTF8; times are INT64 timestamps in microseconds, adjusted to UTC (TIMESTAMPTZ); lists are
        // LIST groups holding a repeated "list" group of "element" (the three-level layout Spark and Arrow write).
        Assert.Equal("UTF8", Scalar<string>(path, "SELECT converted_type FROM parquet_schema($path) WHERE name = 'trace_id'"));
        Assert.Equal("INT64", Scalar<string>(path, "SELECT type FROM parquet_schema($path) WHERE name = 'started_at'"));
        var timestamp = Scalar<string>(path, "SELECT logical_type FROM parquet_schema($path) WHERE name = 'started_at'");
        Assert.Contains("isAdjustedToUTC=1", timestamp);
        Assert.Contains("MICROS=MicroSeconds()", timestamp);
        Assert.Equal("LIST", Scalar<string>(path, "SELECT converted_type FROM parquet_schema($path) WHERE name = 'messages'"));
        Assert.Equal("messages list element role", string.Join(" ", Column<string>(path, "SELECT name FROM parquet_schema($path)").SkipWhile(n => n != "messages").Take(4)));
        Assert.Equal("TIMESTAMP WITH TIME ZONE", Scalar<string>(path, "SELECT column_type FROM (DESCRIBE SELECT started_at FROM read_parquet($path))"));
    }

    [Fact]
    public void Parquet_is_refused_by_the_line_writer()
    {
        Assert.Throws<ArgumentException>(() => new DatasetWriter(new DatasetOptions { Format = DatasetFormat.Parquet }));
    }

    /// <summary>A record with every message field set somewhere: an image, reasoning, parallel calls, a failed command with its exit code and duration, a structured result, usage with one-hour cache writes, a stated cost, an abandoned branch.</summary>
    private static RolloutRecord Sample(bool sidechain = false) => new()
    {
        TraceId = sidechain ? "s1:agent-1" : "s1",
        Format = RolloutFormat.PiCodingAgent,
        SourceKind = "pi_coding_agent",
        SourcePath = "/traces/s1.jsonl",
        RootSessionId = "s1",
        AgentId = sidechain ? "agent-1" : null,
        IsSidechain = sidechain,
        Cwd = "/work/app",
        GitBranch = "main",
        StartedAt = T0,
        EndedAt = T0.AddSeconds(90.000_001_7),
        Title = "Read a.txt",
        Models = new[] { "claude-opus-4-6", "gpt-5" },
        Messages = new[]
        {
            new RolloutMessage { Role = MessageRole.System, Kind = MessageKind.Context, Content = new[] { ContentBlock.FromText("Be brief.") } },
            new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Prompt, Content = new[] { ContentBlock.FromText("Read a.txt, please: é ✓"), ContentBlock.FromImageData("image/png", "iVBORw0KGgo=") }, Timestamp = T0 },
            new RolloutMessage
            {
                Role = MessageRole.Assistant, Kind = MessageKind.Response, ReasoningContent = "Read it.", Model = "claude-opus-4-6", Timestamp = T0.AddSeconds(2),
                ToolCalls = new[] { new ToolCall("t1", "read", "{\"path\":\"a.txt\"}"), new ToolCall("t2", "bash", "{\"command\":\"false\"}") },
                Usage = new TokenUsage(10, 20, 30, 40) { CacheWrite1hTokens = 15 }, ResponseId = "msg_1", CostUsd = 0.0123m,
            },
            new RolloutMessage { Role = MessageRole.Tool, Kind = MessageKind.ToolResult, ToolCallId = "t1", ToolName = "read", Content = new[] { ContentBlock.FromText("0123456789") }, IsError = false, StructuredResult = "{\"lines\":1}" },
            new RolloutMessage { Role = MessageRole.Tool, Kind = MessageKind.ToolResult, ToolCallId = "t2", ToolName = "bash", Content = new[] { ContentBlock.FromText("") }, IsError = true, ExitCode = 1, ToolDuration = TimeSpan.FromMilliseconds(1500) },
            new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Prompt, Content = new[] { ContentBlock.FromImageUrl("https://example.com/a.png") }, IsAbandoned = true },
            new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, Content = new[] { ContentBlock.FromText("It holds digits.") }, Timestamp = T0.AddSeconds(90.000_001_7) },
        },
        SourceMeta = new SourceMeta.Builder().Add("version", "0.9").Add("files", new[] { "a.txt" }).Add("record_types", new Dictionary<string, long> { ["message"] = 5 }).Add("cost_usd", 0.0123).Build(),
        Usage = new TokenUsage(10 + 7, 20 + 3, 30, 40) { CacheWrite1hTokens = 15 },
        UnlistedResponses = new[] { new UnlistedResponse("msg_0", T0.AddSeconds(1), "gpt-5", new TokenUsage(7, 3, 0, 0), 0.0007m) },
    };

    private string Write(IEnumerable<RolloutRecord> records, DatasetOptions options, int rowGroupSize, out int rowGroups)
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.parquet");
        using var file = new ExportFile(path, append: false, new UTF8Encoding(false));
        var writer = new ParquetDatasetWriter(file, options, rowGroupSize);
        foreach (var record in records) writer.Add(record, out _);
        writer.Complete();
        file.Commit();
        rowGroups = writer.RowGroups;
        return path;
    }

    private static DuckDBConnection Open()
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        return connection;
    }

    private static DuckDBCommand Query(DuckDBConnection connection, string path, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add(new DuckDBParameter("path", path));
        return command;
    }

    private static T Scalar<T>(string path, string sql)
    {
        using var connection = Open();
        using var command = Query(connection, path, sql);
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<T> Column<T>(string path, string sql)
    {
        using var connection = Open();
        using var command = Query(connection, path, sql);
        using var reader = command.ExecuteReader();
        var values = new List<T>();
        while (reader.Read()) values.Add(reader.GetFieldValue<T>(0));
        return values;
    }

    private static void AssertRowsEqual(IReadOnlyList<RolloutRecord> records, string path)
    {
        using var connection = Open();
        using var command = Query(connection, path, "SELECT * EXCLUDE (file_row_number) FROM read_parquet($path, file_row_number = true) ORDER BY file_row_number");
        using var reader = command.ExecuteReader();
        var row = 0;
        while (reader.Read())
        {
            Assert.True(row < records.Count, "more rows than records");
            var r = records[row++];
            object? Get(string name) => reader.IsDBNull(reader.GetOrdinal(name)) ? null : reader.GetValue(reader.GetOrdinal(name));
            var id = r.TraceId;
            Assert.Equal(r.TraceId, Get("trace_id"));
            Assert.Equal(r.Format.ToString(), Get("format"));
            Assert.Equal(r.SourceKind, Get("source_kind"));
            Assert.Equal(r.SourcePath, Get("source_path"));
            Assert.Equal(r.RootSessionId, Get("root_session_id"));
            Assert.Equal(r.AgentId, Get("agent_id"));
            Assert.Equal(r.IsSidechain, Get("is_sidechain"));
            Assert.Equal(r.Cwd, Get("cwd"));
            Assert.Equal(r.ProjectPath, Get("project_path"));
            Assert.Equal(r.GitBranch, Get("git_branch"));
            Assert.Equal(Microseconds(r.StartedAt), Ticks(Get("started_at")));
            Assert.Equal(Microseconds(r.EndedAt), Ticks(Get("ended_at")));
            Assert.Equal(r.SourceMeta.ToString(), Get("source_meta"));
            Assert.Equal(r.MessageCount, Get("message_count"));
            Assert.Equal(r.ToolCallCount, Get("tool_call_count"));
            Assert.Equal(r.FinalAssistantMessage, Get("final_assistant_message"));
            Assert.Equal(r.Title, Get("title"));
            Assert.Equal(r.DurationSeconds, Get("duration_seconds"));
            Assert.Equal(r.Models, Assert.IsType<List<string>>(Get("models")));
            Assert.Equal(r.InputTokens, Get("input_tokens"));
            Assert.Equal(r.OutputTokens, Get("output_tokens"));
            Assert.Equal(r.CacheReadTokens, Get("cache_read_tokens"));
            Assert.Equal(r.CacheWriteTokens, Get("cache_write_tokens"));
            Assert.Equal(r.Usage.CacheWrite1hTokens, Get("cache_write_1h_tokens"));
            Assert.Equal(r.TotalTokens, Get("total_tokens"));
            var unlisted = Assert.IsType<List<Dictionary<string, object?>>>(Get("unlisted_responses"));
            Assert.Equal(
                r.UnlistedResponses.Select(u => (u.ResponseId, Microseconds(u.Timestamp), u.Model, u.CostUsd, Counts(u.Usage))),
                unlisted.Select(u => ((string?)u["response_id"], Ticks(u["timestamp"]), (string?)u["model"], (decimal?)u["cost_usd"], Counts((Dictionary<string, object?>)u["usage"]!))));

            var messages = Assert.IsType<List<Dictionary<string, object?>>>(Get("messages"));
            Assert.True(r.Messages.Count == messages.Count, $"{id}: {messages.Count} messages, not {r.Messages.Count}");
            for (var i = 0; i < messages.Count; i++) AssertMessageEqual(r.Messages[i], messages[i], $"{id} message {i}");
        }
        Assert.Equal(records.Count, row);
    }

    private static void AssertMessageEqual(RolloutMessage m, Dictionary<string, object?> row, string where)
    {
        void Same(object? expected, string column)
        {
            var actual = row[column];
            Assert.True(Equals(expected, actual), $"{where}: {column} is '{actual}', not '{expected}'");
        }
        Same(m.Role.ToString().ToLowerInvariant(), "role");
        Same(RolloutTools.Core.Json.RecordJsonWriter.SnakeCase(m.Kind.ToString()), "kind");
        Same(m.ReasoningContent, "reasoning_content");
        Same(m.ToolCallId, "tool_call_id");
        Same(m.ToolName, "tool_name");
        Same(m.IsError, "is_error");
        Same(m.StructuredResult, "structured_result");
        Same(m.ExitCode, "exit_code");
        Same(m.ToolDuration?.TotalSeconds, "tool_duration_seconds");
        Assert.True(Microseconds(m.Timestamp) == Ticks(row["timestamp"]), $"{where}: timestamp is '{row["timestamp"]}', not '{m.Timestamp}'");
        Same(m.Model, "model");
        Same(m.IsAbandoned, "is_abandoned");
        Same(m.ResponseId, "response_id");
        Same(m.CostUsd, "cost_usd");

        var content = Assert.IsType<List<Dictionary<string, object?>>>(row["content"]);
        Assert.True(m.Content.Count == content.Count, $"{where}: {content.Count} content blocks, not {m.Content.Count}");
        for (var b = 0; b < content.Count; b++)
        {
            var block = m.Content[b];
            Assert.Equal(block.Type == ContentBlockType.Text ? "text" : "image", content[b]["type"]);
            Assert.Equal(block.Text, content[b]["text"]);
            Assert.Equal(block.MediaType, content[b]["media_type"]);
            Assert.Equal(block.Data, content[b]["data"]);
            Assert.Equal(block.Url, content[b]["url"]);
        }

        var calls = Assert.IsType<List<Dictionary<string, object?>>>(row["tool_calls"]);
        Assert.Equal(m.ToolCalls.Select(c => (c.Id, c.Name, c.Arguments)), calls.Select(c => ((string)c["id"]!, (string)c["name"]!, (string)c["arguments"]!)));

        if (m.Usage is not { } usage)
        {
            Assert.Null(row["usage"]);
            return;
        }
        Assert.Equal(Counts(usage), Counts(Assert.IsType<Dictionary<string, object?>>(row["usage"])));
    }

    private static readonly string[] CountColumns = { "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "cache_write_1h_tokens", "total_tokens" };

    private static string Counts(TokenUsage usage) =>
        string.Join(" ", usage.InputTokens, usage.OutputTokens, usage.CacheReadTokens, usage.CacheWriteTokens, usage.CacheWrite1hTokens, usage.Total);

    private static string Counts(Dictionary<string, object?> row) => string.Join(" ", CountColumns.Select(c => (long)row[c]!));

    /// <summary>The instant in UTC ticks, cut to the microseconds Parquet keeps.</summary>
    private static long? Microseconds(DateTimeOffset? time) => time is { } t ? t.UtcTicks - t.UtcTicks % 10 : null;

    private static long? Ticks(object? value) => value switch
    {
        null => null,
        DateTime t => t.Ticks,
        DateTimeOffset t => t.UtcTicks,
        _ => throw new InvalidOperationException($"a time read as {value.GetType()}"),
    };
}
