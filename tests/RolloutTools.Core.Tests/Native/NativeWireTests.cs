using System.Collections;
using System.Globalization;
using System.Reflection;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Model;
using RolloutTools.Core.Native;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Tests.Formats;
using RolloutTools.Core.Usage;

namespace RolloutTools.Core.Tests.Native;

/// <summary>The native reader's pipe: every request and event comes back as it went, so what it reads is what is read in process.</summary>
public sealed class NativeWireTests : IDisposable
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("rollout-wire-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void A_usage_request_comes_back_with_every_value_and_the_time_zone_s_rules()
    {
        var request = new UsageRequest
        {
            Sources = new[] { new ReadSource("/srv/traces/a b\n\"c\"", new[] { RolloutFormat.ClaudeCode, RolloutFormat.Codex }), new ReadSource(null) },
            Recurse = true,
            GroupBy = new[] { UsageGroup.Block, UsageGroup.Model },
            TimeZone = Berlin,
            Since = new DateTimeOffset(2025, 11, 3, 9, 0, 0, TimeSpan.FromHours(13)),
            Until = null,
            PricingFile = "/srv/prices.json",
            CountMessages = true,
        };

        var back = Assert.IsType<UsageRequest>(RoundTrip(w => NativeWire.WriteRequest(w, request)));

        Assert.Equal(2, back.Sources.Count);
        Assert.Equal(request.Sources[0].Path, back.Sources[0].Path);
        Assert.Equal(request.Sources[0].Formats, back.Sources[0].Formats);
        Assert.Null(back.Sources[1].Path);
        Assert.Null(back.Sources[1].Formats);
        Assert.True(back.Recurse);
        Assert.Equal(new[] { UsageGroup.Block, UsageGroup.Model }, back.GroupBy);
        Assert.Equal(Berlin.ToSerializedString(), back.TimeZone.ToSerializedString());
        Assert.Equal(TimeSpan.FromHours(2), back.TimeZone.GetUtcOffset(new DateTimeOffset(2025, 7, 1, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal(request.Since, back.Since);
        Assert.Equal(TimeSpan.FromHours(13), back.Since!.Value.Offset);
        Assert.Null(back.Until);
        Assert.Equal("/srv/prices.json", back.PricingFile);
        Assert.True(back.CountMessages);
    }

    [Fact]
    public void A_read_request_comes_back_with_every_value()
    {
        var request = new ReadRequest
        {
            Sources = new[] { new ReadSource("/srv/tr\u00e4ces", new[] { RolloutFormat.Goose }), new ReadSource(null, Array.Empty<RolloutFormat>()) },
            Search = new TraceSearch { Recurse = true, Filter = "*.jsonl", FollowLinks = true, MaxDepth = 3 },
            Ids = new[] { "0199a213*", "ses_1" },
            Partition = new SessionPartition(2, 5),
            Force = true,
            Options = new ReadOptions
            {
                Since = new DateTimeOffset(2025, 11, 3, 9, 0, 0, TimeSpan.FromHours(-3.5)),
                Until = new DateTimeOffset(2025, 12, 1, 0, 0, 0, TimeSpan.Zero),
                DegreeOfParallelism = 3,
                IncludeAbandoned = true,
                AllBranches = true,
                StitchContinuations = true,
                UsageOnly = true,
            },
        };

        var back = Assert.IsType<ReadRequest>(RoundTrip(w => NativeWire.WriteRequest(w, request)));

        Assert.Equal(request.Sources[0], back.Sources[0] with { Formats = request.Sources[0].Formats });
        Assert.Equal(request.Sources[0].Formats, back.Sources[0].Formats);
        Assert.Null(back.Sources[1].Path);
        Assert.Empty(back.Sources[1].Formats!);
        Assert.Equal(request.Search, back.Search);
        Assert.Equal(request.Ids, back.Ids);
        Assert.Equal(request.Partition, back.Partition);
        Assert.True(back.Force);
        Assert.Equal(request.Options, back.Options);
        Assert.Equal(TimeSpan.FromHours(-3.5), back.Options.Since!.Value.Offset);
        // The defaults come back as defaults.
        Assert.Equal(new ReadRequest().Search, Assert.IsType<ReadRequest>(RoundTrip(w => NativeWire.WriteRequest(w, new ReadRequest()))).Search);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Every_record_of_every_sample_comes_back_whole(bool includeAbandoned, bool allBranches)
    {
        var request = new ReadRequest
        {
            Sources = new[] { new ReadSource(SampleFolder.Root(), null), new ReadSource(Damaged(), null), new ReadSource(Path.Combine(_folder.FullName, "missing"), null) },
            Search = new TraceSearch { Recurse = true },
            Ids = new[] { "*", "no-such-session" },
            Options = new ReadOptions { IncludeAbandoned = includeAbandoned, AllBranches = allBranches },
        };

        var events = request.Events(CancellationToken.None).ToArray();
        var back = RoundTrip(events);

        Assert.Equal(events.Select(Describe), back.Select(Describe));
        var records = events.OfType<ReadStep>().Select(s => s.Progress.Result.Record).OfType<RolloutRecord>().ToArray();
        // Every format, and what the pipe has to carry beyond plain text: images, tool calls, costs, usage the
        // messages do not list, source_meta of every kind, problems with lines, and sessions never found.
        Assert.Equal(SampleFolder.Formats.Values.Order(), records.Select(r => r.Format).Distinct().Order());
        var messages = records.SelectMany(r => r.Messages).ToArray();
        Assert.Contains(messages, m => m.Content.Any(b => b.Type == ContentBlockType.Image));
        Assert.Contains(messages, m => m.ToolCalls.Count > 0 && m.ToolDuration is null);
        Assert.Contains(messages, m => m.CostUsd > 0 && m.Usage is not null);
        Assert.Contains(records, r => r.UnlistedResponses.Count > 0);
        Assert.Contains(records, r => r.SourceMeta.Values.Any(v => v is IReadOnlyDictionary<string, long>));
        Assert.Contains(records, r => r.SourceMeta.Values.Any(v => v is IReadOnlyList<string>));
        Assert.Contains(records, r => r.SourceMeta.Values.Any(v => v is long));
        Assert.Contains(events.OfType<ReadStep>().SelectMany(s => s.Progress.Result.Diagnostics), d => d.LineNumber == 2);
        Assert.Contains(events.OfType<ReadProblem>(), p => p.Diagnostic.ErrorId == RolloutDiagnostic.SessionNotFound);
        Assert.Contains(events.OfType<ReadStep>(), s => s.Progress.Result.IsUnrecognized);
    }

    [Theory]
    [InlineData(new[] { UsageGroup.Day, UsageGroup.Week, UsageGroup.Month, UsageGroup.Session, UsageGroup.Project, UsageGroup.Model, UsageGroup.Format })]
    [InlineData(new[] { UsageGroup.Block })]
    [InlineData(new UsageGroup[0])]
    public void Every_event_of_a_usage_report_over_every_sample_and_a_damaged_trace_comes_back_whole(UsageGroup[] groups)
    {
        var request = new UsageRequest
        {
            Sources = new[] { new ReadSource(SampleFolder.Root(), null), new ReadSource(Damaged(), null), new ReadSource(Path.Combine(_folder.FullName, "missing"), null) },
            Recurse = true,
            GroupBy = groups,
            TimeZone = Berlin,
        };

        var events = UsageRun.Events(request, CancellationToken.None).ToArray();
        var back = RoundTrip(events);

        Assert.Equal(events.Select(Describe), back.Select(Describe));
        var reads = events.OfType<ReadStep>().Select(r => r.Progress.Result).ToArray();
        Assert.Contains(reads.SelectMany(r => r.Diagnostics), d => d.LineNumber == 2 && d.ErrorId == RolloutDiagnostic.ParseError);
        Assert.Contains(reads, r => r.IsUnrecognized);
        Assert.Contains(reads, r => r.Source.Key != null);
        Assert.All(reads, r => Assert.Null(r.Record));
        var report = events.OfType<UsageDone>().Single().Report;
        Assert.Contains(report.Rows, r => r.TotalTokens > 0 && r.FirstActivity != null);
        Assert.NotEmpty(report.UnpricedModels);
        if (groups.Length > 0) Assert.Contains(report.Rows, r => r.CostUsd > 0);
        if (groups.Contains(UsageGroup.Block)) Assert.Contains(report.Rows, r => r.Block != null);
        if (groups.Contains(UsageGroup.Day)) Assert.Contains(report.Rows, r => r.Day != null && r.Week != null && r.Month != null && r.Format != null && r.Model != null && r.Project != null);
    }

    [Fact]
    public void A_problem_comes_back_with_its_severity_place_and_kind()
    {
        var problems = new ReadEvent[]
        {
            new ReadProblem(new RolloutDiagnostic(DiagnosticSeverity.Error, RolloutDiagnostic.FolderUnreadable, "/srv/tr\u00e4ces", null, "'/srv/tr\u00e4ces': permission denied") { IsAccessDenied = true }),
            new ReadProblem(new RolloutDiagnostic(DiagnosticSeverity.Note, RolloutDiagnostic.StoreReadWhole, "/srv/home", 7, "note")),
        };

        Assert.Equal(problems.Select(Describe), RoundTrip(problems).Select(Describe));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("caf\u00e9 \u65e5\u672c \U0001F600 \u0000 end")]
    [InlineData("cut inside a pair: \ud83d")]
    [InlineData("\udc00 a low surrogate alone")]
    public void A_string_comes_back_as_it_was_even_with_a_lone_surrogate(string text)
    {
        var stream = new MemoryStream();
        var writer = new WireWriter(stream);
        writer.String(text);
        writer.String(null);
        writer.String(new string('x', 200_000) + text);
        writer.Flush();
        stream.Position = 0;
        var reader = new WireReader(stream);

        Assert.Equal(text, reader.String());
        Assert.Null(reader.String());
        Assert.Equal(new string('x', 200_000) + text, reader.String());
        Assert.Null(reader.ByteOrEnd());
    }

    [Fact]
    public void What_the_reader_serves_is_what_the_run_gives()
    {
        var usage = new UsageRequest { Sources = new[] { new ReadSource(SampleFolder.Root("claude-code"), null) }, Recurse = true, GroupBy = new[] { UsageGroup.Session } };
        var read = new ReadRequest { Sources = new[] { new ReadSource(SampleFolder.Root("codex"), null) }, Search = new TraceSearch { Recurse = true } };

        var served = Serve(w => NativeWire.WriteRequest(w, usage));
        Assert.Equal(UsageRun.Events(usage, CancellationToken.None).Select(Describe), served.Select(Describe));
        Assert.True(served.Count > 3);

        served = Serve(w => NativeWire.WriteRequest(w, read));
        Assert.Equal(read.Events(CancellationToken.None).Select(Describe), served.Select(Describe));
        Assert.Contains(served, e => e is ReadStep { Progress.Result.Record: not null });
    }

    [Fact]
    public void Output_that_is_no_event_or_stops_inside_one_is_refused()
    {
        Assert.Throws<InvalidDataException>(() => NativeWire.ReadEvent(new WireReader(new MemoryStream("Segmentation fault"u8.ToArray()))));
        Assert.Throws<EndOfStreamException>(() => NativeWire.ReadEvent(new WireReader(new MemoryStream())));
        var stream = new MemoryStream();
        var writer = new WireWriter(stream);
        NativeWire.WriteEvent(writer, new ReadProblem(new RolloutDiagnostic(DiagnosticSeverity.Warning, "Id", "/p", 3, "a message")));
        writer.Flush();
        var cut = stream.ToArray()[..^4];
        Assert.Throws<EndOfStreamException>(() => NativeWire.ReadEvent(new WireReader(new MemoryStream(cut))));
    }

    /// <summary>A Codex rollout with a broken second line, and a JSONL file no format recognises.</summary>
    private string Damaged()
    {
        var damaged = Path.Combine(_folder.FullName, "damaged");
        Directory.CreateDirectory(damaged);
        File.WriteAllText(Path.Combine(damaged, "rollout-2025-11-03T09-00-00-0199a213-81c0-7800-8aa1-bbab2a035a53.jsonl"),
            "{\"timestamp\":\"2025-11-03T09:00:00.000Z\",\"type\":\"session_meta\",\"payload\":{\"id\":\"0199a213-81c0-7800-8aa1-bbab2a035a53\",\"cwd\":\"/home/dev/w\"}}\n"
            + "{\"timestamp\":\"2025-11-03T09:00:01.000Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\n"
            + "{\"timestamp\":\"2025-11-03T09:00:02.000Z\",\"type\":\"turn_context\",\"payload\":{\"model\":\"gpt-5-codex\"}}\n");
        File.WriteAllText(Path.Combine(damaged, "notes.jsonl"), "{\"hello\":1}\n");
        return damaged;
    }

    private static object RoundTrip(Action<WireWriter> write)
    {
        var stream = new MemoryStream();
        var writer = new WireWriter(stream);
        write(writer);
        writer.Flush();
        stream.Position = 0;
        var reader = new WireReader(stream);
        var back = NativeWire.ReadRequest(reader);
        Assert.Null(reader.ByteOrEnd());
        return back;
    }

    /// <summary>The events written one after another with the end mark, then read back up to it.</summary>
    private static List<ReadEvent> RoundTrip(IEnumerable<ReadEvent> events)
    {
        var stream = new MemoryStream();
        var writer = new WireWriter(stream);
        foreach (var readEvent in events) NativeWire.WriteEvent(writer, readEvent);
        NativeWire.WriteEnd(writer);
        writer.Flush();
        stream.Position = 0;
        return ReadAll(new WireReader(stream));
    }

    private static List<ReadEvent> Serve(Action<WireWriter> writeRequest)
    {
        var input = new MemoryStream();
        var writer = new WireWriter(input);
        writeRequest(writer);
        writer.Flush();
        input.Position = 0;
        var output = new MemoryStream();
        NativeReader.Serve(input, output, CancellationToken.None);
        output.Position = 0;
        return ReadAll(new WireReader(output));
    }

    private static List<ReadEvent> ReadAll(WireReader reader)
    {
        var events = new List<ReadEvent>();
        while (NativeWire.ReadEvent(reader) is { } next) events.Add(next);
        Assert.Null(reader.ByteOrEnd());
        return events;
    }

    /// <summary>
    /// Every property, public or not, of everything an event holds, all the way down, so a property added to the
    /// model and not sent fails here.
    /// </summary>
    private static string Describe(ReadEvent readEvent) => readEvent switch
    {
        ReadProblem problem => "problem " + Properties(problem.Diagnostic),
        ReadStep { Progress: var p } => $"step {p.Done}/{p.Total} {p.Result.Source.Path} {p.Result.Source.Key} {p.Result.Source.IsFile} {p.Result.SkipReason} {p.Result.IsUnrecognized} "
            + string.Join(" | ", p.Result.Diagnostics.Select(Properties)) + " " + Properties(p.Result.Record),
        UsageDone done => $"done {done.Report.DuplicateResponses} [{string.Join(",", done.Report.UnpricedModels)}] " + string.Join("\n", done.Report.Rows.Select(Properties)),
        _ => throw new ArgumentException(readEvent.GetType().Name),
    };

    private static string Properties(object? value) => value is null ? "null" : "{" + string.Join(";", value.GetType()
        .GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
        .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
        .OrderBy(p => p.Name, StringComparer.Ordinal)
        .Select(p => $"{p.Name}={Format(p.GetValue(value))}")) + "}";

    private static string Format(object? value) => value switch
    {
        null => "null",
        string text => text,
        DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        TokenUsage or RolloutMessage or ContentBlock or ToolCall or UnlistedResponse or RolloutDiagnostic => Properties(value),
        IDictionary dictionary => "{" + string.Join(",", dictionary.Keys.Cast<object>().Select(k => $"{k}:{Format(dictionary[k])}")) + "}",
        KeyValuePair<string, object> entry => $"{entry.Key}:{entry.Value.GetType().Name}:{Format(entry.Value)}",
        IEnumerable items => "[" + string.Join(",", items.Cast<object>().Select(Format)) + "]",
        _ => value.ToString()!,
    };
}
