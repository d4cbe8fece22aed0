using System.Text;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Codex;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using ZstdSharp;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>Codex's cold rollouts, compressed to .jsonl.zst (samples/codex/make-later-rollouts.py made the sample).</summary>
public sealed class CodexCompressedTests : IDisposable
{
    private const string Thread = "0199d9a1-3b7e-7c42-9f1d-2a6e5b8c4d10";
    private const string Name = $"rollout-2025-10-12T16-20-00-{Thread}.jsonl";
    private static readonly string Sample = SampleFolder.Root("codex", "archived_sessions", Name + ".zst");
    private readonly string _folder = Directory.CreateTempSubdirectory("codex-zst-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static IReadOnlyList<ReadResult> Read(params string[] files) => SampleFolder.Read(new CodexReader(), files);

    private static byte[] Decompressed(string path)
    {
        using var decoder = new DecompressionStream(File.OpenRead(path));
        using var text = new MemoryStream();
        decoder.CopyTo(text);
        return text.ToArray();
    }

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>A rollout long enough for several zstd blocks (128 KiB of text each), so a cut falls after whole lines.</summary>
    private static byte[] LongRollout()
    {
        var text = new StringBuilder();
        text.Append($"{{\"timestamp\":\"2025-10-12T14:20:00.412Z\",\"type\":\"session_meta\",\"payload\":{{\"id\":\"{Thread}\",\"cwd\":\"/home/dev/tile-cache\",\"cli_version\":\"0.46.0\"}}}}\n");
        for (var i = 0; i < 4000; i++)
        {
            var (role, kind) = i % 2 == 0 ? ("user", "input_text") : ("assistant", "output_text");
            text.Append($"{{\"timestamp\":\"2025-10-12T14:{20 + i / 600:00}:{i / 10 % 60:00}.000Z\",\"type\":\"response_item\",\"payload\":{{\"type\":\"message\",\"role\":\"{role}\",\"content\":[{{\"type\":\"{kind}\",\"text\":\"Message {i} about tile {i * 7} at zoom {i % 19}, {new string((char)('a' + i % 26), 40 + i % 90)}\"}}]}}}}\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] Compress(byte[] text)
    {
        using var compressor = new Compressor(3);
        return compressor.Wrap(text).ToArray();
    }

    [Fact]
    public void A_compressed_rollout_reads_as_its_plain_twin()
    {
        var plain = Write(Name, Decompressed(Sample));
        var compressed = Assert.Single(Read(Sample));
        var twin = Assert.Single(Read(plain));

        Assert.Empty(compressed.Diagnostics);
        Assert.Equal(twin.Record!.TraceId, compressed.Record!.TraceId);
        Assert.Equal(SampleFolder.Kinds(twin.Record), SampleFolder.Kinds(compressed.Record));
        Assert.Equal(twin.Record.Messages.Select(m => m.Text), compressed.Record.Messages.Select(m => m.Text));
        Assert.Equal(new TokenUsage(9120, 214, 0, 0), SampleFolder.Tokens(compressed.Record));
        Assert.Equal(SampleFolder.Tokens(twin.Record), SampleFolder.Tokens(compressed.Record));
        Assert.Equal(true, compressed.Record.SourceMeta["compressed"]);
        Assert.False(twin.Record.SourceMeta.ContainsKey("compressed"));
    }

    [Fact]
    public void Usage_only_reads_count_a_compressed_rollout()
    {
        var result = Assert.Single(SampleFolder.Read(new CodexReader(), new[] { Sample }, new ReadOptions { UsageOnly = true }));

        Assert.Equal(new TokenUsage(9120, 214, 0, 0), SampleFolder.Tokens(result.Record!));
    }

    [Fact]
    public void A_rollout_and_its_compressed_twin_are_read_once_from_the_plain_file()
    {
        var compressed = Write(Name + ".zst", File.ReadAllBytes(Sample));
        var plain = Write(Name, Decompressed(Sample));

        var results = Read(compressed, plain);

        var read = Assert.Single(results, r => r.Record is not null);
        Assert.Equal(plain, read.Source.Path);
        var skipped = Assert.Single(results, r => r.Record is null);
        Assert.Equal(compressed, skipped.Source.Path);
        Assert.Contains(plain, skipped.SkipMessage);
    }

    [Fact]
    public void Twins_fall_in_one_share_of_a_partition_and_are_read_once_across_the_shares()
    {
        Write(Name + ".zst", File.ReadAllBytes(Sample));
        var plain = Write(Name, Decompressed(Sample));

        var records = Enumerable.Range(0, 3).SelectMany(share =>
        {
            var plan = new ReadPlan { Partition = new SessionPartition(share, 3) };
            plan.AddPath(_folder);
            return plan.Read(new ReadOptions(), CancellationToken.None).Select(r => r.Record).OfType<RolloutRecord>();
        }).ToArray();

        Assert.Equal(plain, Assert.Single(records).SourcePath);
    }

    [Fact]
    public void A_cut_off_frame_is_an_error_naming_the_file_and_the_lines_before_it_read()
    {
        var whole = Compress(LongRollout());
        var cut = Write(Name + ".zst", whole[..(whole.Length * 2 / 3)]);

        var result = Assert.Single(Read(cut));

        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(RolloutDiagnostic.ReadError, error.ErrorId);
        Assert.Equal(cut, error.Path);
        Assert.Contains("cut off", error.Message);
        Assert.InRange(result.Record!.MessageCount, 100, 3999);
        Assert.Equal("Message 0 about tile 0 at zoom 0", result.Record.Messages[0].Text![..32]);
    }

    [Fact]
    public void Damaged_data_is_an_error_and_no_exception()
    {
        var damaged = Compress(LongRollout());
        for (var i = damaged.Length / 2; i < damaged.Length / 2 + 64; i++) damaged[i] ^= 0x5A;
        var path = Write(Name + ".zst", damaged);

        var result = Assert.Single(Read(path));

        var error = Assert.Single(result.Diagnostics, d => d.ErrorId == RolloutDiagnostic.ReadError);
        Assert.Equal(path, error.Path);
        Assert.Contains("damaged zstd data", error.Message);
    }

    [Fact]
    public void Discovery_finds_compressed_rollouts_by_their_name()
    {
        var reader = new CodexReader();

        Assert.True(reader.IsTraceFile(Sample));
        Assert.Same(reader, TraceFileFinder.Claim(Sample, new IRolloutReader[] { reader }, strict: false));
        var found = TraceFileFinder.Find(SampleFolder.Root("codex", "archived_sessions"), new IRolloutReader[] { reader }, new TraceSearch()).Files;
        Assert.Contains(found, f => f.Path == Sample);
    }

    [Theory]
    [InlineData("rollout-2026-10-02T09-00-00-01a11b2c-4d5e-7f60-8a1b-2c3d4e5f6071.jsonl", "01a11b2c-4d5e-7f60-8a1b-2c3d4e5f6071", null)]
    [InlineData("rollout-2026-10-02T09-00-00-01a11b2c-4d5e-7f60-8a1b-2c3d4e5f6071.jsonl.zst", "01a11b2c-4d5e-7f60-8a1b-2c3d4e5f6071", null)]
    [InlineData("rollout-2026-10-02T09-10-00-01a11b2c-4d5e-7f60-8a1b-2c3d4e5f6071_01a11b40-9e8d-7c6b-9a5f-4e3d2c1b0a99.jsonl.zst",
        "01a11b2c-4d5e-7f60-8a1b-2c3d4e5f6071", "01a11b40-9e8d-7c6b-9a5f-4e3d2c1b0a99")]
    [InlineData("rollout-2025-05-02-0b6f3947-ec62-4143-96a4-6a45f9b31361.json", "0b6f3947-ec62-4143-96a4-6a45f9b31361", null)]
    public void A_rollout_name_gives_its_thread_and_a_later_rollout_its_own_id(string name, string thread, string? rollout)
    {
        Assert.Equal(new CodexFileName(thread, rollout), CodexFileName.Parse(name));
    }

    [Fact]
    public void A_name_without_an_id_gives_none() => Assert.Null(CodexFileName.Parse("rollout-notes.jsonl"));
}
