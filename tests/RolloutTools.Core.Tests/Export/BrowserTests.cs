using System.Diagnostics;
using System.Text.RegularExpressions;
using RolloutTools.Core.Export;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Tests.Export;

/// <summary>Runs only where Chromium is installed (CI installs Debian's chromium); says why it is skipped elsewhere.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Path is null) Skip = "No Chromium: set CHROMIUM or install /usr/bin/chromium (apt-get install -y chromium) to run the browser check.";
    }
}

/// <summary>
/// Headless Chromium as the machine notes recommend (no sandbox as root, no GPU, no background connections, a new
/// profile): loads a file and returns the DOM after its scripts ran, so what is checked is what a browser built.
/// </summary>
internal static class HeadlessChromium
{
    public static string? Path { get; } = Find();

    private static string? Find()
    {
        var named = Environment.GetEnvironmentVariable("CHROMIUM");
        foreach (var path in new[] { named, "/usr/bin/chromium", "/usr/bin/chromium-browser" })
        {
            if (!string.IsNullOrEmpty(path) && File.Exists(path)) return path;
        }
        return null;
    }

    public static string DumpDom(string file, string query = "")
    {
        var profile = Directory.CreateTempSubdirectory("rollouttools-chromium-");
        try
        {
            var start = new ProcessStartInfo(Path!)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var flag in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile.FullName, "--dump-dom", new Uri(file).AbsoluteUri + query,
            }) start.ArgumentList.Add(flag);
            using var chromium = Process.Start(start)!;
            var error = chromium.StandardError.ReadToEndAsync();
            var dom = chromium.StandardOutput.ReadToEnd();
            if (!chromium.WaitForExit(60_000))
            {
                chromium.Kill(entireProcessTree: true);
                // A page that ran alert() (a payload that got through) waits for its dialog forever: that is a failure too.
                throw new TimeoutException("Chromium did not finish within a minute: did a script from the trace open a dialog?");
            }
            Assert.True(dom.Length > 0, "Chromium printed no DOM: " + error.Result);
            return dom;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}

/// <summary>
/// The hostile-content sample rendered, loaded in a real browser and read back as the DOM the browser built: no
/// element, attribute or URL from the trace is live there. The pages' own markup has no event handler and no
/// javascript: URL, and only the index has a script (its own, one), so any found came from the trace.
/// </summary>
public sealed class BrowserTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("rollouttools-browser-");

    public void Dispose() => _folder.Delete(recursive: true);

    [ChromiumFact]
    public void A_hostile_transcript_page_has_no_script_handler_or_javascript_url_in_the_browser()
    {
        var dom = Load("page.html", Transcript.Render(TranscriptTests.Hostile(), TranscriptFormat.Html, TranscriptOptions.Default));

        AssertNothingLive(dom, scripts: 0);
        // The payloads arrived, as text.
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", dom);
    }

    [ChromiumFact]
    public void A_hostile_combined_page_and_index_have_no_live_trace_content_and_the_index_script_runs()
    {
        var hostile = TranscriptTests.Hostile();
        var records = new[] { hostile, new RolloutRecord(hostile) { TraceId = "y:<script>alert(2)</script>" } };
        var page = Assert.Single(TranscriptSet.Combined(records, TranscriptFormat.Html, TranscriptOptions.Default));
        AssertNothingLive(Load(page.FileName, page.Render()), scripts: 0);

        var index = TranscriptIndex.Empty.Merge(page.Sessions, _ => true);
        var dom = Load("index.html", index.Render(TranscriptFormat.Html));
        AssertNothingLive(dom, scripts: 1);
        // The CSP allowed our script (by its hash), and it ran: it counts the rows and turns the headings into buttons.
        Assert.Contains("<span id=\"count\">2 of 2 sessions</span>", dom);
        Assert.Equal(7, Regex.Matches(dom, "<th[^>]*><button type=\"button\">").Count);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", dom);
    }

    [ChromiumFact]
    public void The_index_filters_offline_by_every_word_and_opens_filtered_from_its_address()
    {
        TranscriptIndexEntry Entry(string file, string title, string project) => new()
        {
            File = file, Format = RolloutFormat.Codex, TraceId = file, Title = title, Project = project, StartedAt = DateTimeOffset.UnixEpoch,
        };
        var index = TranscriptIndex.Empty.Merge(new[] { Entry("a.html", "Fix rounding", "/home/dev/ledger"), Entry("b.html", "Split importer", "/home/dev/ledger") }, _ => true);

        var dom = Load("index.html", index.Render(TranscriptFormat.Html), "?q=LEDGER%20split");

        Assert.Contains("<span id=\"count\">1 of 2 sessions</span>", dom);
        Assert.Matches("<tr hidden=\"\">[^\n]*Fix rounding", dom);
        Assert.Matches("<tr>[^\n]*Split importer", dom);
        Assert.Contains("<input id=\"filter\" type=\"search\" placeholder=\"Filter sessions\" aria-label=\"Filter sessions\">", dom);
    }

    private string Load(string name, string html, string query = "")
    {
        var path = System.IO.Path.Combine(_folder.FullName, name);
        File.WriteAllText(path, html);
        return HeadlessChromium.DumpDom(path, query);
    }

    private static void AssertNothingLive(string dom, int scripts)
    {
        Assert.Equal(scripts, Regex.Matches(dom, "<script\\b", RegexOptions.IgnoreCase).Count);
        Assert.DoesNotMatch(new Regex("<[a-z][^>]*\\son[a-z]+\\s*=", RegexOptions.IgnoreCase), dom);
        Assert.DoesNotMatch(new Regex("<[^>]*=\\s*\"?\\s*javascript:", RegexOptions.IgnoreCase), dom);
        Assert.DoesNotMatch(new Regex("<(svg|iframe|object|embed|link|meta http-equiv=\"refresh\")\\b", RegexOptions.IgnoreCase), dom);
    }
}
