using System.Text;
using System.Text.RegularExpressions;
using RolloutTools.Core.Export;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Tests.Export;

public sealed class TranscriptTests
{
    private const string Session = "7f3c2a10-5b6e-4c1d-9a8f-0e2d4b6c8a01";
    private static readonly DateTimeOffset T0 = new(2025, 11, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly TranscriptOptions Short = new() { MaxToolOutputLength = 20 };

    private static RolloutRecord Sample() => new()
    {
        TraceId = Session,
        Format = RolloutFormat.ClaudeCode,
        SourceKind = "claude_code",
        RootSessionId = Session,
        Cwd = "/home/dev/acme-shop",
        ProjectPath = "/home/dev/acme-shop",
        GitBranch = "main",
        StartedAt = T0,
        EndedAt = T0.AddSeconds(95),
        Title = "Fix the failing total test",
        Models = new[] { "claude-opus-4-1-20250805" },
        Usage = new TokenUsage(1200, 340, 48000, 800),
        SourceMeta = new SourceMeta.Builder().Add("version", "2.0.76").Build(),
        Messages = new[]
        {
            new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Context, Content = new[] { ContentBlock.FromText("<system-reminder>Be brief.</system-reminder>") }, Timestamp = T0 },
            new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Prompt, Content = new[] { ContentBlock.FromText("Why does `test_total` fail?") }, Timestamp = T0.AddSeconds(5) },
            new RolloutMessage
            {
                Role = MessageRole.Assistant,
                Kind = MessageKind.Response,
                Content = new[] { ContentBlock.FromText("Let me run it.") },
                ReasoningContent = "Run pytest first.",
                ToolCalls = new[] { new ToolCall("toolu_01", "Bash", "{\"command\":\"pytest -q\",\"timeout\":60}") },
                Timestamp = T0.AddSeconds(10),
                Model = "claude-opus-4-1-20250805",
                Usage = new TokenUsage(10, 25, 0, 0),
                CostUsd = 0.0021m,
            },
            new RolloutMessage
            {
                Role = MessageRole.Tool,
                Kind = MessageKind.ToolResult,
                Content = new[] { ContentBlock.FromText("F\nAssertionError: 9.99 != 10.00 (rounding)") },
                ToolCallId = "toolu_01",
                ToolName = "Bash",
                IsError = true,
                ExitCode = 1,
                ToolDuration = TimeSpan.FromSeconds(2.3),
                Timestamp = T0.AddSeconds(13),
            },
            new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Synthetic, Content = new[] { ContentBlock.FromText("API Error: 529 overloaded") }, Timestamp = T0.AddSeconds(20) },
            new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, Content = new[] { ContentBlock.FromText("The total is rounded too early; fixed in `cart.py`.") }, Timestamp = T0.AddSeconds(95), Model = "claude-opus-4-1-20250805", Usage = new TokenUsage(1200, 340, 48000, 800) },
        },
    };

    [Fact]
    public void Markdown_transcript_shows_header_facts_then_each_turn_in_order_with_collapsed_parts()
    {
        var markdown = Transcript.Render(Sample(), TranscriptFormat.Markdown, Short);

        const string expected = """
            # Fix the failing total test

            - **Format:** ClaudeCode
            - **Trace id:** `7f3c2a10-5b6e-4c1d-9a8f-0e2d4b6c8a01`
            - **Working directory:** `/home/dev/acme-shop`
            - **Project:** `/home/dev/acme-shop`
            - **Git branch:** `main`
            - **Started:** 2025-11-03 09:00:00 UTC
            - **Ended:** 2025-11-03 09:01:35 UTC
            - **Duration:** 1 min 35 s
            - **Models:** `claude-opus-4-1-20250805`
            - **Messages:** 6
            - **Tool calls:** 1
            - **Tokens:** 1,200 in, 340 out, 48,000 cache read, 800 cache write tokens
            - **Cost:** $0.1326

            <details>
            <summary>Source details</summary>

            - **version:** `2.0.76`

            </details>

            <details>
            <summary>Context · 09:00:00</summary>

            \<system-reminder>Be brief.\</system-reminder>

            </details>

            ## User · 09:00:05

            Why does `test_total` fail?

            ## Assistant · 09:00:10 · claude-opus-4-1-20250805 · 10 in, 25 out tokens · $0.0021

            Let me run it.

            <details>
            <summary>Reasoning</summary>

            Run pytest first.

            </details>

            <details>
            <summary>Tool call: Bash <code>pytest -q</code></summary>

            ```json
            {
              "command": "pytest -q",
              "timeout": 60
            }
            ```

            </details>

            <details>
            <summary>Tool result: Bash · error · exit code 1 · 2.3 s · 09:00:13</summary>

            ```text
            F
            AssertionError: 9.
            ```

            … (trimmed: 42 characters in all)

            </details>

            ## Synthetic notice · 09:00:20

            API Error: 529 overloaded

            ## Assistant · 09:01:35 · claude-opus-4-1-20250805 · 1,200 in, 340 out, 48,000 cache read, 800 cache write tokens · $0.1305

            The total is rounded too early; fixed in `cart.py`.

            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), markdown);
    }

    [Fact]
    public void Html_transcript_is_one_self_contained_page_with_the_same_turns()
    {
        var html = Transcript.Render(Sample(), TranscriptFormat.Html, Short);

        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'", html);
        Assert.Contains("<title>Fix the failing total test</title>\n<style>\n", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("@import", html);
        Assert.DoesNotContain("url(", html);
        const string expected = """
            <body>
            <header>
            <h1>Fix the failing total test</h1>
            <dl class="facts">
            <dt>Format</dt><dd>ClaudeCode</dd>
            <dt>Trace id</dt><dd><code>7f3c2a10-5b6e-4c1d-9a8f-0e2d4b6c8a01</code></dd>
            <dt>Working directory</dt><dd><code>/home/dev/acme-shop</code></dd>
            <dt>Project</dt><dd><code>/home/dev/acme-shop</code></dd>
            <dt>Git branch</dt><dd><code>main</code></dd>
            <dt>Started</dt><dd>2025-11-03 09:00:00 UTC</dd>
            <dt>Ended</dt><dd>2025-11-03 09:01:35 UTC</dd>
            <dt>Duration</dt><dd>1 min 35 s</dd>
            <dt>Models</dt><dd><code>claude-opus-4-1-20250805</code></dd>
            <dt>Messages</dt><dd>6</dd>
            <dt>Tool calls</dt><dd>1</dd>
            <dt>Tokens</dt><dd>1,200 in, 340 out, 48,000 cache read, 800 cache write tokens</dd>
            <dt>Cost</dt><dd>$0.1326</dd>
            </dl>
            <details>
            <summary>Source details</summary>
            <dl class="facts">
            <dt>version</dt><dd><code>2.0.76</code></dd>
            </dl>
            </details>
            </header>
            <main>
            <details class="turn context" id="t1">
            <summary>Context <span class="meta">09:00:00</span> <a class="permalink" href="#t1" aria-label="Link to this turn">#</a></summary>
            <div class="text">
            <p>&lt;system-reminder&gt;Be brief.&lt;/system-reminder&gt;</p>
            </div>
            </details>
            <section class="turn user" id="t2">
            <h2>User <span class="meta">09:00:05</span> <a class="permalink" href="#t2" aria-label="Link to this turn">#</a></h2>
            <div class="text">
            <p>Why does <code>test_total</code> fail?</p>
            </div>
            </section>
            <section class="turn assistant" id="t3">
            <h2>Assistant <span class="meta">09:00:10 · claude-opus-4-1-20250805 · 10 in, 25 out tokens · $0.0021</span> <a class="permalink" href="#t3" aria-label="Link to this turn">#</a></h2>
            <div class="text">
            <p>Let me run it.</p>
            </div>
            <details>
            <summary>Reasoning</summary>
            <div class="text">
            <p>Run pytest first.</p>
            </div>
            </details>
            <details>
            <summary>Tool call: Bash <code>pytest -q</code></summary>
            <pre><code>{
              <span class="str">&quot;command&quot;</span>: <span class="str">&quot;pytest -q&quot;</span>,
              <span class="str">&quot;timeout&quot;</span>: <span class="num">60</span>
            }</code></pre>
            </details>
            </section>
            <details class="turn tool error" id="t4">
            <summary>Tool result: Bash <span class="meta">error · exit code 1 · 2.3 s · 09:00:13</span> <a class="permalink" href="#t4" aria-label="Link to this turn">#</a></summary>
            <pre><code>F
            AssertionError: 9.</code></pre>
            <p class="note">… (trimmed: 42 characters in all)</p>
            </details>
            <section class="turn synthetic" id="t5">
            <h2>Synthetic notice <span class="meta">09:00:20</span> <a class="permalink" href="#t5" aria-label="Link to this turn">#</a></h2>
            <div class="text">
            <p>API Error: 529 overloaded</p>
            </div>
            </section>
            <section class="turn assistant" id="t6">
            <h2>Assistant <span class="meta">09:01:35 · claude-opus-4-1-20250805 · 1,200 in, 340 out, 48,000 cache read, 800 cache write tokens · $0.1305</span> <a class="permalink" href="#t6" aria-label="Link to this turn">#</a></h2>
            <div class="text">
            <p>The total is rounded too early; fixed in <code>cart.py</code>.</p>
            </div>
            </section>
            </main>
            </body>
            </html>

            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), html[html.IndexOf("<body>", StringComparison.Ordinal)..]);
        AssertSafeHtml(html);
    }

    [Fact]
    public void Default_options_trim_tool_output_at_2000_characters_and_note_the_full_length()
    {
        var record = new RolloutRecord(Sample()) { Messages = new[] { ToolResult("Bash", new string('x', 48213)) } };

        var markdown = Transcript.Render(record, TranscriptFormat.Markdown, TranscriptOptions.Default);
        var html = Transcript.Render(record, TranscriptFormat.Html, new TranscriptOptions());

        Assert.Contains("```text\n" + new string('x', 2000) + "\n```\n\n… (trimmed: 48,213 characters in all)\n", markdown);
        Assert.Contains("<pre><code>" + new string('x', 2000) + "</code></pre>\n<p class=\"note\">… (trimmed: 48,213 characters in all)</p>", html);
        Assert.DoesNotContain(new string('x', 2001), markdown);
    }

    [Fact]
    public void Zero_max_length_never_trims_and_a_negative_one_is_refused()
    {
        var record = new RolloutRecord(Sample()) { Messages = new[] { ToolResult("Bash", new string('x', 5000)) } };

        var markdown = Transcript.Render(record, TranscriptFormat.Markdown, new TranscriptOptions { MaxToolOutputLength = 0 });

        Assert.Contains(new string('x', 5000), markdown);
        Assert.DoesNotContain("trimmed", markdown);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TranscriptOptions { MaxToolOutputLength = -1 });
    }

    [Fact]
    public void Options_leave_out_reasoning_and_context_but_keep_other_collapsed_kinds()
    {
        var record = new RolloutRecord(Sample())
        {
            Messages = Sample().Messages.Concat(new[]
            {
                new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Command, Content = new[] { ContentBlock.FromText("/clear") } },
                new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.CompactionSummary, Content = new[] { ContentBlock.FromText("Summary of earlier work.") } },
                new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Interruption, Content = new[] { ContentBlock.FromText("[Request interrupted by user]") } },
                new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.QueuedPrompt, Content = new[] { ContentBlock.FromText("Also run the linter.") } },
            }).ToArray(),
        };
        var options = new TranscriptOptions { IncludeReasoning = false, IncludeContext = false };

        var markdown = Transcript.Render(record, TranscriptFormat.Markdown, options);
        var full = Transcript.Render(record, TranscriptFormat.Markdown, TranscriptOptions.Default);

        Assert.DoesNotContain("Reasoning", markdown);
        Assert.DoesNotContain("Run pytest first.", markdown);
        Assert.DoesNotContain("system-reminder", markdown);
        Assert.DoesNotContain("/clear", markdown);
        Assert.Contains("<summary>Compaction summary</summary>\n\nSummary of earlier work.\n\n</details>", markdown);
        Assert.Contains("<summary>Interruption</summary>\n\n\\[Request interrupted by user]\n\n</details>", markdown);
        Assert.Contains("## User (queued prompt)\n\nAlso run the linter.", markdown);
        Assert.Contains("<summary>Command</summary>\n\n/clear\n\n</details>", full);
        Assert.Contains("<summary>Reasoning</summary>", full);
    }

    [Fact]
    public void Messages_of_an_abandoned_branch_are_collapsed_and_say_so()
    {
        var record = new RolloutRecord(Sample())
        {
            Messages = Sample().Messages.Concat(new[]
            {
                new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Prompt, Content = new[] { ContentBlock.FromText("Use pytest") }, IsAbandoned = true },
                new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Prompt, Content = new[] { ContentBlock.FromText("Use unittest") } },
            }).ToArray(),
        };

        var markdown = Transcript.Render(record, TranscriptFormat.Markdown, TranscriptOptions.Default);

        Assert.Contains("<summary>User (abandoned branch)</summary>\n\nUse pytest\n\n</details>", markdown);
        Assert.Contains("## User\n\nUse unittest", markdown);
    }

    [Fact]
    public void Subagent_header_names_its_root_session_and_agent()
    {
        var record = new RolloutRecord(Sample()) { TraceId = Session + ":a3f2b1c9d", AgentId = "a3f2b1c9d", IsSidechain = true };

        var markdown = Transcript.Render(record, TranscriptFormat.Markdown, TranscriptOptions.Default);

        Assert.Contains("- **Trace id:** `7f3c2a10-5b6e-4c1d-9a8f-0e2d4b6c8a01:a3f2b1c9d`\n- **Root session:** `7f3c2a10-5b6e-4c1d-9a8f-0e2d4b6c8a01`\n- **Agent:** `a3f2b1c9d`\n", markdown);
        Assert.DoesNotContain("Root session", Transcript.Render(Sample(), TranscriptFormat.Markdown, TranscriptOptions.Default));
    }

    [Fact]
    public void Header_cost_is_the_sessions_and_left_out_when_nothing_is_priced_or_used()
    {
        var unknown = new RolloutRecord(Sample())
        {
            Messages = new[] { new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, Model = "no-such-model", Usage = new TokenUsage(10, 5, 0, 0) } },
        };
        var unused = new RolloutRecord(Sample()) { Usage = new TokenUsage(0, 0, 0, 0), Messages = new[] { new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, Model = "claude-opus-4-1-20250805" } } };

        Assert.Contains("- **Cost:** unpriced\n", Transcript.Render(unknown, TranscriptFormat.Markdown, TranscriptOptions.Default));
        Assert.DoesNotContain("**Cost:**", Transcript.Render(unused, TranscriptFormat.Markdown, TranscriptOptions.Default));
        Assert.DoesNotContain("<dt>Cost</dt>", Transcript.Render(Sample(), TranscriptFormat.Html, TranscriptOptions.Default with { Prices = null }));
    }

    [Fact]
    public void File_names_of_time_ordered_ids_from_one_minute_differ()
    {
        // Codex thread ids are UUIDv7: their first eight hex digits change only about once a minute.
        static RolloutRecord Untitled(string id) => new() { TraceId = id, Format = RolloutFormat.Codex, SourceKind = "codex", RootSessionId = id };

        Assert.NotEqual(
            Transcript.FileName(Untitled("019ccfad-d001-7921-871a-a0881e3e9483"), TranscriptFormat.Html),
            Transcript.FileName(Untitled("019ccfad-d3c2-7a55-9e01-5b7c2f8d1e66"), TranscriptFormat.Html));
    }

    [Theory]
    [InlineData(null, null, Session, TranscriptFormat.Markdown, "undated-untitled-4b6c8a01.md")]
    [InlineData("Fix the failing total test", "2025-11-03T23:30:00-05:00", Session, TranscriptFormat.Html, "2025-11-04-fix-the-failing-total-test-4b6c8a01.html")]
    [InlineData("Review", "2025-11-03T09:00:00Z", Session + ":a3f2b1c9d", TranscriptFormat.Markdown, "2025-11-03-review-3f2b1c9d.md")]
    [InlineData("Fix: \"C:\\temp\\*.txt\" <now>? | don't", "2025-11-03T09:00:00Z", "../..\\CON:x/y*?<z>", TranscriptFormat.Markdown, "2025-11-03-fix-c-temp-txt-now-dont-xyz.md")]
    [InlineData("Café crème, naïve résumé — 日本語 🎉", null, "AbC", TranscriptFormat.Html, "undated-cafe-creme-naive-resume-abc.html")]
    [InlineData("   \t ", null, "::", TranscriptFormat.Markdown, "undated-untitled-trace.md")]
    public void File_name_is_date_slug_and_short_id(string? title, string? startedAt, string traceId, TranscriptFormat format, string expected)
    {
        var record = new RolloutRecord(Sample()) { Title = title, TraceId = traceId, StartedAt = startedAt is null ? null : DateTimeOffset.Parse(startedAt, System.Globalization.CultureInfo.InvariantCulture) };

        Assert.Equal(expected, Transcript.FileName(record, format));
    }

    [Fact]
    public void File_name_slug_is_at_most_60_characters_and_the_name_is_valid_everywhere()
    {
        var record = new RolloutRecord(Sample()) { Title = string.Concat(Enumerable.Repeat("Refactor the checkout flow ", 10)) };

        var name = Transcript.FileName(record, TranscriptFormat.Markdown);

        Assert.Equal("2025-11-03-refactor-the-checkout-flow-refactor-the-checkout-flow-refact-4b6c8a01.md", name);
        Assert.Matches("^[a-z0-9-]+\\.(md|html)$", name);
        Assert.Equal(-1, name.IndexOfAny(Path.GetInvalidFileNameChars()));
    }

    [Fact]
    public void Markdown_fences_are_longer_than_any_backtick_run_in_the_text()
    {
        var record = new RolloutRecord(Sample())
        {
            Messages = new[]
            {
                new RolloutMessage
                {
                    Role = MessageRole.Assistant,
                    Kind = MessageKind.Response,
                    ToolCalls = new[] { new ToolCall("c1", "Write", "{\"content\":\"````md\\n```\\n\"}") },
                },
                ToolResult("Bash", "before\n`````\n## not a heading\nafter"),
            },
        };

        var markdown = Transcript.Render(record, TranscriptFormat.Markdown, TranscriptOptions.Default);

        Assert.Contains("`````json\n{\n  \"content\": \"````md\\n```\\n\"\n}\n`````\n", markdown);
        Assert.Contains("``````text\nbefore\n`````\n## not a heading\nafter\n``````\n", markdown);
    }

    [Fact]
    public void Terminal_colours_and_control_characters_are_left_out_and_line_ends_are_newlines()
    {
        var record = new RolloutRecord(Sample()) { Messages = new[] { ToolResult("Bash", "\u001b[1;31mFAILED\u001b[0m test_total\r\n\u001b]0;title\u0007done\u0000\tok\r") } };

        var markdown = Transcript.Render(record, TranscriptFormat.Markdown, TranscriptOptions.Default);

        Assert.Contains("```text\nFAILED test_total\ndone\tok\n```\n", markdown);
    }

    [Fact]
    public void Arguments_that_are_not_json_are_shown_as_they_are()
    {
        var record = new RolloutRecord(Sample()) { Messages = new[] { new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, ToolCalls = new[] { new ToolCall("c1", "apply_patch", "*** Begin Patch\n*** End Patch") } } } };

        var markdown = Transcript.Render(record, TranscriptFormat.Markdown, TranscriptOptions.Default);

        Assert.Contains("<summary>Tool call: apply_patch</summary>\n\n```text\n*** Begin Patch\n*** End Patch\n```\n\n</details>\n\n```diff\n*** Begin Patch\n*** End Patch\n```\n", markdown);
    }

    [Fact]
    public void Markdown_prose_keeps_its_markdown_but_cannot_leave_its_block()
    {
        const string prose = "Here is **bold** and `<b>code</b>`.\n</details>\n<!-- open comment\n![pixel](http://example.com/p.png) a < b\n```python\nprint('<never closed>')";

        var result = MarkdownTranscript.Prose(prose);

        Assert.Equal("Here is **bold** and `<b>code</b>`.\n\\</details>\n\\<!-- open comment\n!\\[pixel](http://example.com/p.png) a < b\n```python\nprint('<never closed>')\n```", result);
        Assert.Equal("~~~\n<x>\n````\n~~~~\n\\<y>", MarkdownTranscript.Prose("~~~\n<x>\n````\n~~~~\n<y>"));
    }

    [Fact]
    public void Markdown_code_spans_cannot_reach_across_lines_to_hide_markup()
    {
        // CommonMark code spans run across line breaks: an unclosed backtick would pair with the first one of the
        // next line and turn what this line holds as "code" into live HTML.
        var result = MarkdownTranscript.Prose("x `\n`</details><img src=x onerror=alert(1)>`");

        Assert.Equal("x \\`\n`</details><img src=x onerror=alert(1)>`", result);
    }

    [Fact]
    public void Images_are_inline_in_html_only_as_validated_data_and_described_in_markdown()
    {
        var png = Convert.ToBase64String(new byte[12 * 1024]);
        var record = new RolloutRecord(Sample())
        {
            Messages = new[]
            {
                new RolloutMessage
                {
                    Role = MessageRole.User,
                    Kind = MessageKind.Prompt,
                    Content = new[]
                    {
                        ContentBlock.FromText("See these."),
                        ContentBlock.FromImageData("image/png", png),
                        ContentBlock.FromImageUrl("https://example.com/shot.png"),
                        ContentBlock.FromImageData("image/svg+xml", png),
                    },
                },
            },
        };

        var markdown = Transcript.Render(record, TranscriptFormat.Markdown, TranscriptOptions.Default);
        var html = Transcript.Render(record, TranscriptFormat.Html, TranscriptOptions.Default);

        Assert.Contains("See these.\n\n\\[image: image/png, 12 KB\\]\n\n\\[image: `https://example.com/shot.png`\\]\n\n\\[image: image/svg+xml, 12 KB\\]\n", markdown);
        Assert.DoesNotContain(png, markdown);
        Assert.Contains($"<p class=\"image\"><img src=\"data:image/png;base64,{png}\" alt=\"image\"></p>\n<p class=\"image-note\">[image not loaded: <code>https://example.com/shot.png</code>]</p>\n<p class=\"image-note\">[image not shown: image/svg+xml, 12 KB]</p>", html);
        AssertSafeHtml(html);
    }

    [Theory]
    [InlineData("image/png", "iVBORw0KGgo=", "data:image/png;base64,iVBORw0KGgo=")]
    [InlineData("IMAGE/JPEG", "/9j/4AAQ", "data:image/jpeg;base64,/9j/4AAQ")]
    [InlineData("image/webp", "UklGRg==", "data:image/webp;base64,UklGRg==")]
    [InlineData("image/gif", "R0lGODlh", "data:image/gif;base64,R0lGODlh")]
    [InlineData("image/svg+xml", "PHN2Zz4=", null)]
    [InlineData("text/html", "PHNjcmlwdD4=", null)]
    [InlineData(null, "iVBORw0KGgo=", null)]
    [InlineData("image/png\" onerror=\"alert(1)", "iVBORw0KGgo=", null)]
    [InlineData("image/png", "iVBOR\" onerror=\"alert(1)", null)]
    [InlineData("image/png", "iVBORw0KGgo", null)]
    [InlineData("image/png", "iVBO Rw0K", null)]
    [InlineData("image/png", "iV=BORw0KGgo", null)]
    public void Inline_image_url_needs_an_allowed_type_and_strict_base64(string? mediaType, string data, string? expected)
    {
        Assert.Equal(expected, HtmlTranscript.InlineImageUrl(ContentBlock.FromImageData(mediaType, data)));
    }

    [Fact]
    public void Hostile_trace_text_never_becomes_live_html()
    {
        var record = Hostile();

        var html = Transcript.Render(record, TranscriptFormat.Html, TranscriptOptions.Default);

        AssertSafeHtml(html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<svg", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("href=\"[^#]", html);
        Assert.DoesNotContain(" onerror=\"", html, StringComparison.OrdinalIgnoreCase);
        var images = Regex.Matches(html, "<img\\b[^>]*>").Select(m => m.Value).ToArray();
        var image = Assert.Single(images);
        Assert.StartsWith("<img src=\"data:image/png;base64,iVBORw0KGgo=\"", image);
        // The payloads are all there, as text.
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html);
        Assert.Contains("&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;", html);
        Assert.Contains("&quot;&gt;&lt;svg onload=alert(1)&gt;", html);
        Assert.Contains("[image not loaded: <code>http://evil.example/pixel.png</code>]", html);
        Assert.Contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>", html);
    }

    [Fact]
    public void Hostile_trace_text_stays_inside_the_markdown_structure()
    {
        var markdown = Transcript.Render(Hostile(), TranscriptFormat.Markdown, TranscriptOptions.Default);

        Assert.StartsWith("# \\<script\\>alert(1)\\</script\\>\n", markdown);
        // Summaries sit inside HTML blocks: their trace text is HTML-escaped.
        foreach (var summary in Regex.Matches(markdown, "<summary>(.*)</summary>").Select(m => m.Groups[1].Value))
        {
            Assert.DoesNotContain("<", summary);
            Assert.DoesNotContain("\"", summary);
        }
        Assert.Contains("<summary>Tool call: &lt;img src=x onerror=alert(1)&gt;</summary>", markdown);
        // Prose: no line starts raw HTML, and no tag survives outside a code block or span.
        Assert.Contains("## User · 09:00:00\n\n\\<script>alert(1)\\</script> \\<img src=x onerror=alert(1)> \\<a href=\"javascript:alert(1)\">x\\</a> \">\\<svg onload=alert(1)>\n\n", markdown);
        Assert.Contains("## Assistant · 09:00:00 · \"\\>\\<svg onload=alert(1)\\>\n", markdown);
        Assert.Contains("<summary>Tool call: &lt;script&gt;alert(1)&lt;/script&gt;</summary>\n\n```text\n<script>", markdown);
        Assert.DoesNotContain("iVBORw0KGgo", markdown);
        Assert.Contains("\\[image: `http://evil.example/pixel.png`\\]", markdown);
        Assert.Contains("\\[image: text/html, 1 KB\\]", markdown);
        Assert.Contains("- **Working directory:** `\"><svg onload=alert(1)>`\n", markdown);
    }

    internal static RolloutRecord Hostile()
    {
        const string script = "<script>alert(1)</script>";
        const string img = "<img src=x onerror=alert(1)>";
        const string link = "<a href=\"javascript:alert(1)\">x</a>";
        const string svg = "\"><svg onload=alert(1)>";
        const string all = script + " " + img + " " + link + " " + svg;
        var html = Convert.ToBase64String(Encoding.UTF8.GetBytes(new string(' ', 1000) + script));
        return new RolloutRecord
        {
            TraceId = "x:" + script,
            Format = RolloutFormat.Codex,
            SourceKind = "codex",
            RootSessionId = img,
            AgentId = svg,
            Cwd = svg,
            ProjectPath = link,
            GitBranch = img,
            StartedAt = T0,
            Title = script,
            Models = new[] { link, script },
            SourceMeta = new SourceMeta.Builder().Add(script, all).Add("list", new[] { img, svg }).Build(),
            Messages = new[]
            {
                new RolloutMessage
                {
                    Role = MessageRole.User,
                    Kind = MessageKind.Prompt,
                    Content = new[]
                    {
                        ContentBlock.FromText(all),
                        ContentBlock.FromImageUrl("http://evil.example/pixel.png"),
                        ContentBlock.FromImageUrl("https://evil.example/p.png\" onerror=\"alert(1)"),
                        ContentBlock.FromImageUrl("javascript:alert(1)"),
                        ContentBlock.FromImageData("text/html", html),
                        ContentBlock.FromImageUrl("data:text/html;base64," + html),
                        ContentBlock.FromImageData("image/svg+xml", Convert.ToBase64String(Encoding.UTF8.GetBytes("<svg onload=\"alert(1)\"/>"))),
                        ContentBlock.FromImageData(svg, "iVBORw0KGgo="),
                        ContentBlock.FromImageData("image/png", "iVBORw0KGgo=\" onerror=\"alert(1)"),
                        ContentBlock.FromImageData("image/png", "iVBORw0KGgo="),
                    },
                    Timestamp = T0,
                },
                new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Context, Content = new[] { ContentBlock.FromText(all) } },
                new RolloutMessage
                {
                    Role = MessageRole.Assistant,
                    Kind = MessageKind.Response,
                    Content = new[] { ContentBlock.FromText(all) },
                    ReasoningContent = all,
                    ToolCalls = new[]
                    {
                        new ToolCall(svg, img, "{\"a\":" + System.Text.Json.JsonSerializer.Serialize(all) + "}"),
                        new ToolCall("c2", script, all),
                    },
                    Model = svg,
                    Timestamp = T0,
                },
                new RolloutMessage
                {
                    Role = MessageRole.Tool,
                    Kind = MessageKind.ToolResult,
                    ToolName = svg,
                    ToolCallId = svg,
                    Content = new[] { ContentBlock.FromText(all), ContentBlock.FromImageUrl("https://evil.example/result.png") },
                    IsError = true,
                },
                new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Synthetic, Content = new[] { ContentBlock.FromText(all) } },
            },
        };
    }

    private static RolloutMessage ToolResult(string name, string text) => new()
    {
        Role = MessageRole.Tool,
        Kind = MessageKind.ToolResult,
        Content = new[] { ContentBlock.FromText(text) },
        ToolCallId = "c1",
        ToolName = name,
    };

    /// <summary>
    /// Nothing on the page but its own elements and attributes (HtmlMarkdownTests.Offences), and, since these traces
    /// hold no web address in Markdown, no link but each turn's link to itself.
    /// </summary>
    private static void AssertSafeHtml(string html)
    {
        Assert.Empty(HtmlMarkdownTests.Offences(html));
        Assert.All(Regex.Matches(html, "<a [^>]*>"), a => Assert.Matches("^<a class=\"permalink\" href=\"#[a-z0-9-]+\" aria-label=\"Link to this turn\">$", a.Value));
    }
}
