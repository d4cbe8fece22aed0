using System.Text;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Json;

public sealed class JsonLineReaderTests
{
    private static (List<(int Line, string Json)> Values, DiagnosticList Diagnostics) Read(byte[] bytes)
    {
        var diagnostics = new DiagnosticList("trace.jsonl");
        var values = JsonLineReader.Read(new MemoryStream(bytes), diagnostics)
            .Select(v => (v.LineNumber, v.Root.GetRawText()))
            .ToList();
        return (values, diagnostics);
    }

    private static (List<(int Line, string Json)> Values, DiagnosticList Diagnostics) Read(string text) => Read(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Lines_without_a_marker_are_passed_over_unparsed_and_line_numbers_still_count_them()
    {
        var diagnostics = new DiagnosticList("trace.jsonl");
        var text = "{\"type\":\"user\"}\nnot json at all\n{\"type\":\"assistant\",\"usage\":{}}\n{\"usage\": broken\n{\"type\":\"turn\"}{\"usage\":1}\n";

        var values = new List<(int, string)>();
        JsonLineReader.ReadEach(new MemoryStream(Encoding.UTF8.GetBytes(text)), diagnostics, v => values.Add((v.LineNumber, v.Root.GetRawText())), only: new LineMarkers("\"usage\""));

        // Line 2 is damaged but holds no marker, so it is never looked at; line 4 holds one and is reported.
        Assert.Equal(new[] { (3, "{\"type\":\"assistant\",\"usage\":{}}"), (5, "{\"type\":\"turn\"}"), (5, "{\"usage\":1}") }, values);
        Assert.Equal(4, Assert.Single(diagnostics.Items).LineNumber);
    }

    [Fact]
    public void A_shortcut_takes_the_lines_it_accepts_unparsed_as_trimmed_valid_text_and_declines_the_rest()
    {
        var diagnostics = new DiagnosticList("trace.jsonl");
        var bytes = Encoding.UTF8.GetBytes("  {\"skip\": oops }\r\n{\"keep\":1}\n{\"skip\":\"\u00e9\"}\n").ToList();
        // An invalid byte in the last line, repaired before the shortcut sees it.
        bytes.Insert(bytes.Count - 3, 0xFF);
        var offered = new List<string>();
        var values = new List<int>();

        JsonLineReader.ReadEach(new MemoryStream(bytes.ToArray()), diagnostics, v => values.Add(v.LineNumber), shortcut: line =>
        {
            offered.Add(Encoding.UTF8.GetString(line));
            return line.IndexOf("\"skip\""u8) >= 0;
        });

        // The damaged first line was taken by the shortcut, so it is never parsed or reported.
        Assert.Equal(new[] { "{\"skip\": oops }", "{\"keep\":1}", "{\"skip\":\"\u00e9\ufffd\"}" }, offered);
        Assert.Equal(new[] { 2 }, values);
        Assert.Equal(RolloutDiagnostic.InvalidUtf8, Assert.Single(diagnostics.Items).ErrorId);
    }

    [Fact]
    public void A_line_nests_as_deep_as_a_whole_document_may_and_deeper_is_damage_named_by_line()
    {
        static string Nested(int depth) => "{\"v\":" + string.Concat(Enumerable.Repeat("[", depth - 1)) + string.Concat(Enumerable.Repeat("]", depth - 1)) + "}";
        var deep = Nested(200);

        var (values, diagnostics) = Read($"{deep}\n{deep}{{\"glued\":1}}\n{Nested(300)}\n{{\"after\":1}}\n");

        // Past the parser's default of 64 levels, alone and glued to another object; past 256, the line is reported.
        Assert.Equal(new[] { 1, 2, 2, 4 }, values.Select(v => v.Line));
        Assert.Equal(3, Assert.Single(diagnostics.Items).LineNumber);
    }

    [Fact]
    public void Glued_objects_on_one_line_are_both_read()
    {
        var (values, diagnostics) = Read("{\"a\":1}\n{\"b\":2}{\"c\":3}\n{\"d\":4}\n");

        Assert.Equal(new[] { (1, "{\"a\":1}"), (2, "{\"b\":2}"), (2, "{\"c\":3}"), (3, "{\"d\":4}") }, values);
        Assert.Empty(diagnostics.Items);
    }

    [Fact]
    public void Truncated_last_line_is_a_warning_and_the_rest_is_kept()
    {
        var (values, diagnostics) = Read("{\"a\":1}\n{\"b\":");

        Assert.Equal(new[] { (1, "{\"a\":1}") }, values);
        var warning = Assert.Single(diagnostics.Items);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(RolloutDiagnostic.TruncatedLine, warning.ErrorId);
        Assert.Equal(2, warning.LineNumber);
        Assert.StartsWith("trace.jsonl:2:", warning.Message);
    }

    [Fact]
    public void Bad_line_is_an_error_naming_file_and_line_and_later_lines_survive()
    {
        var (values, diagnostics) = Read("{\"a\":1}\nnot json\n{\"c\":3}\n");

        Assert.Equal(new[] { (1, "{\"a\":1}"), (3, "{\"c\":3}") }, values);
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal(RolloutDiagnostic.ParseError, error.ErrorId);
        Assert.Equal(2, error.LineNumber);
        Assert.Equal("trace.jsonl:2:2: not valid JSON: 'not json' is an invalid JSON literal. Expected the literal 'null'. The line was skipped.", error.Message);
    }

    [Fact]
    public void A_bad_line_names_the_column_in_the_file_and_none_of_the_parsers_own_positions()
    {
        // Blanks before the value and a value glued before the damage both count toward the column.
        var (_, diagnostics) = Read("{\"a\":1}\n  {\"b\":2}{\"c\": x}\n");

        var error = Assert.Single(diagnostics.Items);
        Assert.Equal("trace.jsonl:2:16: not valid JSON: 'x' is an invalid start of a value. The line was skipped.", error.Message);
        Assert.DoesNotContain("BytePositionInLine", error.Message);
    }

    [Fact]
    public void Valid_object_followed_by_garbage_keeps_the_object_and_reports_the_line()
    {
        var (values, diagnostics) = Read("{\"a\":1}}x\n{\"b\":2}\n");

        Assert.Equal(new[] { (1, "{\"a\":1}"), (2, "{\"b\":2}") }, values);
        Assert.Equal(1, Assert.Single(diagnostics.Items).LineNumber);
    }

    [Fact]
    public void Bom_crlf_and_blank_lines_are_tolerated()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("{\"a\":1}\r\n\r\n  \r\n{\"b\":2}\r\n")).ToArray();

        var (values, diagnostics) = Read(bytes);

        Assert.Equal(new[] { (1, "{\"a\":1}"), (4, "{\"b\":2}") }, values);
        Assert.Empty(diagnostics.Items);
    }

    [Fact]
    public void Invalid_utf8_is_replaced_and_the_line_kept()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"t\":\"a").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("b\"}\n")).ToArray();

        var (values, diagnostics) = Read(bytes);

        Assert.Equal("{\"t\":\"a\uFFFD(b\"}", Assert.Single(values).Json);
        Assert.Equal(RolloutDiagnostic.InvalidUtf8, Assert.Single(diagnostics.Items).ErrorId);
    }

    [Fact]
    public void Lines_longer_than_the_buffer_are_read_whole()
    {
        var big = new string('x', 300_000);
        var (values, diagnostics) = Read($"{{\"a\":\"{big}\"}}\n{{\"b\":2}}\n");

        Assert.Equal(2, values.Count);
        Assert.Equal(big.Length + 8, values[0].Json.Length);
        Assert.Empty(diagnostics.Items);
    }

    [Fact]
    public void Last_line_without_newline_is_read_when_complete()
    {
        var (values, diagnostics) = Read("{\"a\":1}\n{\"b\":2}");

        Assert.Equal(2, values.Count);
        Assert.Empty(diagnostics.Items);
    }

    /// <summary>Reads with a small line limit, handing the bytes over a few at a time as a slow disk or a pipe would.</summary>
    private static (List<(int Line, string Json)> Values, DiagnosticList Diagnostics) ReadLimited(string text, int maxLineBytes)
    {
        var diagnostics = new DiagnosticList("trace.jsonl");
        var values = JsonLineReader.Read(new TrickleStream(Encoding.UTF8.GetBytes(text)), diagnostics, maxLineBytes)
            .Select(v => (v.LineNumber, v.Root.GetRawText()))
            .ToList();
        return (values, diagnostics);
    }

    [Fact]
    public void A_line_over_the_limit_is_an_error_naming_it_and_the_next_lines_are_read()
    {
        var huge = "{\"big\":\"" + new string('x', 200) + "\"}";
        var (values, diagnostics) = ReadLimited("{\"a\":1}\n" + huge + "\n{\"c\":3}\n" + huge + "\n{\"e\":5}\n", maxLineBytes: 40);

        Assert.Equal(new[] { (1, "{\"a\":1}"), (3, "{\"c\":3}"), (5, "{\"e\":5}") }, values);
        Assert.Equal(new[] { (RolloutDiagnostic.LineTooLong, (int?)2), (RolloutDiagnostic.LineTooLong, 4) }, diagnostics.Items.Select(d => (d.ErrorId, d.LineNumber)));
        Assert.All(diagnostics.Items, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
        Assert.StartsWith("trace.jsonl:2: the line is longer than 40 bytes", diagnostics.Items[0].Message);
    }

    [Fact]
    public void A_line_at_the_limit_is_read_and_an_endless_last_line_is_dropped_as_it_comes()
    {
        var atLimit = "{\"k\":\"" + new string('y', 32) + "\"}";
        Assert.Equal(40, atLimit.Length);
        var (values, diagnostics) = ReadLimited(atLimit + "\n" + new string('z', 10_000), maxLineBytes: 40);

        Assert.Equal(new[] { (1, atLimit) }, values);
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal((RolloutDiagnostic.LineTooLong, (int?)2), (error.ErrorId, error.LineNumber));
    }

    /// <summary>Returns at most 7 bytes per read, so a line arrives over many reads.</summary>
    private sealed class TrickleStream : MemoryStream
    {
        public TrickleStream(byte[] bytes)
            : base(bytes, writable: false)
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 7));
    }
}
