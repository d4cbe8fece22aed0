using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Formats.Cline;

/// <summary>
/// The tool calls Cline, Roo Code and Kilo Code wrote inside the assistant's text before they used native
/// tool_use blocks: &lt;read_file&gt;&lt;path&gt;src/app.ts&lt;/path&gt;&lt;/read_file&gt;, one element per call whose children
/// are its parameters, with &lt;thinking&gt; around the model's reasoning. The tool's answer came back in the next
/// user message as a text block "[read_file for 'src/app.ts'] Result:" followed by the output.
/// </summary>
public static partial class ClineXmlTools
{
    /// <summary>The tools the three agents have offered as XML (Cline's src/core/assistant-message, Roo's and Kilo's toolNames).</summary>
    private static readonly HashSet<string> ToolNames = new(StringComparer.Ordinal)
    {
        "execute_command", "read_file", "write_to_file", "replace_in_file", "apply_diff", "insert_content", "search_and_replace",
        "search_files", "list_files", "list_code_definition_names", "codebase_search", "browser_action", "use_mcp_tool",
        "access_mcp_resource", "ask_followup_question", "attempt_completion", "plan_mode_respond", "act_mode_respond", "new_task",
        "switch_mode", "fetch_instructions", "load_mcp_documentation", "web_fetch", "web_search", "new_rule", "condense",
        "summarize_task", "report_bug", "update_todo_list", "run_slash_command", "generate_image", "edit_file", "focus_chain",
        "use_skill", "apply_patch",
    };

    /// <summary>Parameters whose value is free text that may hold tags of its own: they end at the last closing tag.</summary>
    private static readonly HashSet<string> FreeTextParameters = new(StringComparer.Ordinal) { "content", "diff", "result", "response", "question", "command", "patch" };

    /// <summary>What one assistant text held: the text outside calls and reasoning, the reasoning, and the calls.</summary>
    public sealed record Parsed(string Text, IReadOnlyList<string> Reasoning, IReadOnlyList<(string Name, string Arguments, bool Complete)> Calls);

    /// <summary>Whether the text may hold a call: quick to say no to ordinary text.</summary>
    public static bool MayHoldCalls(string text) => OpeningTag().Matches(text).Any(m => ToolNames.Contains(m.Groups[1].Value) || m.Groups[1].Value == "function_calls");

    public static Parsed Parse(string text)
    {
        var outside = new StringBuilder();
        var reasoning = new List<string>();
        var calls = new List<(string, string, bool)>();
        var position = 0;
        foreach (Match open in OpeningTag().Matches(text))
        {
            if (open.Index < position) continue;
            var name = open.Groups[1].Value;
            if (name == "function_calls")
            {
                // The Claude 4 shape Cline prompted for a while: <function_calls><invoke name="read_file">
                // <parameter name="path">…</parameter></invoke></function_calls>.
                var end = text.IndexOf("</function_calls>", open.Index, StringComparison.Ordinal);
                var blockEnd = end >= 0 ? end + "</function_calls>".Length : text.Length;
                outside.Append(text, position, open.Index - position);
                foreach (Match invoke in Invoke().Matches(text[open.Index..blockEnd]))
                {
                    calls.Add((invoke.Groups[1].Value, InvokeArguments(invoke.Groups[2].Value), invoke.Groups[3].Success));
                }
                position = blockEnd;
                continue;
            }
            if (name != "thinking" && !ToolNames.Contains(name)) continue;
            var bodyStart = open.Index + open.Length;
            var close = text.IndexOf($"</{name}>", bodyStart, StringComparison.Ordinal);
            var complete = close >= 0;
            var bodyEnd = complete ? close : text.Length;
            outside.Append(text, position, open.Index - position);
            var body = text[bodyStart..bodyEnd];
            if (name == "thinking")
            {
                if (body.Trim() is { Length: > 0 } thought) reasoning.Add(thought);
            }
            else
            {
                calls.Add((name, Arguments(body), complete));
            }
            position = complete ? close + name.Length + 3 : text.Length;
        }
        outside.Append(text, position, text.Length - position);
        return new Parsed(outside.ToString().Trim(), reasoning, calls);
    }

    /// <summary>The parameters as a JSON object of strings, in the order written; a value is trimmed of the newlines around it.</summary>
    private static string Arguments(string body) => JsonText.Write(writer =>
    {
        writer.WriteStartObject();
        var position = 0;
        while (position < body.Length)
        {
            var open = ParameterTag().Match(body, position);
            if (!open.Success) break;
            var name = open.Groups[1].Value;
            var valueStart = open.Index + open.Length;
            var closeTag = $"</{name}>";
            var close = FreeTextParameters.Contains(name)
                ? body.LastIndexOf(closeTag, StringComparison.Ordinal)
                : body.IndexOf(closeTag, valueStart, StringComparison.Ordinal);
            var valueEnd = close >= valueStart ? close : body.Length;
            writer.WriteString(name, body[valueStart..valueEnd].Trim('\r', '\n'));
            position = close >= valueStart ? close + closeTag.Length : body.Length;
        }
        writer.WriteEndObject();
    });

    private static string InvokeArguments(string body) => JsonText.Write(writer =>
    {
        writer.WriteStartObject();
        foreach (Match parameter in InvokeParameter().Matches(body)) writer.WriteString(parameter.Groups[1].Value, parameter.Groups[2].Value.Trim('\r', '\n'));
        writer.WriteEndObject();
    });

    /// <summary>A tool's answer header: the tool's name, and where the text after the header starts.</summary>
    public sealed record Header(string Tool, int End);

    /// <summary>
    /// The header of a tool's answer in the next user message, "[read_file for 'src/app.ts'] Result:" (the
    /// tool's name first), or null for any other text.
    /// </summary>
    public static Header? ResultHeader(string text)
    {
        var match = ResultLine().Match(text);
        return match.Success ? new Header(match.Groups[1].Value, match.Index + match.Length) : null;
    }

    /// <summary>
    /// The text that answers a call in place of a "[tool] Result:" header: the Claude 4 shape
    /// (&lt;function_results&gt;…&lt;/function_results&gt;, its inner text returned), or the notice that a call was
    /// not run (another tool already ran, or the person rejected an earlier one), returned whole.
    /// </summary>
    public static (string Text, bool NotRun)? OtherAnswer(string text)
    {
        if (FunctionResults().Match(text) is { Success: true } results) return (results.Groups[1].Value.Trim('\r', '\n'), false);
        return NotRunNotice().IsMatch(text) ? (text, true) : null;
    }

    [GeneratedRegex(@"<([a-z_]+)>")]
    private static partial Regex OpeningTag();

    [GeneratedRegex(@"<invoke name=""([^""]+)"">(.*?)(</invoke>|$)", RegexOptions.Singleline)]
    private static partial Regex Invoke();

    [GeneratedRegex(@"<parameter name=""([^""]+)"">(.*?)</parameter>", RegexOptions.Singleline)]
    private static partial Regex InvokeParameter();

    [GeneratedRegex(@"^\s*<function_results>(.*?)(?:</function_results>\s*)?$", RegexOptions.Singleline)]
    private static partial Regex FunctionResults();

    [GeneratedRegex(@"^\s*(?:Tool \[[a-z_]+[^\]]*\] was (?:not executed|interrupted and not executed)|Skipping tool \[[a-z_]+)")]
    private static partial Regex NotRunNotice();

    [GeneratedRegex(@"<([A-Za-z_][A-Za-z0-9_]*)>")]
    private static partial Regex ParameterTag();

    [GeneratedRegex(@"^\s*\[([a-z_]+)(?: for [^\]]*)?\] Result:")]
    private static partial Regex ResultLine();
}
