using System.Text;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Json;

public sealed class JsonDocumentReaderTests
{
    private static (string? Root, IReadOnlyList<RolloutDiagnostic> Diagnostics) Read(byte[] bytes)
    {
        var diagnostics = new DiagnosticList("doc.json");
        using var document = JsonDocumentReader.Read(new MemoryStream(bytes), diagnostics);
        return (document?.Root.GetProperty("a").GetString(), diagnostics.Items);
    }

    [Fact]
    public void A_document_with_a_byte_order_mark_is_read()
    {
        var (root, diagnostics) = Read(Encoding.UTF8.Preamble.ToArray().Concat("{\"a\": \"x\"}"u8.ToArray()).ToArray());

        Assert.Equal("x", root);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void Damage_is_reported_at_its_line()
    {
        var (root, diagnostics) = Read("{\n  \"a\": \"x\",\n  \"b\": [1, 2,\n}\n"u8.ToArray());

        Assert.Null(root);
        var error = Assert.Single(diagnostics);
        Assert.Equal((RolloutDiagnostic.ParseError, 4), (error.ErrorId, error.LineNumber));
        Assert.StartsWith("doc.json:4:1: not valid JSON: ", error.Message);
        Assert.DoesNotContain("LineNumber", error.Message);
    }

    [Fact]
    public void Invalid_utf8_is_repaired_and_named_by_line()
    {
        var (root, diagnostics) = Read("{\n\n  \"a\": \"caf"u8.ToArray().Concat(new byte[] { 0xE9 }).Concat("\"\n}"u8.ToArray()).ToArray());

        Assert.Equal("caf\uFFFD", root);
        Assert.Equal((RolloutDiagnostic.InvalidUtf8, 3), (Assert.Single(diagnostics).ErrorId, diagnostics[0].LineNumber));
    }

    [Fact]
    public void An_element_is_named_by_the_line_it_starts_on()
    {
        var diagnostics = new DiagnosticList("doc.json");
        var text = "{\n  \"meta\": {\"steps\": [9]},\n  \"steps\": [\n    {\"a\": 1},\n    {\n      \"a\": [1,\n 2]\n    },\n    3\n  ]\n}\n";
        using var document = JsonDocumentReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), diagnostics)!;

        Assert.Equal(new int?[] { 4, 5, 9, null }, Enumerable.Range(0, 4).Select(i => document.ElementLine("steps", i)));
    }

    [Fact]
    public void An_empty_file_is_a_warning_and_a_root_that_is_no_object_an_error()
    {
        Assert.Equal(RolloutDiagnostic.EmptyFile, Assert.Single(Read(" \n"u8.ToArray()).Diagnostics).ErrorId);
        var diagnostics = new DiagnosticList("doc.json");
        Assert.Null(JsonDocumentReader.Read(new MemoryStream("[1, 2]"u8.ToArray()), diagnostics));
        Assert.Equal(RolloutDiagnostic.NoUsableLines, Assert.Single(diagnostics.Items).ErrorId);
    }
}
