using System.Text;

namespace RolloutTools.Bench;

/// <summary>
/// Deterministic text of the kinds agents log: prose for prompts and answers, command output and source lines for
/// tool results, base64 for images and encrypted reasoning. Built once per corpus from the seed; sessions take
/// slices of it at random offsets, which keeps gigabyte corpora fast to write without repeating one string.
/// </summary>
public sealed class Filler
{
    private static readonly string[] Words =
    [
        "the", "build", "test", "config", "request", "handler", "cache", "rates", "order", "invoice", "shipping",
        "parser", "module", "returns", "fails", "passes", "because", "instead", "of", "value", "null", "when",
        "file", "path", "check", "update", "schema", "migration", "error", "retry", "timeout", "client", "server",
        "first", "then", "run", "read", "fix", "add", "remove", "rename", "function", "class", "field", "index",
        "query", "rows", "column", "branch", "commit", "review", "deploy", "staging", "logs", "metrics", "queue",
        "worker", "token", "session", "user", "account", "price", "total", "rounding", "decimal", "währung", "naïve",
    ];

    private static readonly string[] CodeLines =
    [
        "export function loadRates(country: string) {", "  return table[country] ?? table.DEFAULT;", "}",
        "def line_total(amount):", "    return amount.quantize(CENT, rounding=ROUND_HALF_UP)",
        "  ✓ orders › refunds keep tax lines (5 ms)", "  ✓ shipping/rates › AT standard falls back to DEFAULT (1 ms)",
        "FAIL src/cart.test.ts > applies coupon \"SAVE15\" to the subtotal", "    at Object.<anonymous> (src/cart.ts:41:13)",
        "drwxr-xr-x  5 dev dev  4096 Nov  3 09:12 src", "-rw-r--r--  1 dev dev 12873 Nov  3 09:12 package.json",
        "src/ledger/totals.py:31:    return round(amount, 2)", "warning: unused variable `count` --> src/main.rs:12:9",
        "    if (!rows.length) {\\n      return;\\n    }", "SELECT id, total FROM invoices WHERE total < 0;",
        "go test ./... ok  	github.com/dev/relay/buffer	0.412s", "\t\"name\": \"acme-shop\", \"version\": \"4.2.0\",",
    ];

    private const string Base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private readonly string _prose;
    private readonly string _output;
    private readonly string _base64;

    public Filler(int seed)
    {
        var rng = new Random(seed);
        var prose = new StringBuilder(1 << 20);
        while (prose.Length < 1 << 20)
        {
            prose.Append(Words[rng.Next(Words.Length)]);
            prose.Append(rng.Next(12) == 0 ? ". " : " ");
        }
        _prose = prose.ToString();
        var output = new StringBuilder(1 << 21);
        while (output.Length < 1 << 21)
        {
            output.Append(CodeLines[rng.Next(CodeLines.Length)]).Append('\n');
        }
        _output = output.ToString();
        var base64 = new char[1 << 21];
        for (var i = 0; i < base64.Length; i++) base64[i] = Base64Alphabet[rng.Next(64)];
        _base64 = new string(base64);
    }

    /// <summary>A run of words of about the given length, starting at a word boundary.</summary>
    public string Prose(Random rng, int length) => Slice(_prose, rng, length, ' ');

    /// <summary>Lines of command output or source text of about the given length.</summary>
    public string Output(Random rng, int length) => Slice(_output, rng, length, '\n');

    /// <summary>Base64 text of exactly the given length rounded to a multiple of four, so it decodes.</summary>
    public string Base64(Random rng, int length)
    {
        length = Math.Max(4, length / 4 * 4);
        length = Math.Min(length, _base64.Length);
        return _base64.Substring(rng.Next(_base64.Length - length + 1), length);
    }

    /// <summary>A PNG as agents embed it: the real signature, then data.</summary>
    public string PngBase64(Random rng, int length) => "iVBORw0KGgoAAAANSUhEUgAA" + Base64(rng, length);

    public static string Hex(Random rng, int digits)
    {
        const string hex = "0123456789abcdef";
        return string.Create(digits, rng, (span, r) => { for (var i = 0; i < span.Length; i++) span[i] = hex[r.Next(16)]; });
    }

    /// <summary>A version-7-looking id (time-ordered prefix, random tail), as Codex and Claude Code write them.</summary>
    public static string Uuid(Random rng) =>
        $"{Hex(rng, 8)}-{Hex(rng, 4)}-7{Hex(rng, 3)}-{"89ab"[rng.Next(4)]}{Hex(rng, 3)}-{Hex(rng, 12)}";

    public static string Base62(Random rng, int length)
    {
        const string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(length, rng, (span, r) => { for (var i = 0; i < span.Length; i++) span[i] = chars[r.Next(chars.Length)]; });
    }

    private static string Slice(string pool, Random rng, int length, char boundary)
    {
        length = Math.Clamp(length, 1, pool.Length / 2);
        var start = rng.Next(pool.Length - length);
        var from = pool.IndexOf(boundary, start) + 1;
        if (from <= 0 || from + length > pool.Length) from = 0;
        return pool.Substring(from, length).Trim();
    }
}
