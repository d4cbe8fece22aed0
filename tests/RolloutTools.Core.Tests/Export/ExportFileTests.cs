using System.Text;
using RolloutTools.Core.Export;

namespace RolloutTools.Core.Tests.Export;

public sealed class ExportFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("exportfile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string[] Leftovers() => Directory.GetFiles(_folder, "*.tmp");

    [Fact]
    public void Appending_to_a_utf16_file_keeps_utf16_and_ends_its_unfinished_last_line()
    {
        var path = Path.Combine(_folder, "wide.jsonl");
        var wide = new UnicodeEncoding(bigEndian: false, byteOrderMark: true);
        File.WriteAllBytes(path, [.. wide.GetPreamble(), .. wide.GetBytes("{\"a\":1}")]);

        using (var file = new ExportFile(path, append: true, new UTF8Encoding(false)))
        {
            Assert.Equal(1200, file.Encoding.CodePage);
            file.WriteLine("{\"b\":\"é\"}"u8);
            file.Commit();
        }

        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0xFF, 0xFE }, bytes[..2]);
        Assert.Equal("{\"a\":1}\n{\"b\":\"é\"}\n", wide.GetString(bytes, 2, bytes.Length - 2));
        Assert.Empty(Leftovers());
    }

    [Fact]
    public void A_long_name_of_many_bytes_is_exported_under_a_temporary_name_the_file_system_takes()
    {
        // 120 two-byte letters: a valid 246-byte file name, whose temporary name must stay under 255 bytes too.
        var path = Path.Combine(_folder, new string('é', 120) + ".jsonl");

        using (var file = new ExportFile(path, append: false, new UTF8Encoding(false)))
        {
            file.WriteLine("{}"u8);
            file.Commit();
        }

        Assert.Equal("{}\n", File.ReadAllText(path));
        Assert.Empty(Leftovers());
    }

    [Theory]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'x' }, 65001, 3)]
    [InlineData(new byte[] { 0xFE, 0xFF, 0, (byte)'x' }, 1201, 2)]
    [InlineData(new byte[] { 0xFF, 0xFE, 0, 0, (byte)'x', 0, 0, 0 }, 12000, 4)]
    [InlineData(new byte[] { (byte)'x' }, 65001, 0)]
    public void An_appended_file_keeps_the_encoding_its_byte_order_mark_names(byte[] head, int codePage, int preamble)
    {
        var path = Path.Combine(_folder, "head.jsonl");
        File.WriteAllBytes(path, head);
        var encoding = ExportFile.EncodingOf(path);
        Assert.Equal(codePage, encoding.CodePage);
        Assert.Equal(preamble, encoding.GetPreamble().Length);
    }

    [Fact]
    public void An_uncommitted_file_leaves_the_destination_and_no_temporary_file()
    {
        var path = Path.Combine(_folder, "kept.jsonl");
        File.WriteAllText(path, "previous\n");
        using (var file = new ExportFile(path, append: false, Encoding.UTF8))
        {
            file.WriteText("new\n");
            Assert.Single(Leftovers());
        }
        Assert.Equal("previous\n", File.ReadAllText(path));
        Assert.Empty(Leftovers());
    }

    [Fact]
    public void A_failure_names_the_destination_not_the_temporary_file()
    {
        var path = Path.Combine(_folder, "missing-folder", "data.jsonl");
        var failure = Assert.Throws<ExportFileException>(() => new ExportFile(path, append: false, Encoding.UTF8));
        Assert.Equal(path, failure.Destination);
        Assert.StartsWith($"Could not write '{path}': ", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_names_of_the_temporary_shape_count_as_ours()
    {
        Assert.True(TemporaryFiles.IsOurs(Path.GetFileName(TemporaryFiles.PathFor(Path.Combine(_folder, "data.jsonl")))));
        Assert.True(TemporaryFiles.IsOurs(Path.GetFileName(TemporaryFiles.PathFor(Path.Combine(_folder, new string('n', 300))))));
        Assert.False(TemporaryFiles.IsOurs("data.jsonl.0123456789abcdef0123456789abcdef.rollouttools.tmp"));
        Assert.False(TemporaryFiles.IsOurs(".data.jsonl.0123456789ABCDEF0123456789ABCDEF.rollouttools.tmp"));
        Assert.False(TemporaryFiles.IsOurs(".data.jsonl.0123456789abcdef.rollouttools.tmp"));
        Assert.False(TemporaryFiles.IsOurs(".data.jsonl.0123456789abcdef0123456789abcdef.tmp"));
    }
}
