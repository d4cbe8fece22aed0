using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Tests.Reading;

namespace RolloutTools.Core.Tests.Discovery;

/// <summary>Folder searches over unreadable folders and links, built for real in a temporary folder.</summary>
public sealed class TraceFileFinderTests : IDisposable
{
    private static readonly TraceSearch Recursive = new() { Recurse = true };
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("rollout-find-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string Root => _folder.FullName;

    private string File(string relative)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, "{}\n");
        return path;
    }

    private void Link(string relative, string target)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (Directory.Exists(Path.Combine(Path.GetDirectoryName(path)!, target))) Directory.CreateSymbolicLink(path, target);
        else System.IO.File.CreateSymbolicLink(path, target);
    }

    private FoundTraces Find(TraceSearch search, FolderWalk? walk = null) =>
        TraceFileFinder.Find(Path.Combine(Root, "p"), FormatRegistry.Default.All, search, walk ?? FolderWalk.Disk, FormatRegistry.Default);

    private string[] Relative(FoundTraces found) => found.Files.Select(f => Path.GetRelativePath(Path.Combine(Root, "p"), f.Path).Replace('\\', '/')).ToArray();

    [Fact]
    public void A_folder_that_cannot_be_listed_is_reported_and_everything_else_is_found()
    {
        File("p/a.jsonl");
        File("p/locked/b.jsonl");
        File("p/locked/deeper/c.jsonl");
        File("p/z/d.jsonl");
        // Root reads any folder; the walk's listing seam refuses this one as the file system refuses a user.
        var refusing = new FolderWalk(folder => folder.Name == "locked"
            ? throw new UnauthorizedAccessException($"Access to the path '{folder.FullName}' is denied.")
            : folder.EnumerateFileSystemInfos());

        var found = Find(Recursive, refusing);

        Assert.Equal(new[] { "a.jsonl", "z/d.jsonl" }, Relative(found));
        var unreadable = Assert.Single(found.UnreadableFolders);
        Assert.Equal(Path.Combine(Root, "p", "locked"), unreadable.Path);
        Assert.IsType<UnauthorizedAccessException>(unreadable.Error);
        Assert.Equal((RolloutDiagnostic.FolderUnreadable, DiagnosticSeverity.Error), (unreadable.Diagnostic.ErrorId, unreadable.Diagnostic.Severity));
        Assert.Equal($"{unreadable.Path}: cannot read the folder (permission denied); the traces in it are skipped, the rest is read.", unreadable.Diagnostic.Message);
    }

    [UnixFact]
    public void A_link_to_an_ancestor_is_not_entered_and_each_trace_is_found_once()
    {
        File("p/a.jsonl");
        File("p/sub/b.jsonl");
        Link("p/sub/up", "..");
        Link("p/sub/loop", "/" + Path.GetRelativePath("/", Path.Combine(Root, "p")));

        Assert.Equal(new[] { "a.jsonl", "sub/b.jsonl" }, Relative(Find(Recursive)));
        Assert.Equal(new[] { "a.jsonl", "sub/b.jsonl" }, Relative(Find(Recursive with { FollowLinks = true })));
    }

    [UnixFact]
    public void Linked_folders_are_entered_only_when_asked_and_each_real_folder_once()
    {
        File("p/a.jsonl");
        File("elsewhere/c.jsonl");
        File("elsewhere/inner/d.jsonl");
        Link("p/ext", "../elsewhere");
        Link("p/ext2", "../elsewhere");
        Link("elsewhere/inner/back", "../../p");
        Link("p/knot1", "knot2");
        Link("p/knot2", "knot1");

        Assert.Equal(new[] { "a.jsonl" }, Relative(Find(Recursive)));
        Assert.Equal(new[] { "a.jsonl", "ext/c.jsonl", "ext/inner/d.jsonl" }, Relative(Find(Recursive with { FollowLinks = true })));
    }

    [UnixFact]
    public void A_linked_file_is_read_once_under_the_name_of_the_file_it_points_to()
    {
        File("p/a.jsonl");
        Link("p/alias.jsonl", "a.jsonl");
        Link("p/sub/again.jsonl", "../a.jsonl");
        File("elsewhere/outside.jsonl");
        Link("p/borrowed.jsonl", "../elsewhere/outside.jsonl");

        Assert.Equal(new[] { "a.jsonl", "borrowed.jsonl" }, Relative(Find(Recursive)));
    }

    [Fact]
    public void Without_recursion_a_folder_yields_its_traces_and_their_subagents_only()
    {
        var session = File("p/s1.jsonl");
        File("p/s1/subagents/agent-a1.jsonl");
        File("p/s1/tool-results/spill.jsonl");
        File("p/deep/er/x.jsonl");
        File("p/rollout-2025-11-20T21-05-09-t.jsonl");

        var found = Find(new TraceSearch());

        Assert.Equal(new[] { "rollout-2025-11-20T21-05-09-t.jsonl", "s1.jsonl", "s1/subagents/agent-a1.jsonl" }, Relative(found));
        Assert.Equal(new[] { "ClaudeCode", "Codex", "Normalized", "HermesAgent", "QwenCode", "Cursor", "CopilotCli", "FactoryDroid" }, found.Files[0].Readers.Select(r => r.Format.ToString()));
        Assert.Equal(new[] { "ClaudeCode", "Normalized", "HermesAgent", "QwenCode", "Cursor", "CopilotCli", "FactoryDroid" }, found.Files.Single(f => f.Path == session).Readers.Select(r => r.Format.ToString()));
        Assert.True(TraceFileFinder.HasDeeperTraces(Path.Combine(Root, "p", "deep"), FormatRegistry.Default.All, followLinks: false));
    }

    [Fact]
    public void A_store_is_searched_no_deeper_than_its_format_keeps_sessions()
    {
        // A Hermes home: its stores, a profile's, and a checkout of Hermes' own code that a search need not walk.
        File("p/state.db");
        File("p/sessions/session_20260310_140000_0f1e2d.json");
        File("p/profiles/work/sessions/session_20260311_090000_1a2b3c.json");
        File("p/hermes-agent/tests/fixtures/deep/sessions/session_x.json");
        var hermes = FormatRegistry.Default.Get(RolloutTools.Core.Model.RolloutFormat.HermesAgent);

        var located = hermes.Locate(Path.Combine(Root, "p"), new TraceSearch(), FormatRegistry.Default);

        Assert.Equal(
            new[] { "profiles/work/sessions/session_20260311_090000_1a2b3c.json", "sessions/session_20260310_140000_0f1e2d.json", "state.db" },
            located.Sessions.Select(s => Path.GetRelativePath(Path.Combine(Root, "p"), s.Source.Path).Replace('\\', '/')));
    }
}
