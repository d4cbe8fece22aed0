using System.Text;
using System.Text.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Export;

/// <summary>
/// What a transcript shows of one tool call besides its name: a one-line preview of its arguments (the command,
/// the pattern, the file) and, for an edit, a diff. Both are found by the arguments' shape rather than the tool's
/// name, since every agent names the same tools differently (Claude Code's Bash and Edit, Codex's shell,
/// exec_command and apply_patch, Gemini CLI's run_shell_command and replace, Pi's bash and edit, Hermes'
/// terminal, Cline's execute_command and replace_in_file, the Cline SDK's run_commands and editor, Cursor's Shell
/// and StrReplace) but they share a few argument names. Both are plain text; each renderer escapes them.
/// </summary>
internal sealed record TranscriptToolCall(string? Preview, string? Diff)
{
    private const int MaxPreviewLength = 160;
    private const string PatchStart = "*** Begin Patch";

    /// <summary>Characters a POSIX shell splits on, expands or treats as syntax: an argument holding one is quoted in a preview.</summary>
    private const string ShellSpecial = " \t\n'\"\\$`;&|<>()*?[]#~!{}";

    /// <summary>
    /// Argument names whose value previews the call, best first: commands, then patterns, then files, then what a
    /// subagent is asked (Claude Code's Task, Gemini CLI's objective, Hermes' goal, ATIF's task, Codex's message),
    /// code run in a notebook, a plan or to-do list, and what attempt_completion reports. The plural ones are the
    /// Cline SDK's batches (run_commands, search_codebase, read_files, fetch_web_content): lists of whole items.
    /// Continue's built-in tools name a file filepath and a folder dirPath (ls) or directory_path (view_subdirectory).
    /// Grok CLI's file tools (read_file, edit_file) name it target_file.
    /// Zed's subagent tool names its sub-agent's task task_prompt.
    /// Antigravity's tools name theirs in PascalCase: run_command's CommandLine, grep_search's Query, view_file's
    /// AbsolutePath, the edit tools' TargetFile, list_dir's DirectoryPath, open_browser_url's Url.
    /// Kiro CLI's and Amazon Q Developer CLI's fs_read takes a batch of operations, each naming its path.
    /// </summary>
    private static readonly string[] PreviewKeys =
    {
        "command", "cmd", "commands", "pattern", "regex", "query", "queries", "file_path", "filePath", "absolute_path", "notebook_path", "path",
        "files", "file_paths", "paths", "dir_path", "url", "requests", "description", "prompt", "objective", "goal", "task", "message", "code",
        "plan", "todos", "result", "filepath", "dirPath", "directory_path", "target_file",
        "plan", "todos", "result", "filepath", "dirPath", "directory_path", "task_prompt",
        "CommandLine", "Query", "AbsolutePath", "TargetFile", "DirectoryPath", "SearchPath", "Url",
        "operations",
    };

    /// <summary>The keys whose array lists whole items (commands, queries, files), never one command's argument vector.</summary>
    private static readonly string[] BatchKeys = { "commands", "queries", "files", "file_paths", "paths", "requests", "operations" };

    /// <summary>The text editor tool's commands (Anthropic's, and Copilot CLI's str_replace_editor): its command alone says little without the file.</summary>
    private static readonly string[] EditorCommands = { "view", "create", "str_replace", "insert", "undo_edit" };

    /// <summary>
    /// What a list item says: a to-do's content (Claude Code, Cursor, OpenCode), a plan step (Codex's update_plan), a
    /// description (Gemini CLI's write_todos), a file, page or command of a Cline SDK batch.
    /// </summary>
    private static readonly string[] ItemKeys = { "content", "step", "description", "text", "title", "path", "url", "command" };

    /// <summary>The names one edit's old and new text go by: Claude Code, Gemini CLI and Cursor; OpenCode; Pi; Anthropic's text editor tool; the Cline SDK's editor; Antigravity's replace_file_content.</summary>
    private static readonly (string Old, string New)[] EditKeys =
    {
        ("old_string", "new_string"), ("oldString", "newString"), ("oldText", "newText"), ("old_str", "new_str"), ("old_text", "new_text"),
        ("TargetContent", "ReplacementContent"),
    };

    /// <summary>The names a list of edits goes by: MultiEdit's and Pi's edits, Antigravity's multi_replace_file_content ReplacementChunks.</summary>
    private static readonly string[] EditListKeys = { "edits", "ReplacementChunks" };

    /// <summary>The names a new file's content goes by (Write and write_file; the text editor tool's create; Antigravity's write_to_file).</summary>
    private static readonly string[] ContentKeys = { "content", "file_text", "CodeContent" };

    /// <summary>Shells that take their script after one flag: ["bash", "-lc", "pytest -q"] previews as "pytest -q".</summary>
    private static readonly string[] Shells = { "bash", "sh", "zsh", "powershell", "powershell.exe", "pwsh", "pwsh.exe", "cmd", "cmd.exe" };

    private static readonly TranscriptToolCall None = new(null, null);

    public static TranscriptToolCall Of(ToolCall call)
    {
        var arguments = call.Arguments;
        // Codex's freeform apply_patch (a custom_tool_call) carries the patch itself, not JSON.
        if (arguments.TrimStart().StartsWith(PatchStart, StringComparison.Ordinal)) return FromPatch(arguments);
        try
        {
            using var document = JsonDocument.Parse(arguments);
            return document.RootElement.ValueKind == JsonValueKind.Object ? FromObject(call.Name, document.RootElement) : None;
        }
        catch (JsonException)
        {
            return None;
        }
    }

    private static TranscriptToolCall FromObject(string name, JsonElement arguments)
    {
        var patch = Patch(arguments);
        if (patch is not null) return FromPatch(patch);
        var preview = PreviewOf(arguments);
        return new(preview, EditDiff(name, arguments));
    }

    private static TranscriptToolCall FromPatch(string patch)
    {
        var text = TranscriptText.Clean(patch).Trim('\n');
        var files = text.Split('\n')
            .Select(l => FileOfPatchLine(l))
            .Where(f => f is not null)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return new(files.Length == 0 ? null : Cut(string.Join(", ", files)), text + "\n");
    }

    /// <summary>"src/a.py" for "*** Update File: src/a.py" (and Add, Delete; "*** Move to:" names the new path).</summary>
    private static string? FileOfPatchLine(string line)
    {
        foreach (var marker in new[] { "*** Update File: ", "*** Add File: ", "*** Delete File: ", "*** Move to: " })
        {
            if (line.StartsWith(marker, StringComparison.Ordinal)) return line[marker.Length..].Trim();
        }
        return null;
    }

    /// <summary>A patch in the arguments: apply_patch's input or patch, or Codex's shell running ["apply_patch", patch].</summary>
    private static string? Patch(JsonElement arguments)
    {
        foreach (var key in new[] { "input", "patch" })
        {
            if (String(arguments, key) is { } text && text.TrimStart().StartsWith(PatchStart, StringComparison.Ordinal)) return text;
        }
        if (arguments.TryGetProperty("command", out var command) && command.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in command.EnumerateArray())
            {
                if (part.ValueKind == JsonValueKind.String && part.GetString()!.TrimStart().StartsWith(PatchStart, StringComparison.Ordinal)) return part.GetString();
            }
        }
        return null;
    }

    private static string? PreviewOf(JsonElement arguments)
    {
        if (String(arguments, "command") is { } command && Array.IndexOf(EditorCommands, command) >= 0 && String(arguments, "path") is { } file)
        {
            return Cut(command + " " + file);
        }
        foreach (var key in PreviewKeys)
        {
            if (!arguments.TryGetProperty(key, out var value)) continue;
            var text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Array when Array.IndexOf(BatchKeys, key) >= 0 => Batch(value),
                JsonValueKind.Array => CommandLine(value),
                JsonValueKind.Object => ItemText(value),
                _ => null,
            };
            if (!string.IsNullOrWhiteSpace(text)) return Cut(text);
        }
        return null;
    }

    /// <summary>
    /// An array as one line: a shell's script alone, other argument vectors joined by spaces (an argument that a
    /// shell would split or expand quoted, so the line reads as it would be typed), a list of to-dos or plan steps
    /// as their texts joined by "; ".
    /// </summary>
    private static string? CommandLine(JsonElement vector)
    {
        var items = vector.EnumerateArray().Select(ItemText).Where(t => !string.IsNullOrWhiteSpace(t)).ToArray();
        if (items.Length > 0) return string.Join("; ", items);
        var parts = vector.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()!).ToArray();
        var shell = parts.Length == 3 && Array.IndexOf(Shells, Path.GetFileName(parts[0]).ToLowerInvariant()) >= 0;
        if (shell && (parts[1].StartsWith('-') || parts[1] is "/c" or "/C")) return parts[2];
        return parts.Length == 0 ? null : string.Join(' ', parts.Select(Quote));
    }

    /// <summary>A batch as its items' texts joined by "; ": strings as they are, objects by what they say.</summary>
    private static string? Batch(JsonElement items)
    {
        var texts = items.EnumerateArray()
            .Select(item => item.ValueKind == JsonValueKind.String ? item.GetString() : ItemText(item))
            .Where(t => !string.IsNullOrWhiteSpace(t))
            .ToArray();
        return texts.Length == 0 ? null : string.Join("; ", texts);
    }

    private static string? ItemText(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object) return null;
        foreach (var key in ItemKeys)
        {
            if (String(item, key) is { } text) return text;
        }
        return null;
    }

    /// <summary>One argument as a POSIX shell would need it typed: as it is when nothing in it is special, else in single quotes, or double quotes when it holds a single quote.</summary>
    private static string Quote(string part)
    {
        if (part.Length > 0 && part.AsSpan().IndexOfAny(ShellSpecial) < 0) return part;
        if (!part.Contains('\'')) return "'" + part + "'";
        var escaped = new StringBuilder(part.Length + 8).Append('"');
        foreach (var c in part)
        {
            if (c is '"' or '\\' or '$' or '`') escaped.Append('\\');
            escaped.Append(c);
        }
        return escaped.Append('"').ToString();
    }

    private static string Cut(string text)
    {
        var line = TranscriptText.OneLine(text);
        if (line.Length <= MaxPreviewLength) return line;
        var cut = char.IsHighSurrogate(line[MaxPreviewLength - 1]) ? MaxPreviewLength - 1 : MaxPreviewLength;
        return line[..cut] + "…";
    }

    /// <summary>
    /// The diff of an edit: one old and new text, a list of them (MultiEdit's, Pi's, Antigravity's), SEARCH/REPLACE blocks
    /// (Cline's replace_in_file, Roo Code's apply_diff), or a new file's content from a tool that writes files.
    /// </summary>
    private static string? EditDiff(string name, JsonElement arguments)
    {
        var output = new StringBuilder();
        if (AppendEdit(output, arguments)) return output.ToString();
        if (EditListKeys.Select(key => arguments.TryGetProperty(key, out var list) ? list : default).FirstOrDefault(list => list.ValueKind == JsonValueKind.Array) is { ValueKind: JsonValueKind.Array } edits)
        {
            foreach (var edit in edits.EnumerateArray())
            {
                if (edit.ValueKind != JsonValueKind.Object) continue;
                if (output.Length > 0) output.Append("@@\n");
                AppendEdit(output, edit);
            }
            return output.Length > 0 ? output.ToString() : null;
        }
        if ((String(arguments, "diff") ?? String(arguments, "content")) is { } blocks && blocks.Contains("<<<<<<< SEARCH", StringComparison.Ordinal))
        {
            return SearchReplace(blocks);
        }
        var writes = name.Contains("write", StringComparison.OrdinalIgnoreCase) || name.Contains("create", StringComparison.OrdinalIgnoreCase)
            || String(arguments, "command") == "create";
        if (!writes) return null;
        foreach (var key in ContentKeys)
        {
            if (String(arguments, key) is { } content)
            {
                LineDiff.AppendAdded(output, content);
                return output.ToString();
            }
        }
        return null;
    }

    private static bool AppendEdit(StringBuilder output, JsonElement edit)
    {
        foreach (var (oldKey, newKey) in EditKeys)
        {
            if (String(edit, oldKey) is { } oldText && String(edit, newKey) is { } newText)
            {
                LineDiff.Append(output, oldText, newText);
                return true;
            }
        }
        return false;
    }

    /// <summary>SEARCH/REPLACE blocks as diffs, one hunk each; Roo Code's ":start_line:" and "-------" lines are left out.</summary>
    private static string? SearchReplace(string blocks)
    {
        var output = new StringBuilder();
        StringBuilder? search = null, replace = null;
        foreach (var line in TranscriptText.Clean(blocks).Split('\n'))
        {
            if (line.StartsWith("<<<<<<< SEARCH", StringComparison.Ordinal))
            {
                search = new StringBuilder();
                replace = null;
            }
            else if (line.StartsWith("=======", StringComparison.Ordinal) && search is not null && replace is null)
            {
                replace = new StringBuilder();
            }
            else if (line.StartsWith(">>>>>>> REPLACE", StringComparison.Ordinal) && search is not null && replace is not null)
            {
                if (output.Length > 0) output.Append("@@\n");
                LineDiff.Append(output, search.ToString(), replace.ToString());
                search = replace = null;
            }
            else if (replace is not null)
            {
                replace.Append(line).Append('\n');
            }
            else if (search is not null && !line.StartsWith(":start_line:", StringComparison.Ordinal) && line != "-------")
            {
                search.Append(line).Append('\n');
            }
        }
        return output.Length > 0 ? output.ToString() : null;
    }

    private static string? String(JsonElement arguments, string key) =>
        arguments.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
