using RolloutTools.Core.Model;

namespace RolloutTools.Core.Export;

/// <summary>
/// Keeps trace text from becoming a formula when a record's CSV is opened in a spreadsheet (CSV or formula
/// injection). Following OWASP's guidance, a value that starts with =, +, -, @, TAB or CR gets a leading
/// single quote, which spreadsheets read as "this cell is text" (so a value that starts with one is left,
/// and neutralizing twice adds nothing). The test looks past leading whitespace and double quotes, because
/// importers that trim them would otherwise find the = behind them; the
/// full-width forms of the four characters are included because some spreadsheets fold them to ASCII.
/// Field separators and quotes inside a value need nothing: Export-Csv and ConvertTo-Csv quote every field
/// and double the quotes in it (that is their default; -UseQuotes Never would undo it).
/// </summary>
public static class SpreadsheetCells
{
    /// <summary>The value with a leading ' when a spreadsheet would read it as a formula; else the same instance.</summary>
    public static string Neutralize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return StartsFormula(value) ? "'" + value : value;
    }

    public static bool StartsFormula(string value)
    {
        foreach (var c in value)
        {
            if (c is '\t' or '\r') return true;
            if (char.IsWhiteSpace(c) || c == '"') continue;
            return c is '=' or '+' or '-' or '@' or '\uFF1D' or '\uFF0B' or '\uFF0D' or '\uFF20';
        }
        return false;
    }

    /// <summary>
    /// A copy of the record whose text properties, as Export-Csv writes them into cells, cannot start a
    /// formula: ids, paths, branch, title, model names, and for each message the text that starts its Text
    /// (hence also FinalAssistantMessage), its reasoning, tool name and model. Tool arguments, structured
    /// results and SourceMeta are JSON, which starts with { or [ (or a plain number) and stays valid JSON.
    /// </summary>
    public static RolloutRecord Neutralize(RolloutRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new RolloutRecord(record)
        {
            TraceId = Neutralize(record.TraceId),
            RootSessionId = Neutralize(record.RootSessionId),
            AgentId = NeutralizeOrNull(record.AgentId),
            SourcePath = NeutralizeOrNull(record.SourcePath),
            Cwd = NeutralizeOrNull(record.Cwd),
            ProjectPath = NeutralizeOrNull(record.ProjectPath),
            GitBranch = NeutralizeOrNull(record.GitBranch),
            Title = NeutralizeOrNull(record.Title),
            Models = record.Models.Select(Neutralize).ToArray(),
            Messages = record.Messages.Select(Neutralize).ToArray(),
        };
    }

    private static RolloutMessage Neutralize(RolloutMessage message)
    {
        var content = message.Content.ToArray();
        var first = Array.FindIndex(content, b => b.Type == ContentBlockType.Text && !string.IsNullOrEmpty(b.Text));
        if (first >= 0 && StartsFormula(content[first].Text!)) content[first] = ContentBlock.FromText(Neutralize(content[first].Text!));
        return new RolloutMessage(message)
        {
            Content = content,
            ReasoningContent = NeutralizeOrNull(message.ReasoningContent),
            ToolName = NeutralizeOrNull(message.ToolName),
            ToolCallId = NeutralizeOrNull(message.ToolCallId),
            Model = NeutralizeOrNull(message.Model),
        };
    }

    private static string? NeutralizeOrNull(string? value) => value is null ? null : Neutralize(value);
}
