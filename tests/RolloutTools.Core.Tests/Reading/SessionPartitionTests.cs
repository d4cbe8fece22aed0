using RolloutTools.Core.Formats;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Tests.Formats;

namespace RolloutTools.Core.Tests.Reading;

/// <summary>Workers over one folder, each with its share: disjoint shares whose union is the whole, the same on every machine.</summary>
public sealed class SessionPartitionTests
{
    private static string Samples => SampleFolder.Root();

    private static string[] Queued(SessionPartition? partition)
    {
        var plan = new ReadPlan { Search = new() { Recurse = true }, Partition = partition };
        plan.AddPath(Samples);
        return plan.Requests.Select(r => $"{r.Source.Path}#{r.Source.Key}").ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Shares_are_disjoint_and_together_are_every_session(int count)
    {
        var all = Queued(null);
        var shares = Enumerable.Range(0, count).Select(i => Queued(new SessionPartition(i, count))).ToArray();

        Assert.Equal(all.Order(), shares.SelectMany(s => s).Order());
        Assert.Equal(all.Length, shares.SelectMany(s => s).Distinct().Count());
        if (count > 1) Assert.All(shares, share => Assert.True(share.Length < all.Length, "every share is a part"));
    }

    [Fact]
    public void A_share_goes_by_the_session_id_so_its_copies_and_subagents_fall_together()
    {
        var partition = new SessionPartition(0, 5);
        var reader = FormatRegistry.Default.Get(RolloutTools.Core.Model.RolloutFormat.ClaudeCode);
        var session = new SessionReference(TraceSource.FromFile("/a/p/2cb29738-c0cd-422a-a851-f96c078ca30a.jsonl"), reader) { Ids = new NamedIds("2cb29738-c0cd-422a-a851-f96c078ca30a") };
        var subagent = new SessionReference(TraceSource.FromFile("/b/x/agent-a2f5215.jsonl"), reader) { Ids = new NamedIds("2cb29738-c0cd-422a-a851-f96c078ca30a:a2f5215", "a2f5215") };

        Assert.Equal(SessionPartition.Name(session, "/a"), SessionPartition.Name(subagent, "/b"));
        Assert.Equal(partition.Takes(session, "/a"), partition.Takes(subagent, "/b"));
    }

    [Fact]
    public void Without_an_id_a_share_goes_by_the_path_below_the_folder_searched_so_mount_points_do_not_matter()
    {
        var one = new SessionReference(TraceSource.FromFile(Path.Combine("/mnt/share", "team", "run-1", "trajectory.json")));
        var other = new SessionReference(TraceSource.FromFile(Path.Combine("/srv/data", "team", "run-1", "trajectory.json")));
        var row = new SessionReference(TraceSource.FromFile(Path.Combine("/srv/data", "state.db"), "20260312_091500_a1b2c3"));

        Assert.Equal("team/run-1/trajectory.json", SessionPartition.Name(one, "/mnt/share"));
        Assert.Equal(SessionPartition.Name(one, "/mnt/share"), SessionPartition.Name(other, "/srv/data"));
        Assert.Equal("state.db#20260312_091500_a1b2c3", SessionPartition.Name(row, "/srv/data"));
    }

    [Fact]
    public void The_hash_is_the_same_in_every_process()
    {
        // FNV-1a over UTF-8, not string.GetHashCode, which .NET seeds per process; 7 is what an independent
        // implementation (Python, 64-bit FNV-1a of the id, modulo 8) gives.
        var name = new SessionReference(TraceSource.FromFile("/r/x.jsonl")) { Ids = new NamedIds("019ccfb2-61b7-7429-aa26-f59410d95df5") };
        var shares = Enumerable.Range(0, 8).Where(i => new SessionPartition(i, 8).Takes(name, "/r")).ToArray();

        Assert.Equal(new[] { 7 }, shares);
    }

    [Theory]
    [InlineData(-1, 2)]
    [InlineData(2, 2)]
    [InlineData(0, 0)]
    public void An_index_outside_the_count_is_refused(int index, int count) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SessionPartition(index, count));
}
