using System.Text;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.ClaudeCode;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// Progress and file-snapshot lines are read straight from their bytes when Claude Code wrote them (no space after
/// the colon of their type). The same line written with a space is parsed in full, so reading a transcript both
/// ways must give the same record, counts and diagnostics to the byte.
/// </summary>
public sealed class ClaudeBookkeepingLineTests
{
    private static readonly (string Compact, string Spaced)[] Markers =
    {
        ("\"type\":\"progress\"", "\"type\": \"progress\""),
        ("\"type\":\"file-history-snapshot\"", "\"type\": \"file-history-snapshot\""),
    };

    private static string Spaced(string text) => Markers.Aggregate(text, (t, m) => t.Replace(m.Compact, m.Spaced, StringComparison.Ordinal));

    private static string Outcome(string path, string text)
    {
        var source = TraceSource.FromBytes(path, Encoding.UTF8.GetBytes(text));
        var result = new ClaudeCodeReader().BeginScan(new[] { source }, CancellationToken.None).Read(source, CancellationToken.None);
        return $"{result.Record?.ToJson()}\n{result.SkipReason}\n{string.Join("\n", result.Diagnostics)}";
    }

    private static void AssertReadAlike(string path, string text)
    {
        var spaced = Spaced(text);
        Assert.NotEqual(text, spaced);
        Assert.Equal(Outcome(path, spaced), Outcome(path, text));
    }

    [Fact]
    public void Every_sample_transcript_reads_the_same_with_and_without_the_shortcut()
    {
        var reader = new ClaudeCodeReader();
        var files = TraceFileFinder.Find(SampleFolder.Root("claude-code", "projects"), new[] { reader }, new TraceSearch { Recurse = true }).Files
            .Select(f => f.Path)
            .Where(p => Spaced(File.ReadAllText(p)) != File.ReadAllText(p))
            .ToArray();

        Assert.True(files.Length >= 2, "the samples hold progress and snapshot lines");
        foreach (var file in files) AssertReadAlike(file, File.ReadAllText(file));
    }

    public static TheoryData<string, string> Lines => new()
    {
        { "repeated keys: the last wins", "{\"type\":\"progress\",\"uuid\":\"p0\",\"uuid\":\"p1\",\"parentUuid\":\"x\",\"parentUuid\":\"u1\",\"data\":{\"type\":\"a\",\"type\":\"hook_progress\"},\"data\":{\"type\":\"bash_progress\"},\"sessionId\":\"s\",\"timestamp\":\"2025-11-03T09:00:07Z\"}" },
        { "numbers as ids", "{\"type\":\"progress\",\"uuid\":12,\"parentUuid\":3.50,\"sessionId\":7,\"logicalParentUuid\":-1,\"data\":{\"type\":\"hook_progress\"}}" },
        { "escaped strings", "{\"ty\\u0070e\":\"progress\",\"type\":\"progress\",\"uuid\":\"p\\u00e9\",\"parentUuid\":\"u\\u0031\",\"data\":{\"t\\u0079pe\":\"hook\\u005fprogress\"}}" },
        { "values of other types", "{\"type\":\"progress\",\"uuid\":\"p1\",\"parentUuid\":null,\"isSidechain\":\"true\",\"timestamp\":1762160400,\"sessionId\":{\"id\":1},\"data\":[\"type\",\"x\"]}" },
        { "a sidechain line with a time offset", "{\"type\":\"progress\",\"uuid\":\"p1\",\"parentUuid\":\"u1\",\"isSidechain\":true,\"timestamp\":\"2025-11-03T10:00:07+01:00\",\"data\":{\"type\":\"agent_progress\",\"message\":{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"nested\"}],\"usage\":{\"input_tokens\":1}}}}}" },
        { "a logical parent only", "{\"type\":\"progress\",\"uuid\":\"p1\",\"parentUuid\":null,\"logicalParentUuid\":\"u1\",\"data\":{\"type\":\"hook_progress\"}}" },
        { "no uuid", "{\"type\":\"progress\",\"parentUuid\":\"u1\",\"data\":{\"type\":\"hook_progress\"}}" },
        { "no data type", "{\"type\":\"progress\",\"uuid\":\"p1\",\"parentUuid\":\"u1\",\"data\":{\"hookName\":\"x\"}}" },
        { "a snapshot (which never joins the tree)", "{\"type\":\"file-history-snapshot\",\"uuid\":\"p1\",\"messageId\":\"m1\",\"snapshot\":{\"messageId\":\"m1\",\"trackedFileBackups\":{\"a.py\":{\"version\":1}},\"timestamp\":\"2025-11-03T09:00:00Z\"},\"isSnapshotUpdate\":false}" },
        { "another type after progress", "{\"type\":\"progress\",\"type\":\"user\",\"uuid\":\"u9\",\"parentUuid\":\"u1\",\"message\":{\"role\":\"user\",\"content\":\"still a prompt\"}}" },
        { "progress nested in a user line", "{\"type\":\"user\",\"uuid\":\"u9\",\"parentUuid\":\"u1\",\"hookState\":{\"type\":\"progress\"},\"message\":{\"role\":\"user\",\"content\":\"typed\"}}" },
        { "two objects glued", "{\"type\":\"progress\",\"uuid\":\"p1\",\"parentUuid\":\"u1\",\"data\":{\"type\":\"hook_progress\"}}{\"type\":\"progress\",\"uuid\":\"p2\",\"parentUuid\":\"p1\",\"data\":{\"type\":\"hook_progress\"}}" },
        // The damage comes before the type, so the column the full parse reports is the same either way.
        { "damaged payload", "{\"uuid\":\"p1\",\"parentUuid\":\"u1\",\"data\":{\"type\":\"hook_progress\",\"output\":\"bad \\x\"},\"type\":\"progress\"}" },
        { "a lone surrogate in the uuid", "{\"type\":\"progress\",\"uuid\":\"p\\ud83d\",\"parentUuid\":\"u1\",\"data\":{\"type\":\"hook_progress\"}}" },
        { "an array, not an object", "[\"type\",{\"type\":\"progress\"}]" },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void A_bookkeeping_line_reads_as_the_full_parse_reads_it(string what, string line)
    {
        Assert.False(string.IsNullOrEmpty(what));
        var path = $"/home/dev/.claude/projects/-home-dev-acme-shop/{ClaudeLines.Session}.jsonl";
        // Inside the conversation's path, and last in the file, where it can be the leaf the path starts from.
        AssertReadAlike(path, new ClaudeLines()
            .User("u1", null, "Run the hooks")
            .Raw(line)
            .Progress("p2", "p1", "hook_progress")
            .Text("a1", "p2", "msg_01A", "Done.")
            .Text());
        AssertReadAlike(path, new ClaudeLines()
            .User("u1", null, "Run the hooks")
            .Text("a1", "u1", "msg_01A", "Done.")
            .Raw(line)
            .Text());
    }

    [Fact]
    public void A_file_of_bookkeeping_lines_alone_reads_alike()
    {
        var lines = new ClaudeLines()
            .Progress("p1", null, "hook_progress")
            .Raw("{\"type\":\"file-history-snapshot\",\"messageId\":\"m1\",\"snapshot\":{\"trackedFileBackups\":{}},\"isSnapshotUpdate\":false}");

        AssertReadAlike($"/home/dev/.claude/projects/-home-dev-acme-shop/{ClaudeLines.Session}.jsonl", lines.Text());
    }
}
