using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Usage;

namespace RolloutTools.Core.Native;

/// <summary>
/// How requests and their events travel between this process and the native reader: the request on its standard
/// input, then each event on its standard output as soon as it happens, and an end mark after the last. Binary and
/// written value by value, so the native build needs no reflection, a record costs little more to read back than
/// its strings, and every value comes back exactly (decimals, times with their offsets, the time zone by its id).
/// </summary>
internal static class NativeWire
{
    private const byte ReadKind = 1;
    private const byte UsageKind = 2;

    private const byte EndTag = 0;
    private const byte ProblemTag = 1;
    private const byte StepTag = 2;
    private const byte UsageDoneTag = 3;

    public static void WriteRequest(WireWriter wire, ReadRequest request)
    {
        wire.Byte(ReadKind);
        WriteSources(wire, request.Sources);
        wire.Bool(request.Search.Recurse);
        wire.String(request.Search.Filter);
        wire.Bool(request.Search.FollowLinks);
        if (wire.Has(request.Search.MaxDepth)) wire.Int(request.Search.MaxDepth!.Value);
        wire.Strings(request.Ids?.ToArray());
        if (wire.Has(request.Partition))
        {
            wire.Int(request.Partition!.Index);
            wire.Int(request.Partition.Count);
        }
        wire.Bool(request.Force);
        var options = request.Options;
        WriteTime(wire, options.Since);
        WriteTime(wire, options.Until);
        wire.Int(options.DegreeOfParallelism);
        wire.Bool(options.IncludeAbandoned);
        wire.Bool(options.AllBranches);
        wire.Bool(options.StitchContinuations);
        wire.Bool(options.UsageOnly);
    }

    public static void WriteRequest(WireWriter wire, UsageRequest request)
    {
        wire.Byte(UsageKind);
        WriteSources(wire, request.Sources);
        wire.Bool(request.Recurse);
        wire.Int(request.GroupBy.Count);
        foreach (var group in request.GroupBy) wire.Int((int)group);
        wire.String(request.TimeZone.Id);
        WriteTime(wire, request.Since);
        WriteTime(wire, request.Until);
        wire.String(request.PricingFile);
        wire.Bool(request.CountMessages);
    }

    /// <summary>The request written: a <see cref="ReadRequest"/> or a <see cref="UsageRequest"/>.</summary>
    public static object ReadRequest(WireReader wire) => wire.Byte() switch
    {
        ReadKind => new ReadRequest
        {
            Sources = ReadSources(wire),
            Search = new TraceSearch { Recurse = wire.Bool(), Filter = wire.String(), FollowLinks = wire.Bool(), MaxDepth = wire.Has() ? wire.Int() : null },
            Ids = wire.Strings(),
            Partition = wire.Has() ? new SessionPartition(wire.Int(), wire.Int()) : null,
            Force = wire.Bool(),
            Options = new ReadOptions
            {
                Since = ReadTime(wire),
                Until = ReadTime(wire),
                DegreeOfParallelism = wire.Int(),
                IncludeAbandoned = wire.Bool(),
                AllBranches = wire.Bool(),
                StitchContinuations = wire.Bool(),
                UsageOnly = wire.Bool(),
            },
        },
        UsageKind => new UsageRequest
        {
            Sources = ReadSources(wire),
            Recurse = wire.Bool(),
            GroupBy = Enumerable.Range(0, wire.Count()).Select(_ => (UsageGroup)wire.Int()).ToArray(),
            TimeZone = TimeZoneInfo.TryFindSystemTimeZoneById(wire.String()!, out var zone) ? zone : TimeZoneInfo.Local,
            Since = ReadTime(wire),
            Until = ReadTime(wire),
            PricingFile = wire.String(),
            CountMessages = wire.Bool(),
        },
        var kind => throw new InvalidDataException($"No request is of kind {kind}."),
    };

    /// <summary>
    /// Whether the reader can date by this time zone: a zone of the system's time zone database, found by its id
    /// (serializing a zone's rules does not survive the trip on Linux), or the local zone, which the reader shares.
    /// </summary>
    public static bool Carries(TimeZoneInfo zone) =>
        zone.Equals(TimeZoneInfo.Local) || (TimeZoneInfo.TryFindSystemTimeZoneById(zone.Id, out var found) && found.HasSameRules(zone));

    public static void WriteEvent(WireWriter wire, ReadEvent readEvent)
    {
        switch (readEvent)
        {
            case ReadProblem problem:
                wire.Byte(ProblemTag);
                WriteDiagnostic(wire, problem.Diagnostic);
                break;
            case ReadStep { Progress: var step }:
                wire.Byte(StepTag);
                var result = step.Result;
                wire.String(result.Source.Path);
                wire.String(result.Source.Key);
                wire.String(result.SkipReason);
                wire.Bool(result.IsUnrecognized);
                wire.Int(result.Diagnostics.Count);
                foreach (var diagnostic in result.Diagnostics) WriteDiagnostic(wire, diagnostic);
                wire.Int(step.Done);
                wire.Int(step.Total);
                if (wire.Has(result.Record)) WriteRecord(wire, result.Record!);
                break;
            case UsageDone { Report: var report }:
                wire.Byte(UsageDoneTag);
                wire.Int(report.Rows.Count);
                foreach (var row in report.Rows) WriteRow(wire, row);
                wire.Int(report.DuplicateResponses);
                wire.Strings(report.UnpricedModels.ToArray());
                break;
            default:
                throw new ArgumentException($"No wire form for {readEvent.GetType().Name}.", nameof(readEvent));
        }
    }

    /// <summary>Marks the end of the events: a reader's output that stops without it stopped partway.</summary>
    public static void WriteEnd(WireWriter wire) => wire.Byte(EndTag);

    /// <summary>The next event, or null at the end mark.</summary>
    /// <exception cref="EndOfStreamException">The output stopped before the end mark.</exception>
    /// <exception cref="InvalidDataException">What was written is no event.</exception>
    public static ReadEvent? ReadEvent(WireReader wire)
    {
        var tag = wire.ByteOrEnd() ?? throw new EndOfStreamException("The native reader's output ended before its last event.");
        switch (tag)
        {
            case EndTag:
                return null;
            case ProblemTag:
                return new ReadProblem(ReadDiagnostic(wire));
            case StepTag:
                var source = TraceSource.FromFile(wire.String()!, wire.String());
                var skip = wire.String();
                var unrecognized = wire.Bool();
                var diagnostics = new RolloutDiagnostic[wire.Count()];
                for (var i = 0; i < diagnostics.Length; i++) diagnostics[i] = ReadDiagnostic(wire);
                var done = wire.Int();
                var total = wire.Int();
                var record = wire.Has() ? ReadRecord(wire) : null;
                return new ReadStep(new ReadProgress(new ReadResult(source, record, skip, diagnostics) { IsUnrecognized = unrecognized }, done, total));
            case UsageDoneTag:
                var rows = new UsageRow[wire.Count()];
                for (var i = 0; i < rows.Length; i++) rows[i] = ReadRow(wire);
                return new UsageDone(new UsageReport(rows, wire.Int(), wire.Strings()!));
            default:
                throw new InvalidDataException($"No event is tagged {tag}.");
        }
    }

    private static void WriteSources(WireWriter wire, IReadOnlyList<ReadSource> sources)
    {
        wire.Int(sources.Count);
        foreach (var source in sources)
        {
            wire.String(source.Path);
            if (!wire.Has(source.Formats)) continue;
            wire.Int(source.Formats!.Count);
            foreach (var format in source.Formats) wire.Int((int)format);
        }
    }

    private static ReadSource[] ReadSources(WireReader wire)
    {
        var sources = new ReadSource[wire.Count()];
        for (var i = 0; i < sources.Length; i++)
        {
            var path = wire.String();
            var formats = wire.Has() ? Enumerable.Range(0, wire.Count()).Select(_ => (RolloutFormat)wire.Int()).ToArray() : null;
            sources[i] = new ReadSource(path, formats);
        }
        return sources;
    }

    private static void WriteDiagnostic(WireWriter wire, RolloutDiagnostic diagnostic)
    {
        wire.Byte((byte)diagnostic.Severity);
        wire.String(diagnostic.ErrorId);
        wire.String(diagnostic.Path);
        if (wire.Has(diagnostic.LineNumber)) wire.Int(diagnostic.LineNumber!.Value);
        wire.String(diagnostic.Message);
        wire.Bool(diagnostic.IsAccessDenied);
    }

    private static RolloutDiagnostic ReadDiagnostic(WireReader wire) =>
        new((DiagnosticSeverity)wire.Byte(), wire.String()!, wire.String()!, wire.Has() ? wire.Int() : null, wire.String()!) { IsAccessDenied = wire.Bool() };

    private static void WriteRecord(WireWriter wire, RolloutRecord record)
    {
        wire.String(record.TraceId);
        wire.Int((int)record.Format);
        wire.String(record.SourceKind);
        wire.String(record.SourcePath);
        wire.String(record.RootSessionId);
        wire.String(record.AgentId);
        wire.Bool(record.IsSidechain);
        wire.String(record.Cwd);
        wire.String(record.ProjectPath);
        wire.String(record.GitBranch);
        WriteTime(wire, record.StartedAt);
        WriteTime(wire, record.EndedAt);
        wire.String(record.Title);
        wire.Strings(record.Models);
        wire.Int(record.Messages.Count);
        foreach (var message in record.Messages) WriteMessage(wire, message);
        WriteMeta(wire, record.SourceMeta);
        WriteUsage(wire, record.Usage);
        wire.Int(record.UnlistedResponses.Count);
        foreach (var response in record.UnlistedResponses)
        {
            wire.String(response.ResponseId);
            WriteTime(wire, response.Timestamp);
            wire.String(response.Model);
            WriteUsage(wire, response.Usage);
            if (wire.Has(response.CostUsd)) wire.Decimal(response.CostUsd!.Value);
        }
        wire.Bool(record.ListsResponsesOnly);
    }

    private static RolloutRecord ReadRecord(WireReader wire)
    {
        var record = new RolloutRecord
        {
            TraceId = wire.String()!,
            Format = (RolloutFormat)wire.Int(),
            SourceKind = wire.String()!,
            SourcePath = wire.String(),
            RootSessionId = wire.String()!,
            AgentId = wire.String(),
            IsSidechain = wire.Bool(),
            Cwd = wire.String(),
            ProjectPath = wire.String(),
            GitBranch = wire.String(),
            StartedAt = ReadTime(wire),
            EndedAt = ReadTime(wire),
            Title = wire.String(),
            Models = wire.Strings()!,
            Messages = ReadMessages(wire),
            SourceMeta = ReadMeta(wire),
            Usage = ReadUsage(wire),
            UnlistedResponses = ReadUnlisted(wire),
            ListsResponsesOnly = wire.Bool(),
        };
        return record;
    }

    private static UnlistedResponse[] ReadUnlisted(WireReader wire)
    {
        var responses = new UnlistedResponse[wire.Count()];
        for (var i = 0; i < responses.Length; i++)
        {
            responses[i] = new UnlistedResponse(wire.String(), ReadTime(wire), wire.String(), ReadUsage(wire), wire.Has() ? wire.Decimal() : null);
        }
        return responses;
    }

    private static void WriteMessage(WireWriter wire, RolloutMessage message)
    {
        wire.Byte((byte)message.Role);
        wire.Byte((byte)message.Kind);
        wire.Int(message.Content.Count);
        foreach (var block in message.Content)
        {
            wire.Byte((byte)block.Type);
            wire.String(block.Text);
            wire.String(block.MediaType);
            wire.String(block.Data);
            wire.String(block.Url);
        }
        wire.String(message.ReasoningContent);
        wire.Int(message.ToolCalls.Count);
        foreach (var call in message.ToolCalls)
        {
            wire.String(call.Id);
            wire.String(call.Name);
            wire.String(call.Arguments);
        }
        wire.String(message.ToolCallId);
        wire.String(message.ToolName);
        if (wire.Has(message.IsError)) wire.Bool(message.IsError!.Value);
        wire.String(message.StructuredResult);
        if (wire.Has(message.ExitCode)) wire.Int(message.ExitCode!.Value);
        if (wire.Has(message.ToolDuration)) wire.Long(message.ToolDuration!.Value.Ticks);
        WriteTime(wire, message.Timestamp);
        wire.String(message.Model);
        if (wire.Has(message.Usage)) WriteUsage(wire, message.Usage!.Value);
        wire.String(message.ResponseId);
        if (wire.Has(message.CostUsd)) wire.Decimal(message.CostUsd!.Value);
        wire.Bool(message.IsAbandoned);
    }

    private static RolloutMessage[] ReadMessages(WireReader wire)
    {
        var messages = new RolloutMessage[wire.Count()];
        for (var i = 0; i < messages.Length; i++)
        {
            messages[i] = new RolloutMessage
            {
                Role = (MessageRole)wire.Byte(),
                Kind = (MessageKind)wire.Byte(),
                Content = ReadContent(wire),
                ReasoningContent = wire.String(),
                ToolCalls = ReadToolCalls(wire),
                ToolCallId = wire.String(),
                ToolName = wire.String(),
                IsError = wire.Has() ? wire.Bool() : null,
                StructuredResult = wire.String(),
                ExitCode = wire.Has() ? wire.Int() : null,
                ToolDuration = wire.Has() ? new TimeSpan(wire.Long()) : null,
                Timestamp = ReadTime(wire),
                Model = wire.String(),
                Usage = wire.Has() ? ReadUsage(wire) : null,
                ResponseId = wire.String(),
                CostUsd = wire.Has() ? wire.Decimal() : null,
                IsAbandoned = wire.Bool(),
            };
        }
        return messages;
    }

    private static ContentBlock[] ReadContent(WireReader wire)
    {
        var blocks = new ContentBlock[wire.Count()];
        for (var i = 0; i < blocks.Length; i++) blocks[i] = ContentBlock.Of((ContentBlockType)wire.Byte(), wire.String(), wire.String(), wire.String(), wire.String());
        return blocks;
    }

    private static ToolCall[] ReadToolCalls(WireReader wire)
    {
        var calls = new ToolCall[wire.Count()];
        for (var i = 0; i < calls.Length; i++) calls[i] = new ToolCall(wire.String()!, wire.String()!, wire.String()!);
        return calls;
    }

    private const byte MetaText = 1;
    private const byte MetaLong = 2;
    private const byte MetaDouble = 3;
    private const byte MetaTrue = 4;
    private const byte MetaNames = 5;
    private const byte MetaCounts = 6;

    private static void WriteMeta(WireWriter wire, SourceMeta meta)
    {
        wire.Int(meta.Count);
        foreach (var (key, value) in meta)
        {
            wire.String(key);
            switch (value)
            {
                case string text:
                    wire.Byte(MetaText);
                    wire.String(text);
                    break;
                case long number:
                    wire.Byte(MetaLong);
                    wire.Long(number);
                    break;
                case double number:
                    wire.Byte(MetaDouble);
                    wire.Double(number);
                    break;
                case bool:
                    wire.Byte(MetaTrue);
                    break;
                case IReadOnlyList<string> names:
                    wire.Byte(MetaNames);
                    wire.Strings(names);
                    break;
                case IReadOnlyDictionary<string, long> counts:
                    wire.Byte(MetaCounts);
                    wire.Int(counts.Count);
                    foreach (var (name, count) in counts)
                    {
                        wire.String(name);
                        wire.Long(count);
                    }
                    break;
                default:
                    throw new ArgumentException($"No wire form for source_meta '{key}', a {value.GetType().Name}.", nameof(meta));
            }
        }
    }

    /// <summary>Built as the readers build it, so each value is of the type they give and passes the builder's rules again.</summary>
    private static SourceMeta ReadMeta(WireReader wire)
    {
        var count = wire.Count();
        if (count == 0) return SourceMeta.Empty;
        var meta = new SourceMeta.Builder();
        for (var i = 0; i < count; i++)
        {
            var key = wire.String()!;
            switch (wire.Byte())
            {
                case MetaText: meta.Add(key, wire.String()); break;
                case MetaLong: meta.Add(key, wire.Long()); break;
                case MetaDouble: meta.Add(key, wire.Double()); break;
                case MetaTrue: meta.Add(key, true); break;
                case MetaNames: meta.Add(key, wire.Strings()!); break;
                case MetaCounts:
                    var counts = new Dictionary<string, long>(StringComparer.Ordinal);
                    for (var n = wire.Count(); n > 0; n--) counts[wire.String()!] = wire.Long();
                    meta.Add(key, counts);
                    break;
                case var tag: throw new InvalidDataException($"No source_meta value is tagged {tag}.");
            }
        }
        return meta.Build();
    }

    private static void WriteUsage(WireWriter wire, TokenUsage usage)
    {
        wire.Long(usage.InputTokens);
        wire.Long(usage.OutputTokens);
        wire.Long(usage.CacheReadTokens);
        wire.Long(usage.CacheWriteTokens);
        wire.Long(usage.CacheWrite1hTokens);
    }

    private static TokenUsage ReadUsage(WireReader wire) =>
        new(wire.Long(), wire.Long(), wire.Long(), wire.Long()) { CacheWrite1hTokens = wire.Long() };

    private static void WriteRow(WireWriter wire, UsageRow row)
    {
        WriteDay(wire, row.Day);
        WriteDay(wire, row.Week);
        WriteDay(wire, row.Month);
        wire.String(row.Session);
        wire.String(row.Project);
        wire.String(row.Model);
        if (wire.Has(row.Format)) wire.Int((int)row.Format!.Value);
        WriteTime(wire, row.Block);
        wire.Int(row.Sessions);
        if (wire.Has(row.Messages)) wire.Long(row.Messages!.Value);
        if (wire.Has(row.ToolCalls)) wire.Long(row.ToolCalls!.Value);
        wire.Long(row.Responses);
        wire.Long(row.InputTokens);
        wire.Long(row.OutputTokens);
        wire.Long(row.CacheReadTokens);
        wire.Long(row.CacheWriteTokens);
        if (wire.Has(row.CostUsd)) wire.Decimal(row.CostUsd!.Value);
        wire.String(row.CostSource);
        wire.Strings(row.Models);
        WriteTime(wire, row.FirstActivity);
        WriteTime(wire, row.LastActivity);
    }

    private static UsageRow ReadRow(WireReader wire) => new()
    {
        Day = ReadDay(wire),
        Week = ReadDay(wire),
        Month = ReadDay(wire),
        Session = wire.String(),
        Project = wire.String(),
        Model = wire.String(),
        Format = wire.Has() ? (RolloutFormat)wire.Int() : null,
        Block = ReadTime(wire),
        Sessions = wire.Int(),
        Messages = wire.Has() ? wire.Long() : null,
        ToolCalls = wire.Has() ? wire.Long() : null,
        Responses = wire.Long(),
        InputTokens = wire.Long(),
        OutputTokens = wire.Long(),
        CacheReadTokens = wire.Long(),
        CacheWriteTokens = wire.Long(),
        CostUsd = wire.Has() ? wire.Decimal() : null,
        CostSource = wire.String()!,
        Models = wire.Strings()!,
        FirstActivity = ReadTime(wire),
        LastActivity = ReadTime(wire),
    };

    private static void WriteTime(WireWriter wire, DateTimeOffset? time)
    {
        if (wire.Has(time)) wire.Time(time!.Value);
    }

    private static DateTimeOffset? ReadTime(WireReader wire) => wire.Has() ? wire.Time() : null;

    private static void WriteDay(WireWriter wire, DateOnly? day)
    {
        if (wire.Has(day)) wire.Int(day!.Value.DayNumber);
    }

    private static DateOnly? ReadDay(WireReader wire) => wire.Has() ? DateOnly.FromDayNumber(wire.Int()) : null;
}
