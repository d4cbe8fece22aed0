using RolloutTools.Core.Export;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Tests.Export;

public sealed class TranscriptToolCallTests
{
    [Theory]
    [InlineData("Bash", "{\"command\":\"pytest -q\",\"description\":\"Run tests\"}", "pytest -q")]
    [InlineData("shell", "{\"command\":[\"bash\",\"-lc\",\"sed -n '30,50p' src/a.py\"],\"workdir\":\"/w\"}", "sed -n '30,50p' src/a.py")]
    [InlineData("shell", "{\"command\":[\"powershell.exe\",\"-Command\",\"Get-ChildItem\"]}", "Get-ChildItem")]
    [InlineData("shell", "{\"command\":[\"git\",\"status\",\"--short\"]}", "git status --short")]
    [InlineData("exec_command", "{\"cmd\":\"go test ./...\",\"workdir\":\"/w\"}", "go test ./...")]
    [InlineData("run_shell_command", "{\"command\":\"npm test\"}", "npm test")]
    [InlineData("Read", "{\"file_path\":\"/home/dev/app/main.py\",\"limit\":40}", "/home/dev/app/main.py")]
    [InlineData("read", "{\"filePath\":\"src/index.ts\"}", "src/index.ts")]
    [InlineData("read_file", "{\"absolute_path\":\"/w/src/Card.tsx\"}", "/w/src/Card.tsx")]
    [InlineData("view", "{\"path\":\"src/invoice/totals.py\"}", "src/invoice/totals.py")]
    [InlineData("Grep", "{\"pattern\":\"def total\\\\(\",\"path\":\"src\"}", "def total\\(")]
    [InlineData("search_files", "{\"path\":\"src\",\"regex\":\"getUser\"}", "getUser")]
    [InlineData("Glob", "{\"pattern\":\"**/*.cs\"}", "**/*.cs")]
    [InlineData("WebFetch", "{\"url\":\"https://example.com\",\"prompt\":\"Summarize\"}", "https://example.com")]
    [InlineData("Task", "{\"description\":\"Find callers\",\"prompt\":\"Look for every caller of total()\"}", "Find callers")]
    [InlineData("Bash", "{\"command\":\"echo one\\n  && echo two\"}", "echo one && echo two")]
    [InlineData("TodoWrite", "{\"todos\":[{\"content\":\"Run the tests\",\"status\":\"in_progress\"},{\"content\":\"Fix failures\",\"status\":\"pending\"}]}", "Run the tests; Fix failures")]
    [InlineData("update_plan", "{\"explanation\":null,\"plan\":[{\"step\":\"Read importer\",\"status\":\"completed\"},{\"step\":\"Split it\",\"status\":\"pending\"}]}", "Read importer; Split it")]
    [InlineData("write_todos", "{\"todos\":[{\"description\":\"Add Celsius\",\"status\":\"pending\"}]}", "Add Celsius")]
    [InlineData("ExitPlanMode", "{\"plan\":\"# Fix overlap\\n\\n1. Build intervals\"}", "# Fix overlap 1. Build intervals")]
    [InlineData("str_replace_editor", "{\"command\":\"view\",\"path\":\"/w/Makefile\"}", "view /w/Makefile")]
    [InlineData("str_replace_based_edit_tool", "{\"command\":\"str_replace\",\"path\":\"a.py\",\"old_str\":\"p\",\"new_str\":\"q\"}", "str_replace a.py")]
    [InlineData("spawn_agent", "{\"task_name\":\"explorer\",\"message\":\"Find every caller\",\"fork_turns\":\"all\"}", "Find every caller")]
    [InlineData("codebase_investigator", "{\"objective\":\"Find where temperatures are formatted\"}", "Find where temperatures are formatted")]
    [InlineData("delegate_task", "{\"goal\":\"Find tests that sleep\"}", "Find tests that sleep")]
    [InlineData("delegate", "{\"task\":\"Compute growth per region\"}", "Compute growth per region")]
    [InlineData("run_cell", "{\"code\":\"df = pd.read_parquet('s.parquet'); df.shape\"}", "df = pd.read_parquet('s.parquet'); df.shape")]
    [InlineData("attempt_completion", "{\"result\":\"The total now subtracts the discount.\"}", "The total now subtracts the discount.")]
    [InlineData("local_shell", "{\"command\":[\"python3\",\"-c\",\"print(1)\"]}", "python3 -c 'print(1)'")]
    [InlineData("local_shell", "{\"command\":[\"python3\",\"-c\",\"print('a')\"]}", "python3 -c \"print('a')\"")]
    [InlineData("local_shell", "{\"command\":[\"echo\",\"say \\\"$HOME\\\" it's\"]}", "echo \"say \\\"\\$HOME\\\" it's\"")]
    [InlineData("local_shell", "{\"command\":[\"git\",\"log\",\"\"]}", "git log ''")]
    [InlineData("run_commands", "{\"commands\":[\"npm test\",\"git status --short\"]}", "npm test; git status --short")]
    [InlineData("run_commands", "{\"commands\":[{\"command\":\"ls\",\"args\":[\"-la\"]}]}", "ls")]
    [InlineData("read_files", "{\"files\":[{\"path\":\"/w/a.ts\",\"start_line\":3},{\"path\":\"/w/b.ts\"}]}", "/w/a.ts; /w/b.ts")]
    [InlineData("search_codebase", "{\"queries\":[\"getUser\"]}", "getUser")]
    [InlineData("fetch_web_content", "{\"requests\":[{\"url\":\"https://example.com\",\"prompt\":\"Summarize\"}]}", "https://example.com")]
    [InlineData("run_command", "{\"CommandLine\":\"npm test\",\"Cwd\":\"/w\",\"toolAction\":\"Running tests\"}", "npm test")]
    [InlineData("grep_search", "{\"SearchPath\":\"/w/src\",\"Query\":\"option(\",\"IsRegex\":false}", "option(")]
    [InlineData("view_file", "{\"AbsolutePath\":\"/w/README.md\",\"toolSummary\":\"Read README\"}", "/w/README.md")]
    [InlineData("list_dir", "{\"DirectoryPath\":\"/w\"}", "/w")]
    [InlineData("open_browser_url", "{\"Url\":\"http://localhost:5173/\"}", "http://localhost:5173/")]
    [InlineData("fs_read", "{\"operations\":[{\"mode\":\"Line\",\"path\":\"/w/a.py\"},{\"mode\":\"Directory\",\"path\":\"/w\"}]}", "/w/a.py; /w")]
    [InlineData("Bash", "not json", null)]
    public void Preview_is_the_argument_that_says_what_the_call_does(string name, string arguments, string? expected)
    {
        Assert.Equal(expected, TranscriptToolCall.Of(new ToolCall("c1", name, arguments)).Preview);
    }

    [Fact]
    public void A_long_preview_is_cut_at_160_characters()
    {
        var preview = TranscriptToolCall.Of(new ToolCall("c1", "Bash", "{\"command\":\"" + new string('a', 300) + "\"}")).Preview;

        Assert.Equal(new string('a', 160) + "…", preview);
    }

    [Theory]
    [InlineData("Edit", "{\"file_path\":\"a.py\",\"old_string\":\"x = 1\\ny = 2\\nz = 3\",\"new_string\":\"x = 1\\ny = 20\\nz = 3\"}", " x = 1\n-y = 2\n+y = 20\n z = 3\n")]
    [InlineData("edit", "{\"filePath\":\"a.ts\",\"oldString\":\"a\",\"newString\":\"b\\nc\"}", "-a\n+b\n+c\n")]
    [InlineData("edit", "{\"path\":\"a.ts\",\"oldText\":\"a\\nb\\n\",\"newText\":\"b\\n\"}", "-a\n b\n")]
    [InlineData("str_replace_based_edit_tool", "{\"command\":\"str_replace\",\"path\":\"a\",\"old_str\":\"p\",\"new_str\":\"q\"}", "-p\n+q\n")]
    [InlineData("MultiEdit", "{\"file_path\":\"a.py\",\"edits\":[{\"old_string\":\"a\",\"new_string\":\"b\"},{\"old_string\":\"c\",\"new_string\":\"d\"}]}", "-a\n+b\n@@\n-c\n+d\n")]
    [InlineData("Write", "{\"file_path\":\"n.py\",\"content\":\"import os\\n\\nprint(1)\\n\"}", "+import os\n+\n+print(1)\n")]
    [InlineData("write_to_file", "{\"path\":\"n.md\",\"content\":\"# T\"}", "+# T\n")]
    [InlineData("str_replace_based_edit_tool", "{\"command\":\"create\",\"path\":\"n\",\"file_text\":\"x\"}", "+x\n")]
    [InlineData("replace_in_file", "{\"path\":\"u.ts\",\"diff\":\"<<<<<<< SEARCH\\nfunction getUser\\n=======\\nfunction fetchUser\\n>>>>>>> REPLACE\"}", "-function getUser\n+function fetchUser\n")]
    [InlineData("apply_diff", "{\"path\":\"u.ts\",\"diff\":\"<<<<<<< SEARCH\\n:start_line:3\\n-------\\na\\n=======\\nb\\n>>>>>>> REPLACE\\n<<<<<<< SEARCH\\nc\\n=======\\nd\\n>>>>>>> REPLACE\"}", "-a\n+b\n@@\n-c\n+d\n")]
    [InlineData("editor", "{\"path\":\"/w/a.ts\",\"old_text\":\"a\",\"new_text\":\"b\"}", "-a\n+b\n")]
    [InlineData("replace_file_content", "{\"TargetFile\":\"/w/a.js\",\"TargetContent\":\"a\",\"ReplacementContent\":\"a\\nb\"}", " a\n+b\n")]
    [InlineData("multi_replace_file_content", "{\"TargetFile\":\"/w/a.js\",\"ReplacementChunks\":[{\"TargetContent\":\"a\",\"ReplacementContent\":\"b\"},{\"TargetContent\":\"c\",\"ReplacementContent\":\"d\"}]}", "-a\n+b\n@@\n-c\n+d\n")]
    [InlineData("write_to_file", "{\"TargetFile\":\"/w/plan.md\",\"CodeContent\":\"# Plan\"}", "+# Plan\n")]
    [InlineData("Read", "{\"file_path\":\"a.py\",\"content\":\"not a write\"}", null)]
    public void Edits_become_line_diffs(string name, string arguments, string? expected)
    {
        Assert.Equal(expected, TranscriptToolCall.Of(new ToolCall("c1", name, arguments)).Diff);
    }

    [Theory]
    [InlineData("{\"input\":\"*** Begin Patch\\n*** Update File: src/a.py\\n@@ def f():\\n-    return 1\\n+    return 2\\n*** End Patch\"}")]
    [InlineData("{\"command\":[\"apply_patch\",\"*** Begin Patch\\n*** Update File: src/a.py\\n@@ def f():\\n-    return 1\\n+    return 2\\n*** End Patch\\n\"]}")]
    [InlineData("*** Begin Patch\n*** Update File: src/a.py\n@@ def f():\n-    return 1\n+    return 2\n*** End Patch")]
    public void A_patch_is_shown_as_written_and_previewed_by_its_files(string arguments)
    {
        var view = TranscriptToolCall.Of(new ToolCall("c1", "apply_patch", arguments));

        Assert.Equal("src/a.py", view.Preview);
        Assert.Equal("*** Begin Patch\n*** Update File: src/a.py\n@@ def f():\n-    return 1\n+    return 2\n*** End Patch\n", view.Diff);
    }

    [Fact]
    public void A_patch_of_several_files_previews_each_once()
    {
        const string patch = "*** Begin Patch\n*** Add File: b.py\n+x\n*** Update File: a.py\n@@\n-y\n+z\n*** Update File: a.py\n*** Move to: c.py\n*** End Patch";

        Assert.Equal("b.py, a.py, c.py", TranscriptToolCall.Of(new ToolCall("c1", "apply_patch", patch)).Preview);
    }

    [Fact]
    public void Line_diff_keeps_common_lines_and_finds_moved_ones()
    {
        var output = new System.Text.StringBuilder();

        LineDiff.Append(output, "a\nb\nc\nd\n", "a\nc\nb\nd\ne");

        Assert.Equal(" a\n-b\n c\n+b\n d\n+e\n", output.ToString());
    }

    [Fact]
    public void Edit_diff_in_both_transcripts_follows_the_collapsed_arguments_and_is_trimmed_like_output()
    {
        var record = new RolloutRecord
        {
            TraceId = "t1",
            Format = RolloutFormat.ClaudeCode,
            SourceKind = "claude_code",
            RootSessionId = "t1",
            Title = "Edit",
            Messages = new[]
            {
                new RolloutMessage
                {
                    Role = MessageRole.Assistant,
                    Kind = MessageKind.Response,
                    ToolCalls = new[] { new ToolCall("c1", "Edit", "{\"file_path\":\"src/<a>.py\",\"old_string\":\"return a < b\",\"new_string\":\"return a <= b\"}") },
                },
                new RolloutMessage
                {
                    Role = MessageRole.Assistant,
                    Kind = MessageKind.Response,
                    ToolCalls = new[] { new ToolCall("c2", "Write", "{\"file_path\":\"big.txt\",\"content\":\"" + new string('x', 40) + "\"}") },
                },
            },
        };
        var options = new TranscriptOptions { MaxToolOutputLength = 30 };

        var markdown = Transcript.Render(record, TranscriptFormat.Markdown, options);
        var html = Transcript.Render(record, TranscriptFormat.Html, options);

        Assert.Contains("<summary>Tool call: Edit <code>src/&lt;a&gt;.py</code></summary>\n\n```json\n{\n  \"file_path\": \"src/<a>.py\",\n  \"old_string\": \"return a < b\",\n  \"new_string\": \"return a <= b\"\n}\n```\n\n</details>\n\n```diff\n-return a < b\n+return a <= b\n```\n\n", markdown);
        Assert.Contains("<summary>Tool call: Write <code>big.txt</code></summary>", markdown);
        Assert.Contains("```diff\n+" + new string('x', 29) + "\n```\n\n… (trimmed: 42 characters in all)\n", markdown);
        Assert.Contains("<summary>Tool call: Edit <code>src/&lt;a&gt;.py</code></summary>\n<pre><code>{", html);
        Assert.Contains("}</code></pre>\n</details>\n<pre class=\"diff\"><code><span class=\"del\">-return a &lt; b</span>\n<span class=\"add\">+return a &lt;= b</span>\n</code></pre>\n", html);
        Assert.Contains("<pre class=\"diff\"><code><span class=\"add\">+" + new string('x', 29) + "</span>\n</code></pre>\n<p class=\"note\">… (trimmed: 42 characters in all)</p>\n", html);
    }

    [Fact]
    public void Turn_header_prices_a_response_from_the_table_unless_the_trace_states_its_cost()
    {
        var response = new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, Model = "claude-opus-4-1", Usage = new TokenUsage(1000, 100, 0, 0), Content = new[] { ContentBlock.FromText("ok") } };
        RolloutRecord Of(params RolloutMessage[] messages) => new() { TraceId = "t", Format = RolloutFormat.ClaudeCode, SourceKind = "claude_code", RootSessionId = "t", Messages = messages };

        var priced = Transcript.Render(Of(response), TranscriptFormat.Markdown, TranscriptOptions.Default);
        var stated = Transcript.Render(Of(new RolloutMessage(response) { CostUsd = 1234.5m }), TranscriptFormat.Markdown, TranscriptOptions.Default);
        var unpriced = Transcript.Render(Of(response), TranscriptFormat.Markdown, new TranscriptOptions { Prices = null });
        var unknown = Transcript.Render(Of(new RolloutMessage(response) { Model = "no-such-model" }), TranscriptFormat.Markdown, TranscriptOptions.Default);

        Assert.Contains("## Assistant · claude-opus-4-1 · 1,000 in, 100 out tokens · $0.0225\n", priced);
        Assert.Contains("## Assistant · claude-opus-4-1 · 1,000 in, 100 out tokens · $1,234.50\n", stated);
        Assert.Contains("## Assistant · claude-opus-4-1 · 1,000 in, 100 out tokens\n", unpriced);
        Assert.Contains("## Assistant · no-such-model · 1,000 in, 100 out tokens\n", unknown);
    }
}
