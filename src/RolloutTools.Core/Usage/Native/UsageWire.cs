using System.Globalization;
using System.Text.Json;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Usage.Native;

/// <summary>
/// How a usage request and its events travel between this process and the native usage reader: the request as one
/// JSON object on the reader's standard input, each event as one JSON line on its standard output. Written and read
/// field by field, so the native build needs no reflection, and every value comes back exactly (decimals as JSON
/// numbers, times with their offsets, the time zone by its id).
/// </summary>
internal static class UsageWire
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    public static void WriteRequest(Stream stream, UsageRequest request)
    {
        using var json = new Utf8JsonWriter(stream, WriterOptions);
        json.WriteStartObject();
        json.WriteStartArray("sources");
        foreach (var source in request.Sources)
        {
            json.WriteStartObject();
            json.WriteString("path", source.Path);
            WriteNames(json, "formats", source.Formats?.Select(f => f.ToString()));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteBoolean("recurse", request.Recurse);
        WriteNames(json, "groupBy", request.GroupBy.Select(g => g.ToString()));
        json.WriteString("timeZone", request.TimeZone.Id);
        WriteTime(json, "since", request.Since);
        WriteTime(json, "until", request.Until);
        json.WriteString("pricingFile", request.PricingFile);
        json.WriteBoolean("countMessages", request.CountMessages);
        json.WriteEndObject();
    }

    public static UsageRequest ReadRequest(Stream stream)
    {
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        return new UsageRequest
        {
            Sources = root.GetProperty("sources").EnumerateArray()
                .Select(s => new UsageSource(s.GetProperty("path").GetString(), Names(s.GetProperty("formats"))?.Select(Enum.Parse<RolloutFormat>).ToArray()))
                .ToArray(),
            Recurse = root.GetProperty("recurse").GetBoolean(),
            GroupBy = Names(root.GetProperty("groupBy"))!.Select(Enum.Parse<UsageGroup>).ToArray(),
            TimeZone = TimeZoneInfo.TryFindSystemTimeZoneById(root.GetProperty("timeZone").GetString()!, out var zone) ? zone : TimeZoneInfo.Local,
            Since = Time(root.GetProperty("since")),
            Until = Time(root.GetProperty("until")),
            PricingFile = root.GetProperty("pricingFile").GetString(),
            CountMessages = root.GetProperty("countMessages").GetBoolean(),
        };
    }

    /// <summary>
    /// Whether the reader can date by this time zone: a zone of the system's time zone database, found by its id
    /// (serializing a zone's rules does not survive the trip on Linux), or the local zone, which the reader shares.
    /// </summary>
    public static bool Carries(TimeZoneInfo zone) =>
        zone.Equals(TimeZoneInfo.Local) || (TimeZoneInfo.TryFindSystemTimeZoneById(zone.Id, out var found) && found.HasSameRules(zone));

    /// <summary>Writes one event as one line.</summary>
    public static void WriteEvent(Stream stream, UsageEvent usageEvent)
    {
        using (var json = new Utf8JsonWriter(stream, WriterOptions))
        {
            json.WriteStartObject();
            switch (usageEvent)
            {
                case UsageProblem problem:
                    json.WritePropertyName("problem");
                    WriteDiagnostic(json, problem.Diagnostic);
                    break;
                case UsageRead { Progress: var read }:
                    json.WriteStartObject("read");
                    json.WriteString("path", read.Result.Source.Path);
                    json.WriteString("key", read.Result.Source.Key);
                    json.WriteString("skip", read.Result.SkipReason);
                    json.WriteBoolean("unrecognized", read.Result.IsUnrecognized);
                    json.WriteStartArray("diagnostics");
                    foreach (var diagnostic in read.Result.Diagnostics) WriteDiagnostic(json, diagnostic);
                    json.WriteEndArray();
                    json.WriteNumber("done", read.Done);
                    json.WriteNumber("total", read.Total);
                    json.WriteEndObject();
                    break;
                case UsageDone done:
                    json.WriteStartObject("done");
                    json.WriteStartArray("rows");
                    foreach (var row in done.Report.Rows) WriteRow(json, row);
                    json.WriteEndArray();
                    json.WriteNumber("duplicates", done.Report.DuplicateResponses);
                    WriteNames(json, "unpriced", done.Report.UnpricedModels);
                    json.WriteEndObject();
                    break;
                default:
                    throw new ArgumentException($"No wire form for {usageEvent.GetType().Name}.", nameof(usageEvent));
            }
            json.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
    }

    /// <summary>Reads the event one line holds.</summary>
    /// <exception cref="JsonException">The line is not an event.</exception>
    public static UsageEvent ReadEvent(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (root.TryGetProperty("problem", out var problem)) return new UsageProblem(ReadDiagnostic(problem));
        if (root.TryGetProperty("read", out var read))
        {
            var source = TraceSource.FromFile(read.GetProperty("path").GetString()!, read.GetProperty("key").GetString());
            var diagnostics = read.GetProperty("diagnostics").EnumerateArray().Select(ReadDiagnostic).ToArray();
            var result = new ReadResult(source, null, read.GetProperty("skip").GetString(), diagnostics) { IsUnrecognized = read.GetProperty("unrecognized").GetBoolean() };
            return new UsageRead(new ReadProgress(result, read.GetProperty("done").GetInt32(), read.GetProperty("total").GetInt32()));
        }
        if (root.TryGetProperty("done", out var done))
        {
            return new UsageDone(new UsageReport(
                done.GetProperty("rows").EnumerateArray().Select(ReadRow).ToArray(),
                done.GetProperty("duplicates").GetInt32(),
                Names(done.GetProperty("unpriced"))!));
        }
        throw new JsonException("The line is no usage event.");
    }

    private static void WriteDiagnostic(Utf8JsonWriter json, RolloutDiagnostic diagnostic)
    {
        json.WriteStartObject();
        json.WriteString("severity", diagnostic.Severity.ToString());
        json.WriteString("id", diagnostic.ErrorId);
        json.WriteString("path", diagnostic.Path);
        if (diagnostic.LineNumber is { } line) json.WriteNumber("line", line);
        else json.WriteNull("line");
        json.WriteString("message", diagnostic.Message);
        json.WriteBoolean("accessDenied", diagnostic.IsAccessDenied);
        json.WriteEndObject();
    }

    private static RolloutDiagnostic ReadDiagnostic(JsonElement json) => new(
        Enum.Parse<DiagnosticSeverity>(json.GetProperty("severity").GetString()!),
        json.GetProperty("id").GetString()!,
        json.GetProperty("path").GetString()!,
        json.GetProperty("line").ValueKind == JsonValueKind.Null ? null : json.GetProperty("line").GetInt32(),
        json.GetProperty("message").GetString()!)
    {
        IsAccessDenied = json.GetProperty("accessDenied").GetBoolean(),
    };

    private static void WriteRow(Utf8JsonWriter json, UsageRow row)
    {
        json.WriteStartObject();
        WriteDay(json, "day", row.Day);
        WriteDay(json, "week", row.Week);
        WriteDay(json, "month", row.Month);
        json.WriteString("session", row.Session);
        json.WriteString("project", row.Project);
        json.WriteString("model", row.Model);
        json.WriteString("format", row.Format?.ToString());
        WriteTime(json, "block", row.Block);
        json.WriteNumber("sessions", row.Sessions);
        WriteCount(json, "messages", row.Messages);
        WriteCount(json, "toolCalls", row.ToolCalls);
        json.WriteNumber("responses", row.Responses);
        json.WriteNumber("inputTokens", row.InputTokens);
        json.WriteNumber("outputTokens", row.OutputTokens);
        json.WriteNumber("cacheReadTokens", row.CacheReadTokens);
        json.WriteNumber("cacheWriteTokens", row.CacheWriteTokens);
        if (row.CostUsd is { } cost) json.WriteNumber("costUsd", cost);
        else json.WriteNull("costUsd");
        json.WriteString("costSource", row.CostSource);
        WriteNames(json, "models", row.Models);
        WriteTime(json, "firstActivity", row.FirstActivity);
        WriteTime(json, "lastActivity", row.LastActivity);
        json.WriteEndObject();
    }

    private static UsageRow ReadRow(JsonElement json) => new()
    {
        Day = Day(json.GetProperty("day")),
        Week = Day(json.GetProperty("week")),
        Month = Day(json.GetProperty("month")),
        Session = json.GetProperty("session").GetString(),
        Project = json.GetProperty("project").GetString(),
        Model = json.GetProperty("model").GetString(),
        Format = json.GetProperty("format").GetString() is { } format ? Enum.Parse<RolloutFormat>(format) : null,
        Block = Time(json.GetProperty("block")),
        Sessions = json.GetProperty("sessions").GetInt32(),
        Messages = Count(json.GetProperty("messages")),
        ToolCalls = Count(json.GetProperty("toolCalls")),
        Responses = json.GetProperty("responses").GetInt64(),
        InputTokens = json.GetProperty("inputTokens").GetInt64(),
        OutputTokens = json.GetProperty("outputTokens").GetInt64(),
        CacheReadTokens = json.GetProperty("cacheReadTokens").GetInt64(),
        CacheWriteTokens = json.GetProperty("cacheWriteTokens").GetInt64(),
        CostUsd = json.GetProperty("costUsd").ValueKind == JsonValueKind.Null ? null : json.GetProperty("costUsd").GetDecimal(),
        CostSource = json.GetProperty("costSource").GetString()!,
        Models = Names(json.GetProperty("models"))!,
        FirstActivity = Time(json.GetProperty("firstActivity")),
        LastActivity = Time(json.GetProperty("lastActivity")),
    };

    private static void WriteNames(Utf8JsonWriter json, string name, IEnumerable<string>? values)
    {
        if (values is null)
        {
            json.WriteNull(name);
            return;
        }
        json.WriteStartArray(name);
        foreach (var value in values) json.WriteStringValue(value);
        json.WriteEndArray();
    }

    private static IReadOnlyList<string>? Names(JsonElement json) =>
        json.ValueKind == JsonValueKind.Null ? null : json.EnumerateArray().Select(v => v.GetString()!).ToArray();

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? value)
    {
        if (value is { } time) json.WriteString(name, time.ToString("O", CultureInfo.InvariantCulture));
        else json.WriteNull(name);
    }

    private static DateTimeOffset? Time(JsonElement json) => json.ValueKind == JsonValueKind.Null
        ? null
        : DateTimeOffset.ParseExact(json.GetString()!, "O", CultureInfo.InvariantCulture, DateTimeStyles.None);

    private static void WriteDay(Utf8JsonWriter json, string name, DateOnly? value)
    {
        if (value is { } day) json.WriteString(name, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        else json.WriteNull(name);
    }

    private static DateOnly? Day(JsonElement json) => json.ValueKind == JsonValueKind.Null
        ? null
        : DateOnly.ParseExact(json.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void WriteCount(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } count) json.WriteNumber(name, count);
        else json.WriteNull(name);
    }

    private static long? Count(JsonElement json) => json.ValueKind == JsonValueKind.Null ? null : json.GetInt64();
}
