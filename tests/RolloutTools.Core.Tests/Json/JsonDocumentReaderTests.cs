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
        return (document?.RootElement.GetProperty("a").GetString(), diagnostics.Items);
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
        Assert.StartsWith("doc.json:4: not valid JSON", error.Message);
    }

    [Fact]
    public void Invalid_utf8_is_repaired_and_named_by_line()
    {
        var (root, diagnostics) = Read("{\n\n  \"a\": \"caf"u8.ToArray().Concat(new byte[] { 0xE9 }).Concat("\"\n}"u8.ToArray()).ToArray());

        Assert.Equal("caf\uFFFD", root);
        Assert.Equal((RolloutDiagnostic.InvalidUtf8, 3), (Assert.Single(diagnostics).ErrorId, diagnostics[0].LineNumber));
    }
}
