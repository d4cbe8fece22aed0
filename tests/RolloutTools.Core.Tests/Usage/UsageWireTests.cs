using System.Globalization;
using System.Reflection;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Tests.Formats;
using RolloutTools.Core.Usage;
using RolloutTools.Core.Usage.Native;

namespace RolloutTools.Core.Tests.Usage;

/// <summary>The native usage reader's pipe: every request and event comes back as it went, so its report is the one read in process.</summary>
public sealed class UsageWireTests : IDisposable
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("rollout-wire-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void A_request_comes_back_with_every_value_and_the_time_zone_s_rules()
    {
        var request = new UsageRequest
        {
            Sources = new[] { new UsageSource("/srv/traces/a b\n\"c\"", new[] { RolloutFormat.ClaudeCode, RolloutFormat.Codex }), new UsageSource(null) },
            Recurse = true,
            GroupBy = new[] { UsageGroup.Block, UsageGroup.Model },
            TimeZone = Berlin,
            Since = new DateTimeOffset(2025, 11, 3, 9, 0, 0, TimeSpan.FromHours(13)),
            Until = null,
            PricingFile = "/srv/prices.json",
            CountMessages = true,
        };

        var back = RoundTrip(request);

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

    [Theory]
    [InlineData(new[] { UsageGroup.Day, UsageGroup.Week, UsageGroup.Month, UsageGroup.Session, UsageGroup.Project, UsageGroup.Model, UsageGroup.Format })]
    [InlineData(new[] { UsageGroup.Block })]
    [InlineData(new UsageGroup[0])]
    public void Every_event_of_a_run_over_every_sample_and_a_damaged_trace_comes_back_whole(UsageGroup[] groups)
    {
        var damaged = Path.Combine(_folder.FullName, "damaged");
        Directory.CreateDirectory(damaged);
        File.WriteAllText(Path.Combine(damaged, "rollout-2025-11-03T09-00-00-0199a213-81c0-7800-8aa1-bbab2a035a53.jsonl"),
            "{\"timestamp\":\"2025-11-03T09:00:00.000Z\",\"type\":\"session_meta\",\"payload\":{\"id\":\"0199a213-81c0-7800-8aa1-bbab2a035a53\",\"cwd\":\"/home/dev/w\"}}\n"
            + "{\"timestamp\":\"2025-11-03T09:00:01.000Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\n"
            + "{\"timestamp\":\"2025-11-03T09:00:02.000Z\",\"type\":\"turn_context\",\"payload\":{\"model\":\"gpt-5-codex\"}}\n");
        File.WriteAllText(Path.Combine(damaged, "notes.jsonl"), "{\"hello\":1}\n");
        var request = new UsageRequest
        {
            Sources = new[] { new UsageSource(SampleFolder.Root(), null), new UsageSource(damaged, null), new UsageSource(Path.Combine(_folder.FullName, "missing"), null) },
            Recurse = true,
            GroupBy = groups,
            TimeZone = Berlin,
        };

        var events = UsageRun.Events(request, CancellationToken.None).ToArray();
        var back = events.Select(RoundTrip).ToArray();

        Assert.Equal(events.Select(Describe), back.Select(Describe));
        // The run met what the wire has to carry: lines named, sessions of a database, unrecognised files, costs and rows.
        var reads = events.OfType<UsageRead>().Select(r => r.Progress.Result).ToArray();
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
        var problems = new[]
        {
            new RolloutDiagnostic(DiagnosticSeverity.Error, RolloutDiagnostic.FolderUnreadable, "/srv/tr\u00e4ces", null, "'/srv/tr\u00e4ces': permission denied") { IsAccessDenied = true },
            new RolloutDiagnostic(DiagnosticSeverity.Note, RolloutDiagnostic.StoreReadWhole, "/srv/home", 7, "note"),
        };

        foreach (var problem in problems)
        {
            Assert.Equal(Describe(new UsageProblem(problem)), Describe(RoundTrip(new UsageProblem(problem))));
        }
    }

    [Fact]
    public void What_the_reader_serves_is_what_the_run_gives()
    {
        var request = new UsageRequest { Sources = new[] { new UsageSource(SampleFolder.Root("claude-code"), null) }, Recurse = true, GroupBy = new[] { UsageGroup.Session } };
        var input = new MemoryStream();
        UsageWire.WriteRequest(input, request);
        input.Position = 0;
        var output = new MemoryStream();

        NativeUsageReader.Serve(input, output, CancellationToken.None);

        var lines = new StreamReader(new MemoryStream(output.ToArray())).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(UsageRun.Events(request, CancellationToken.None).Select(Describe), lines.Select(UsageWire.ReadEvent).Select(Describe));
        Assert.True(lines.Length > 3);
    }

    [Fact]
    public void A_line_that_is_no_event_is_refused()
    {
        Assert.Throws<System.Text.Json.JsonException>(() => UsageWire.ReadEvent("{\"rows\":[]}"));
    }

    private static UsageRequest RoundTrip(UsageRequest request)
    {
        var stream = new MemoryStream();
        UsageWire.WriteRequest(stream, request);
        stream.Position = 0;
        return UsageWire.ReadRequest(stream);
    }

    private static UsageEvent RoundTrip(UsageEvent usageEvent)
    {
        var stream = new MemoryStream();
        UsageWire.WriteEvent(stream, usageEvent);
        var line = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Assert.EndsWith("\n", line);
        Assert.DoesNotContain("\n", line.TrimEnd('\n'));
        return UsageWire.ReadEvent(line);
    }

    /// <summary>Every public property, so a property added to a row or a diagnostic and not sent fails here.</summary>
    private static string Describe(UsageEvent usageEvent) => usageEvent switch
    {
        UsageProblem problem => "problem " + Properties(problem.Diagnostic),
        UsageRead { Progress: var p } => $"read {p.Done}/{p.Total} {p.Result.Source.Path} {p.Result.Source.Key} {p.Result.SkipReason} {p.Result.IsUnrecognized} {p.Result.Record is null} "
            + string.Join(" | ", p.Result.Diagnostics.Select(Properties)),
        UsageDone done => $"done {done.Report.DuplicateResponses} [{string.Join(",", done.Report.UnpricedModels)}] " + string.Join("\n", done.Report.Rows.Select(Properties)),
        _ => throw new ArgumentException(usageEvent.GetType().Name),
    };

    private static string Properties(object value) => string.Join(";", value.GetType()
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
        .OrderBy(p => p.Name, StringComparer.Ordinal)
        .Select(p => $"{p.Name}={Format(p.GetValue(value))}"));

    private static string Format(object? value) => value switch
    {
        null => "null",
        string text => text,
        DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable items => "[" + string.Join(",", items.Cast<object>().Select(Format)) + "]",
        _ => value.ToString()!,
    };
}
