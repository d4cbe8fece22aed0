using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Atif;

/// <summary>What reading one ATIF file gave: its records (the trajectory, then any embedded subagents), or none.</summary>
public sealed record AtifRead(IReadOnlyList<RolloutRecord> Records, string? SkipReason);

/// <summary>
/// Reads one ATIF trajectory file into records: the trajectory itself (with its continuation files when
/// stitching), then each subagent trajectory embedded in it (v1.7 subagent_trajectories). Links to other
/// files (what it continues or is continued by, the trajectory that delegated to it) come from
/// <see cref="AtifLinks"/>; nothing here depends on how the module finds or schedules files.
/// </summary>
public static partial class AtifSession
{
    public const string SourceKind = "atif";

    /// <param name="displayPath">The file, or the name text from the pipeline is shown under.</param>
    /// <param name="open">Opens the content; for a file, <paramref name="isFile"/> is true and linked files are looked up beside it.</param>
    /// <param name="stitch">Read a trajectory and its continuation files as one record.</param>
    /// <param name="readInRun">Whether a file is read in the same run: a continuation whose first file is, is left to it.</param>
    public static AtifRead Read(string displayPath, bool isFile, Func<Stream> open, AtifLinks links, bool stitch, Func<string, bool> readInRun, DiagnosticList diagnostics)
    {
        var path = isFile ? Path.GetFullPath(displayPath) : displayPath;
        if (isFile && stitch && links.Continues(path) is not null && links.ChainHead(path) is var head && head != path)
        {
            if (readInRun(head)) return new AtifRead(Array.Empty<RolloutRecord>(), $"it continues '{head}', read with it as one record (-StitchContinuations)");
            // Named without the file it continues: the whole chain is read, from its first file.
            return ReadChain(head, displayPath, () => FileKinds.OpenRead(head), links, stitch, diagnostics);
        }
        return ReadChain(path, displayPath, open, links, stitch && isFile, diagnostics, isFile);
    }

    private static AtifRead ReadChain(string path, string displayPath, Func<Stream> open, AtifLinks links, bool stitch, DiagnosticList diagnostics, bool isFile = true)
    {
        var folder = isFile ? Path.GetDirectoryName(path) : null;
        JsonTextDocument? document;
        using (var stream = open())
        {
            document = JsonDocumentReader.Read(stream, diagnostics);
        }
        if (document is null) return new AtifRead(Array.Empty<RolloutRecord>(), null);
        using var first = document;
        var root = first.Root;
        var meta = AtifMeta.Of(root, path, isFile);
        if (meta.SchemaVersion is null && root.GetPropertyOrDefault("steps").ValueKind != JsonValueKind.Array)
        {
            diagnostics.NoRecord("the JSON object has neither schema_version nor steps: not an ATIF trajectory; no record.");
            return new AtifRead(Array.Empty<RolloutRecord>(), null);
        }

        var transcript = new AtifTranscript();
        transcript.AddSteps(root, i => first.ElementLine("steps", i), meta.AgentModel, folder, isContinuation: false, diagnostics);
        var chain = new ChainFacts(meta);
        var embedded = new List<(JsonElement Trajectory, string ParentId)>();
        CollectEmbedded(root, meta.OwnId, embedded);

        var stitchedDocuments = new List<JsonTextDocument>();
        try
        {
            if (stitch && folder is not null) Stitch(path, folder, meta, transcript, chain, stitchedDocuments, embedded, diagnostics);

            var messages = transcript.Messages();
            if (transcript.Steps == 0)
            {
                var steps = root.GetPropertyOrDefault("steps");
                diagnostics.NoRecord(
                    steps.ValueKind == JsonValueKind.Array && steps.GetArrayLength() > 0 ? "no step could be read; no record."
                    : steps.ValueKind == JsonValueKind.Array ? "the trajectory has no steps; no record."
                    : $"\"steps\" is {(steps.ValueKind == JsonValueKind.Undefined ? "missing" : steps.ValueKind.ToString())}, not a list; no record.");
                return new AtifRead(Array.Empty<RolloutRecord>(), null);
            }

            var parent = isFile ? links.SubagentOf(path) : null;
            var continues = isFile && !stitch ? links.Continues(path) : null;
            var records = new List<RolloutRecord> { BuildRecord(displayPath, meta, transcript, messages, chain, parent, continues, diagnostics) };
            var rootSession = records[0].RootSessionId;
            foreach (var (trajectory, parentId) in embedded)
            {
                records.Add(BuildEmbedded(trajectory, parentId, rootSession, displayPath, folder, diagnostics));
            }
            return new AtifRead(records, null);
        }
        finally
        {
            foreach (var stitched in stitchedDocuments) stitched.Dispose();
        }
    }

    /// <summary>Appends the continuation files, following continued_trajectory_ref from file to file.</summary>
    private static void Stitch(string path, string folder, AtifMeta meta, AtifTranscript transcript, ChainFacts chain, List<JsonTextDocument> documents, List<(JsonElement, string)> embedded, DiagnosticList diagnostics)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { path };
        var current = meta;
        var currentFolder = folder;
        while (current.ContinuedRef is { } reference)
        {
            var next = AtifLinks.Resolve(currentFolder, reference);
            if (next is null || !seen.Add(next))
            {
                if (next is not null) diagnostics.Warn(RolloutDiagnostic.ParseError, null, $"continued_trajectory_ref '{reference}' leads back to a file already read; the chain ends there.");
                break;
            }
            if (FileKinds.Of(next) != FileKind.Regular)
            {
                diagnostics.Warn(RolloutDiagnostic.FileNotFound, null, $"the continuation '{reference}' (continued_trajectory_ref) is not a file here; the record ends before it.");
                chain.MissingContinuation = next;
                break;
            }
            var nextDiagnostics = new DiagnosticList(next);
            JsonTextDocument? document;
            try
            {
                using var stream = FileKinds.OpenRead(next);
                document = JsonDocumentReader.Read(stream, nextDiagnostics);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotRegularFileException)
            {
                nextDiagnostics.Error(RolloutDiagnostic.ReadError, null, $"cannot read: {e.Message}");
                document = null;
            }
            if (document is null)
            {
                foreach (var item in nextDiagnostics.Items) diagnostics.Add(item);
                break;
            }
            documents.Add(document);
            var nextMeta = AtifMeta.Of(document.Root, next, true);
            currentFolder = Path.GetDirectoryName(next)!;
            transcript.AddSteps(document.Root, i => document.ElementLine("steps", i), nextMeta.AgentModel ?? meta.AgentModel, currentFolder, isContinuation: true, nextDiagnostics);
            foreach (var item in nextDiagnostics.Items) diagnostics.Add(item);
            CollectEmbedded(document.Root, nextMeta.OwnId, embedded);
            chain.Add(nextMeta, next, transcript.Usage);
            current = nextMeta;
        }
    }

    private static void CollectEmbedded(JsonElement trajectory, string parentId, List<(JsonElement, string)> embedded)
    {
        if (trajectory.GetPropertyOrDefault("subagent_trajectories") is not { ValueKind: JsonValueKind.Array } children) return;
        var index = 0;
        foreach (var child in children.EnumerateArray())
        {
            index++;
            if (child.ValueKind != JsonValueKind.Object) continue;
            embedded.Add((child, parentId));
            CollectEmbedded(child, child.GetIdOrNull("trajectory_id") ?? child.GetIdOrNull("session_id") ?? $"{parentId}/subagent-{index}", embedded);
        }
    }

    private static RolloutRecord BuildRecord(string displayPath, AtifMeta meta, AtifTranscript transcript, IReadOnlyList<RolloutMessage> messages, ChainFacts chain, AtifParent? parent, string? continues, DiagnosticList diagnostics)
    {
        // Harbor gives a continuation file the session_id of the file it continues; read on its own, it needs an id of its own.
        var index = meta.ContinuationIndex ?? meta.NameContinuation;
        var isContinuation = chain.Files.Count == 1 && (continues is not null || index is not null);
        var ownId = meta.TrajectoryId
            ?? (isContinuation && meta.SessionId is { } session ? $"{session}:cont-{index?.ToString(CultureInfo.InvariantCulture) ?? meta.Stem}" : meta.SessionId ?? meta.Stem);
        var rootSession = parent?.RunId ?? meta.SessionId ?? ownId;
        var sourceMeta = CommonMeta(meta, transcript, chain.FinalMetrics, chain.FinalCost, diagnostics)
            .Add("continues", continues)
            .Add("continued_trajectory_ref", chain.Files.Count == 1 ? meta.ContinuedRef : chain.LastContinuedRef)
            .Add("continued_by", chain.Files.Count == 1 && meta.ContinuedRef is not null && meta.Folder is not null ? AtifLinks.Resolve(meta.Folder, meta.ContinuedRef) : null)
            .Add("missing_continuation", chain.MissingContinuation)
            .Add("stitched_files", chain.Files.Count > 1 ? chain.Files : Array.Empty<string>())
            .Add("parent_trajectory", parent?.Path)
            .Add("parent_session_id", parent?.SessionId)
            .Build();
        return parent is null
            ? Record(displayPath, meta, transcript, messages, ownId, rootSession, agentId: null, sourceMeta, chain.FinalUsage)
            : Record(displayPath, meta, transcript, messages, $"{rootSession}:{ownId}", rootSession, ownId, sourceMeta, chain.FinalUsage);
    }

    private static RolloutRecord BuildEmbedded(JsonElement trajectory, string parentId, string rootSession, string displayPath, string? folder, DiagnosticList diagnostics)
    {
        var meta = AtifMeta.Of(trajectory, displayPath, false);
        var transcript = new AtifTranscript();
        transcript.AddSteps(trajectory, _ => null, meta.AgentModel, folder, isContinuation: false, diagnostics);
        var ownId = meta.TrajectoryId ?? meta.SessionId ?? $"{parentId}/subagent";
        var final = FinalMetrics(trajectory.GetPropertyOrDefault("final_metrics"));
        var sourceMeta = CommonMeta(meta, transcript, final.Counts, final.Cost, diagnostics).Add("embedded_in", parentId).Build();
        return Record(displayPath, meta, transcript, transcript.Messages(), $"{rootSession}:{ownId}", rootSession, ownId, sourceMeta, final.Usage);
    }

    /// <summary>
    /// The record of one trajectory, a file's or an embedded one; a subagent (with an agent id) is a sidechain.
    /// Usage is the steps' own, or <paramref name="finalUsage"/> when no step carries metrics.
    /// </summary>
    private static RolloutRecord Record(string displayPath, AtifMeta meta, AtifTranscript transcript, IReadOnlyList<RolloutMessage> messages, string traceId, string rootSession, string? agentId, SourceMeta sourceMeta, TokenUsage finalUsage) => new()
    {
        TraceId = traceId,
        Format = RolloutFormat.Atif,
        SourceKind = SourceKind,
        SourcePath = displayPath,
        RootSessionId = rootSession,
        AgentId = agentId,
        IsSidechain = agentId is not null,
        Cwd = meta.Cwd,
        ProjectPath = meta.ProjectPath ?? meta.Cwd,
        GitBranch = meta.GitBranch,
        StartedAt = transcript.First,
        EndedAt = transcript.Last,
        Title = Titles.Clean(transcript.TitleText),
        Models = Models(meta, transcript),
        Messages = messages,
        SourceMeta = sourceMeta,
        Usage = transcript.HasStepMetrics ? transcript.Usage : finalUsage,
        UnlistedResponses = transcript.UnlistedResponses,
    };

    private static SourceMeta.Builder CommonMeta(AtifMeta meta, AtifTranscript transcript, IReadOnlyDictionary<string, long> finalMetrics, decimal? finalCost, DiagnosticList diagnostics) => new SourceMeta.Builder()
        .Add("session_id", meta.SessionId)
        .Add("trajectory_id", meta.TrajectoryId)
        .Add("schema_version", meta.SchemaVersion)
        .Add("agent_name", meta.AgentName)
        .Add("agent_version", meta.AgentVersion)
        .Add("continuation_index", meta.ContinuationIndex ?? 0)
        .Add("notes", meta.Notes)
        .Add("tool_definitions", meta.ToolDefinitions)
        .Add("reasoning_efforts", transcript.ReasoningEfforts)
        .Add("step_count", transcript.Steps)
        .Add("copied_context_steps", transcript.CopiedContextSteps)
        .Add("sidechain_steps", transcript.SidechainSteps)
        .Add("claude_code_injected_parts", transcript.InjectedUserParts)
        .Add("handoff_steps", transcript.HandoffSteps)
        .Add("stitched_copies_skipped", transcript.StitchedCopiesSkipped)
        .Add("context_management", transcript.ContextManagement)
        .Add("llm_calls", transcript.LlmCalls)
        .Add("deterministic_steps", transcript.DeterministicSteps)
        .Add("reasoning_output_tokens", transcript.ReasoningTokens)
        .Add("cost_usd", transcript.HasStepCost ? Usd(transcript.StepCostUsd) : null)
        .Add("final_metrics", finalMetrics)
        .Add("final_cost_usd", finalCost is { } usd ? Usd(usd) : null)
        .Add("steps_with_token_ids", transcript.StepsWithTokenIds)
        .Add("steps_with_logprobs", transcript.StepsWithLogprobs)
        .Add("subagent_trajectory_refs", transcript.SubagentRefs.Select(r => r.ToString()))
        .Add("embedded_subagent_trajectories", meta.EmbeddedIds)
        .Add("step_wide_results", transcript.StepWideResults)
        .Add("untethered_results", transcript.UntetheredResults)
        .Add("unmatched_source_call_ids", transcript.UnmatchedCallIds)
        .Add("unanswered_tool_calls", transcript.UnansweredToolCalls)
        .Add("unknown_content_parts", transcript.UnknownContentParts)
        .Add("placeholder_messages", transcript.PlaceholderMessages)
        .Add("repeated_reasoning", transcript.RepeatedReasoning)
        .Add("skipped_steps", diagnostics.ErrorCount)
        .Add("extra_keys", meta.ExtraKeys);

    /// <summary>Dollars as written, without the trailing zeros a sum of decimals keeps ("0.00404", not "0.004040").</summary>
    private static string Usd(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    /// <summary>The models the agent steps used, in order; the agent's default when no step names one.</summary>
    private static IReadOnlyList<string> Models(AtifMeta meta, AtifTranscript transcript) =>
        transcript.Models.Count > 0 ? transcript.Models : meta.AgentModel is { } model ? new[] { model } : Array.Empty<string>();

    internal static (IReadOnlyDictionary<string, long> Counts, decimal? Cost, TokenUsage Usage) FinalMetrics(JsonElement final)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var name in new[] { "total_prompt_tokens", "total_completion_tokens", "total_cached_tokens", "total_steps" })
        {
            if (final.GetPropertyOrDefault(name) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out var value)) counts[name] = value;
        }
        var cost = final.GetPropertyOrDefault("total_cost_usd") is { ValueKind: JsonValueKind.Number } c && c.TryGetDecimal(out var usd) ? usd : (decimal?)null;
        var prompt = counts.GetValueOrDefault("total_prompt_tokens");
        var cached = counts.GetValueOrDefault("total_cached_tokens");
        var written = AtifTranscript.FirstCount(final.GetPropertyOrDefault("extra"), "total_cache_creation_input_tokens", "total_cache_write_input_tokens");
        return (counts, cost, new TokenUsage(Math.Max(0, prompt - cached), counts.GetValueOrDefault("total_completion_tokens"), cached, written));
    }

    /// <summary>
    /// Facts of the files of a stitched record: which were read, and the chain's final metrics. Harbor writes a
    /// continuation's final_metrics as the run's totals so far (every earlier file and subagent included), so a
    /// file whose total_prompt_tokens covers every step read so far replaces the totals; smaller ones, which
    /// count only their own file, are added.
    /// </summary>
    private sealed class ChainFacts
    {
        private readonly Dictionary<string, long> _final = new(StringComparer.Ordinal);

        public ChainFacts(AtifMeta first)
        {
            Files.Add(first.Path);
            var (counts, cost, usage) = AtifSession.FinalMetrics(first.Final);
            foreach (var (name, value) in counts) _final[name] = value;
            FinalCost = cost;
            FinalUsage = usage;
        }

        public List<string> Files { get; } = new();
        public IReadOnlyDictionary<string, long> FinalMetrics => _final;
        public decimal? FinalCost { get; private set; }
        public TokenUsage FinalUsage { get; private set; }
        public string? LastContinuedRef { get; private set; }
        public string? MissingContinuation { get; set; }

        /// <param name="stepsSoFar">The usage of every step read so far, this file's included.</param>
        public void Add(AtifMeta meta, string path, TokenUsage stepsSoFar)
        {
            Files.Add(path);
            LastContinuedRef = meta.ContinuedRef;
            var (counts, cost, usage) = AtifSession.FinalMetrics(meta.Final);
            var stepPrompt = stepsSoFar.InputTokens + stepsSoFar.CacheReadTokens;
            if (stepPrompt > 0 && counts.TryGetValue("total_prompt_tokens", out var prompt) && prompt >= stepPrompt)
            {
                _final.Clear();
                foreach (var (name, value) in counts) _final[name] = value;
                FinalCost = cost ?? FinalCost;
                FinalUsage = usage;
                return;
            }
            foreach (var (name, value) in counts) _final[name] = _final.GetValueOrDefault(name) + value;
            if (cost is { } usd) FinalCost = (FinalCost ?? 0) + usd;
            FinalUsage += usage;
        }
    }

    /// <summary>The root-level facts of one trajectory object.</summary>
    private sealed partial record AtifMeta(string Path, string Stem, string? Folder)
    {
        public string? SchemaVersion { get; init; }
        public string? SessionId { get; init; }
        public string? TrajectoryId { get; init; }
        public string? AgentName { get; init; }
        public string? AgentVersion { get; init; }
        public string? AgentModel { get; init; }
        public string? Cwd { get; init; }
        public string? ProjectPath { get; init; }
        public string? GitBranch { get; init; }
        public string? Notes { get; init; }
        public string? ContinuedRef { get; init; }
        public long? ContinuationIndex { get; init; }
        public long? NameContinuation { get; init; }
        public IReadOnlyList<string> ToolDefinitions { get; init; } = Array.Empty<string>();
        public IReadOnlyList<string> EmbeddedIds { get; init; } = Array.Empty<string>();
        public IReadOnlyList<string> ExtraKeys { get; init; } = Array.Empty<string>();
        public JsonElement Final { get; init; }

        /// <summary>session_id (optional from v1.7), else trajectory_id, else the file name.</summary>
        public string OwnId => TrajectoryId ?? SessionId ?? Stem;

        public static AtifMeta Of(JsonElement root, string path, bool isFile)
        {
            var agent = root.GetPropertyOrDefault("agent");
            var extra = agent.GetPropertyOrDefault("extra");
            var stem = System.IO.Path.GetFileNameWithoutExtension(path);
            var nameContinuation = ContinuationName().Match(System.IO.Path.GetFileName(path));
            return new AtifMeta(path, stem, isFile ? System.IO.Path.GetDirectoryName(path) : null)
            {
                SchemaVersion = root.GetStringOrNull("schema_version"),
                SessionId = NonEmpty(root.GetIdOrNull("session_id")),
                TrajectoryId = NonEmpty(root.GetIdOrNull("trajectory_id")),
                AgentName = agent.GetStringOrNull("name"),
                AgentVersion = agent.GetIdOrNull("version"),
                AgentModel = NonEmpty(agent.GetStringOrNull("model_name")),
                // Not in the schema: the convention DataDesigner reads (agent.extra), so exporters that know them can say;
                // Harbor's converters write Codex's session_meta (cwd, git.branch) and the set of Claude Code's
                // (cwds, git_branches), which names the session's folder only when it holds one.
                Cwd = NonEmpty(extra.GetStringOrNull("cwd")) ?? OnlyOne(extra.GetPropertyOrDefault("cwds")),
                ProjectPath = NonEmpty(extra.GetStringOrNull("project_path")),
                GitBranch = NonEmpty(extra.GetStringOrNull("git_branch")) ?? OnlyOne(extra.GetPropertyOrDefault("git_branches"))
                    ?? NonEmpty(extra.GetPropertyOrDefault("git").GetStringOrNull("branch")),
                Notes = root.GetStringOrNull("notes"),
                ContinuedRef = NonEmpty(root.GetStringOrNull("continued_trajectory_ref")),
                ContinuationIndex = extra.GetPropertyOrDefault("continuation_index") is { ValueKind: JsonValueKind.Number } index && index.TryGetInt64(out var n) ? n : null,
                NameContinuation = nameContinuation.Success ? long.Parse(nameContinuation.Groups[1].Value, CultureInfo.InvariantCulture) : null,
                ToolDefinitions = agent.GetPropertyOrDefault("tool_definitions") is { ValueKind: JsonValueKind.Array } tools
                    ? tools.EnumerateArray().Select(t => t.GetPropertyOrDefault("function").GetStringOrNull("name") ?? t.GetStringOrNull("name")).OfType<string>().ToArray()
                    : Array.Empty<string>(),
                EmbeddedIds = root.GetPropertyOrDefault("subagent_trajectories") is { ValueKind: JsonValueKind.Array } embedded
                    ? embedded.EnumerateArray().Select(e => e.GetIdOrNull("trajectory_id") ?? e.GetIdOrNull("session_id")).OfType<string>().ToArray()
                    : Array.Empty<string>(),
                ExtraKeys = root.GetPropertyOrDefault("extra") is { ValueKind: JsonValueKind.Object } rootExtra
                    ? rootExtra.EnumerateObject().Select(p => p.Name).ToArray()
                    : Array.Empty<string>(),
                Final = root.GetPropertyOrDefault("final_metrics"),
            };
        }

        private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

        private static string? OnlyOne(JsonElement list) =>
            list.ValueKind == JsonValueKind.Array && list.GetArrayLength() == 1 && list[0].ValueKind == JsonValueKind.String ? NonEmpty(list[0].GetString()) : null;

        /// <summary>Harbor names continuations trajectory.cont-1.json, trajectory.cont-2.json, ….</summary>
        [GeneratedRegex(@"\.cont-(\d{1,9})\.json$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
        private static partial Regex ContinuationName();
    }
}
