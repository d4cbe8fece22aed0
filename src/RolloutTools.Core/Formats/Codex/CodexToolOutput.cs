using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.Codex;

/// <summary>
/// A tool output as Codex records it, unpacked: the shell tool of 2025 returned a JSON string
/// {"output", "metadata": {"exit_code", "duration_seconds"}}, later builds return text headed by
/// "Exit code:"/"Process exited with code" and "Wall time:" lines, a command that did not run to its end is
/// answered by one failure sentence, some outputs are lists of content items, and old protocol versions sent
/// {content, success}. The exit code and duration become fields; a JSON
/// wrapper is unpacked to its output text, while plain text stays as the agent wrote it.
/// </summary>
internal static partial class CodexToolOutput
{
    public static ToolResult Read(string callId, JsonElement output, DateTimeOffset? timestamp)
    {
        var result = output.ValueKind switch
        {
            JsonValueKind.String => FromText(callId, output.GetString()!),
            JsonValueKind.Array => new ToolResult(callId, CodexContent.ReadBlocks(output)),
            JsonValueKind.Object => FromObject(callId, output),
            _ => new ToolResult(callId, Array.Empty<ContentBlock>()),
        };
        return result with { Timestamp = timestamp };
    }

    private static ToolResult FromText(string callId, string text)
    {
        if (text.StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.GetPropertyOrDefault("output") is { ValueKind: JsonValueKind.String } inner)
                {
                    var metadata = document.RootElement.GetPropertyOrDefault("metadata");
                    var exitCode = metadata.GetInt32OrNull("exit_code");
                    var duration = metadata.GetSecondsOrNull("duration_seconds");
                    return new ToolResult(callId, new[] { ContentBlock.FromText(inner.GetString()!) })
                    {
                        ExitCode = exitCode,
                        Duration = duration,
                        IsError = exitCode is not (null or 0),
                    };
                }
            }
            catch (JsonException)
            {
                // Output that merely starts with a brace.
            }
        }

        if (IsFailure(text, out var failedWith)) return new ToolResult(callId, new[] { ContentBlock.FromText(text) }) { ExitCode = failedWith, IsError = true };

        var header = text.Length > 400 ? text[..400] : text;
        var exit = Code(ExitCodeLine().Match(header));
        var wall = WallTimeLine().Match(header) is { Success: true } w && double.TryParse(w.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            ? JsonElementExtensions.Seconds(seconds)
            : null;
        return new ToolResult(callId, new[] { ContentBlock.FromText(text) }) { ExitCode = exit, Duration = wall, IsError = exit is not (null or 0) };
    }

    private static ToolResult FromObject(string callId, JsonElement output)
    {
        var content = output.GetPropertyOrDefault("content");
        var blocks = content.ValueKind == JsonValueKind.Array
            ? CodexContent.ReadBlocks(content)
            : new[] { ContentBlock.FromText(content.ValueKind == JsonValueKind.String ? content.GetString()! : output.GetRawText()) };
        var failed = output.GetPropertyOrDefault("success").ValueKind == JsonValueKind.False;
        return new ToolResult(callId, blocks) { IsError = failed };
    }

    /// <summary>
    /// Texts Codex answers with when a command did not run to its end (codex-rs core codex.rs
    /// handle_container_exec_with_params and handle_sandbox_error, 2025; the unified exec handlers later): a sandbox
    /// denial ("failed in sandbox MacosSeatbelt with execution error: sandbox denied exec error, exit code: 1, stdout: …"),
    /// a timeout, a spawn or retry error, a rejection. Only the denial carries the exit code; a timeout is given the code
    /// Codex records for one (EXEC_TIMEOUT_EXIT_CODE in exec.rs).
    /// </summary>
    private static readonly string[] FailurePrefixes =
    {
        "failed in sandbox ", "execution error: ", "retry failed: ", "command timed out after ", "exec command rejected",
        "exec_command failed: ", "write_stdin failed: ",
    };

    private const int TimeoutExitCode = 124;

    private static bool IsFailure(string text, out int? exitCode)
    {
        exitCode = null;
        if (!FailurePrefixes.Any(p => text.StartsWith(p, StringComparison.Ordinal))) return false;
        exitCode = Code(FailureExitCode().Match(text)) ?? (text.Contains("timed out", StringComparison.Ordinal) ? TimeoutExitCode : null);
        return true;
    }

    private static int? Code(Match match) =>
        match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) ? code : null;

    /// <summary>SandboxErr::Denied's "exit code: N" (Display) or "exit_code: N" (Debug, in "execution error: …").</summary>
    [GeneratedRegex(@"exit[ _]code:\s*(-?[0-9]+)", RegexOptions.IgnoreCase)]
    private static partial Regex FailureExitCode();

    [GeneratedRegex(@"^(?:Exit code:|Process exited with code)\s*(-?[0-9]+)", RegexOptions.Multiline)]
    private static partial Regex ExitCodeLine();

    [GeneratedRegex(@"^Wall time:\s*([0-9]{1,12}(?:\.[0-9]+)?)\s*seconds", RegexOptions.Multiline)]
    private static partial Regex WallTimeLine();
}
