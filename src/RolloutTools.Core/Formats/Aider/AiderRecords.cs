using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Aider;

/// <summary>
/// Turns one run of an aider chat history into a normalized record: "#### " input is the person's prompt (a slash
/// or "!" command is a Command), the Markdown between is the model's response, aider's "> " output is context
/// before the first input (the command line and the announcements) and synthetic messages after it, and each token
/// report becomes the usage and stated cost of the response before it. Aider also writes "#### " lines the person
/// never typed: the architect's answer handed to the editor model, and the answer it gives a question on its own.
/// </summary>
internal static class AiderRecords
{
    public const string SourceKind = "aider";

    /// <summary>
    /// The answer aider gives a question itself once the person chose All or Skip for its group (io.py confirm_ask
    /// writes "question (Y)es/(N)o/(A)ll/(S)kip all [Yes]: all" as input, since 2024-08).
    /// </summary>
    private static readonly Regex GivenAnswer = new(@"^[^\n]*\? \(Y\)es/\(N\)o[^\n]*\]: \w+$", RegexOptions.CultureInvariant);

    /// <summary>The person's yes to the architect's "Edit the files?" (architect_coder.py reply_completed).</summary>
    private static readonly Regex EditConfirmed = new(@"^Edit the files\? \(Y\)es/\(N\)o.*: y$", RegexOptions.CultureInvariant | RegexOptions.Multiline);

    private static readonly Regex MainModel = new(@"^(?:Main model|Model): (?<name>\S+) (?:with|using) ", RegexOptions.CultureInvariant);

    private static readonly Regex OtherModel = new(@"^(?<role>Weak|Editor) model: (?<name>\S+)", RegexOptions.CultureInvariant);

    private static readonly Regex Version = new(@"^Aider v(?<version>\S+)$", RegexOptions.CultureInvariant);

    /// <summary>
    /// The run's id: the history file's full path, hashed (it is stable while the file stays where it is and
    /// names no folder), with the run's start as written; a second run started in the same second gets "-2".
    /// </summary>
    public static string TraceId(string path, AiderRun run, int occurrence)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..12].ToLowerInvariant();
        var id = $"aider-{hash}-{run.StartedAt.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture)}";
        return occurrence > 1 ? $"{id}-{occurrence}" : id;
    }

    public static RolloutRecord Build(AiderRun run, string traceId, string path, string? folder)
    {
        var conversation = new ConversationBuilder();
        var counts = new Counts();
        var models = new List<string>();
        string? model = null;
        ConversationBuilder.AssistantTurn? awaitingReport = null;
        var typed = false;
        // The architect's answer, until the next input: the editor gets it as its prompt (coder.run(with_message)
        // echoes it as "#### " lines), after a confirmed "Edit the files?" or, as by default, without asking.
        string? lastAnswer = null;
        var editConfirmed = false;
        var editorAnswers = false;
        foreach (var entry in run.Entries)
        {
            switch (entry.Kind)
            {
                case AiderEntryKind.Input:
                    if (entry.Text.Length == 0)
                    {
                        counts.BlankInputs++;
                        break;
                    }
                    if (GivenAnswer.IsMatch(entry.Text))
                    {
                        conversation.AddMessage(MessageRole.Assistant, MessageKind.Synthetic, Text(entry.Text), null);
                        break;
                    }
                    typed = true;
                    editorAnswers = editConfirmed || (lastAnswer is not null && Normalized(entry.Text) == lastAnswer);
                    conversation.AddMessage(MessageRole.User, editorAnswers ? MessageKind.AgentMessage : InputKind(entry.Text), Text(entry.Text), null);
                    lastAnswer = null;
                    editConfirmed = false;
                    break;
                case AiderEntryKind.Output:
                    foreach (var line in entry.Text.Split('\n')) Announcement(line, counts, ref model, models);
                    editConfirmed |= lastAnswer is not null && EditConfirmed.IsMatch(entry.Text);
                    if (entry.Text.Length == 0) break;
                    conversation.AddMessage(typed ? MessageRole.Assistant : MessageRole.System, typed ? MessageKind.Synthetic : MessageKind.Context, Text(entry.Text), null);
                    break;
                case AiderEntryKind.Report:
                    counts.Reports++;
                    counts.Rounded |= entry.Report!.IsRounded;
                    counts.SessionCost = entry.Report.SessionCost ?? counts.SessionCost;
                    if (awaitingReport is null)
                    {
                        // A report with no response before it to carry it: shown as aider's output rather than lost.
                        counts.UnattachedReports++;
                        conversation.AddMessage(MessageRole.Assistant, MessageKind.Synthetic, Text(entry.Text), null);
                        break;
                    }
                    awaitingReport.SetUsage(entry.Report.Usage, entry.Report.MessageCost);
                    awaitingReport = null;
                    break;
                case AiderEntryKind.Response:
                    var answer = AiderAnswer.Split(entry.Text);
                    var answeredBy = editorAnswers ? counts.EditorModel ?? model : model;
                    if (answeredBy is not null && !models.Contains(answeredBy)) models.Add(answeredBy);
                    awaitingReport = conversation.StartAssistant(null, answeredBy);
                    if (answer.Reasoning is { } reasoning) awaitingReport.AddReasoning(reasoning);
                    awaitingReport.AddContent(Text(answer.Text));
                    lastAnswer = Normalized(answer.Text);
                    editorAnswers = false;
                    break;
            }
        }
        var messages = conversation.Build();

        var meta = new SourceMeta.Builder()
            .Add("history_file", Path.GetFileName(path))
            .Add("run_line", run.Line)
            .Add("started_at_as_written", run.StartedAtText)
            .Add("time_zone", "aider writes its local time without a zone; StartedAt reads it in this machine's zone")
            .Add("aider_version", counts.Version)
            .Add("weak_model", counts.WeakModel)
            .Add("editor_model", counts.EditorModel)
            .Add("usage_reports", counts.Reports)
            .Add("unattached_usage_reports", counts.UnattachedReports)
            .Add("token_counts", counts.Rounded ? "rounded as aider prints them (2.1k, 12k)" : null)
            .Add("blank_inputs", counts.BlankInputs);
        if (counts.SessionCost is { } sessionCost) meta.Add("session_cost_usd", (double)sessionCost);

        return new RolloutRecord
        {
            TraceId = traceId,
            Format = RolloutFormat.Aider,
            SourceKind = SourceKind,
            SourcePath = path,
            RootSessionId = traceId,
            Cwd = folder,
            ProjectPath = folder,
            StartedAt = new DateTimeOffset(run.StartedAt, TimeZoneInfo.Local.GetUtcOffset(run.StartedAt)),
            Title = Titles.Clean(messages.FirstOrDefault(m => m.Kind == MessageKind.Prompt)?.Text),
            Models = models,
            Messages = messages,
            SourceMeta = meta.Build(),
            Usage = conversation.Usage,
            UnlistedResponses = conversation.Unlisted,
        };
    }

    /// <summary>
    /// A slash or shell command is a Command, even /ask, /code, /architect and /context with words: aider runs
    /// them through coder.run(words), which writes the words again as an input of their own, the prompt.
    /// </summary>
    private static MessageKind InputKind(string text) =>
        text.StartsWith('!') || text.StartsWith('/') ? MessageKind.Command : MessageKind.Prompt;

    /// <summary>Text compared without the trailing spaces aider strips when it writes an answer or an input.</summary>
    private static string Normalized(string text) => string.Join("\n", text.Trim().Split('\n').Select(l => l.TrimEnd()));

    /// <summary>What one line of aider's output says about the run: the model (its announcements, repeated after /model), the version.</summary>
    private static void Announcement(string line, Counts counts, ref string? model, List<string> models)
    {
        if (MainModel.Match(line) is { Success: true } main)
        {
            model = main.Groups["name"].Value;
            if (!models.Contains(model)) models.Add(model);
        }
        else if (OtherModel.Match(line) is { Success: true } other)
        {
            if (other.Groups["role"].Value == "Weak") counts.WeakModel = other.Groups["name"].Value;
            else counts.EditorModel = other.Groups["name"].Value;
        }
        else if (Version.Match(line) is { Success: true } version)
        {
            counts.Version ??= version.Groups["version"].Value;
        }
    }

    private static ContentBlock[] Text(string text) => new[] { ContentBlock.FromText(text) };

    private sealed class Counts
    {
        public int Reports;
        public int UnattachedReports;
        public int BlankInputs;
        public bool Rounded;
        public decimal? SessionCost;
        public string? Version;
        public string? WeakModel;
        public string? EditorModel;
    }
}
