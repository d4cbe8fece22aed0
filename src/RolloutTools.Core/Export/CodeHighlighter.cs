using System.Text;

namespace RolloutTools.Core.Export;

/// <summary>
/// Colours code on the HTML page without a script and without a request: the page's own spans around comments,
/// strings, numbers and keywords, found by a small scanner per family of languages (C-like, hash-commented, SQL,
/// JSON). It reads only as far as a reader's eye needs (no nesting, no string interpolation, no regex literals),
/// and it never fails: what it does not recognise is plain text. Every character of the code is HTML-escaped;
/// the only markup is &lt;span class="…"&gt; with a class of ours.
/// </summary>
internal static class CodeHighlighter
{
    private sealed record Syntax(string[] LineComments, (string Open, string Close)? BlockComment, string Quotes, bool TripleQuotes, HashSet<string> Keywords);

    private static readonly Syntax CLike = new(
        new[] { "//" }, ("/*", "*/"), "\"'`", false, Words(
            "abstract as async await break case catch class const continue default defer delete do else enum export extends false final finally fn for foreach from func function go goto if impl implements import in instanceof interface internal is let match mod module mut namespace new nil null object override package private protected pub public readonly record return sealed select static struct super switch this throw throws trait true try type typeof undefined use using val var void where while with yield"));

    private static readonly Syntax Hash = new(
        new[] { "#" }, null, "\"'", true, Words(
            "and as assert async await begin break case class def del do done elif else elsif end ensure esac except export fi finally for from function global if import in is lambda local module nil None not or pass raise rescue return self then True False true false unless until when while with yield param foreach switch"));

    private static readonly Syntax Sql = new(
        new[] { "--" }, ("/*", "*/"), "'\"", false, Words(
            "add all alter and as asc between by case create delete desc distinct drop else end exists false from group having in index inner insert into is join key left like limit not null on or order outer primary references right select set table then true union update values when where with",
            caseInsensitive: true));

    private static readonly Syntax Json = new(Array.Empty<string>(), null, "\"", false, Words("true false null"));

    private static readonly Dictionary<string, Syntax> Languages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["c"] = CLike, ["h"] = CLike, ["cpp"] = CLike, ["c++"] = CLike, ["cs"] = CLike, ["csharp"] = CLike, ["c#"] = CLike,
        ["java"] = CLike, ["kotlin"] = CLike, ["kt"] = CLike, ["scala"] = CLike, ["swift"] = CLike, ["dart"] = CLike,
        ["js"] = CLike, ["javascript"] = CLike, ["jsx"] = CLike, ["mjs"] = CLike, ["ts"] = CLike, ["typescript"] = CLike, ["tsx"] = CLike,
        ["go"] = CLike, ["golang"] = CLike, ["rust"] = CLike, ["rs"] = CLike, ["php"] = CLike,
        ["python"] = Hash, ["py"] = Hash, ["ruby"] = Hash, ["rb"] = Hash, ["sh"] = Hash, ["bash"] = Hash, ["shell"] = Hash,
        ["zsh"] = Hash, ["console"] = Hash, ["powershell"] = Hash, ["ps1"] = Hash, ["pwsh"] = Hash, ["perl"] = Hash, ["r"] = Hash,
        ["yaml"] = Hash, ["yml"] = Hash, ["toml"] = Hash, ["ini"] = Hash, ["dockerfile"] = Hash, ["makefile"] = Hash, ["make"] = Hash,
        ["sql"] = Sql, ["json"] = Json, ["jsonc"] = CLike,
    };

    private static HashSet<string> Words(string words, bool caseInsensitive = false) =>
        new(words.Split(' '), caseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    /// <summary>Whether code in this language (a fence's first word) is coloured.</summary>
    public static bool Knows(string? language) => language is not null && Languages.ContainsKey(language);

    /// <summary>The code as HTML-escaped text with spans for its tokens; plain escaped text for a language it does not know.</summary>
    public static string Html(string code, string? language)
    {
        if (language is null || !Languages.TryGetValue(language, out var syntax)) return TranscriptText.HtmlEncode(code);
        var output = new StringBuilder(code.Length + code.Length / 4);
        var i = 0;
        // Plain text (punctuation, spaces, words that are not keywords) is escaped in runs, not a character at a time.
        var plain = 0;
        void Flush(int upTo)
        {
            if (upTo > plain) output.Append(TranscriptText.HtmlEncode(code[plain..upTo]));
        }
        while (i < code.Length)
        {
            var (end, style) = Comment(code, i, syntax) is { } comment ? (comment, "cm")
                : String(code, i, syntax) is { } text ? (text, "str")
                : Number(code, i) is { } number ? (number, "num")
                : (-1, string.Empty);
            if (end > i)
            {
                Flush(i);
                Span(output, style, code[i..end]);
                plain = i = end;
            }
            else if (char.IsLetter(code[i]) || code[i] is '_' or '$')
            {
                var word = i;
                while (i < code.Length && (char.IsLetterOrDigit(code[i]) || code[i] is '_' or '$')) i++;
                var name = code[word..i];
                if (!syntax.Keywords.Contains(name)) continue;
                Flush(word);
                Span(output, "kw", name);
                plain = i;
            }
            else
            {
                i++;
            }
        }
        Flush(code.Length);
        return output.ToString();
    }

    private static void Span(StringBuilder output, string style, string text) =>
        output.Append("<span class=\"").Append(style).Append("\">").Append(TranscriptText.HtmlEncode(text)).Append("</span>");

    /// <summary>Where a comment that starts at i ends (a line comment at its line end, which it leaves), or null.</summary>
    private static int? Comment(string code, int i, Syntax syntax)
    {
        foreach (var marker in syntax.LineComments)
        {
            if (string.CompareOrdinal(code, i, marker, 0, marker.Length) != 0) continue;
            // "#" starts a comment only where a word does not go on (a shell's "$#" or a colour "a#b" is not one).
            if (marker == "#" && i > 0 && !char.IsWhiteSpace(code[i - 1])) continue;
            var line = code.IndexOf('\n', i);
            return line < 0 ? code.Length : line;
        }
        if (syntax.BlockComment is var (open, close) && string.CompareOrdinal(code, i, open, 0, open.Length) == 0)
        {
            var stop = code.IndexOf(close, i + open.Length, StringComparison.Ordinal);
            return stop < 0 ? code.Length : stop + close.Length;
        }
        return null;
    }

    /// <summary>Where a string that starts at i ends: at its closing quote (a backslash escapes one), at the line end for a quote left open, or, for a triple quote, at the next triple quote.</summary>
    private static int? String(string code, int i, Syntax syntax)
    {
        var quote = code[i];
        if (syntax.Quotes.IndexOf(quote) < 0) return null;
        if (syntax.TripleQuotes && i + 2 < code.Length && code[i + 1] == quote && code[i + 2] == quote)
        {
            var close = code.IndexOf(new string(quote, 3), i + 3, StringComparison.Ordinal);
            return close < 0 ? code.Length : close + 3;
        }
        var j = i + 1;
        while (j < code.Length && code[j] != quote && (code[j] != '\n' || quote == '`'))
        {
            j += code[j] == '\\' && j + 1 < code.Length ? 2 : 1;
        }
        return j < code.Length && code[j] == quote ? j + 1 : Math.Min(j, code.Length);
    }

    /// <summary>Where a number that starts at i ends (digits, hex, a fraction, an exponent, digit separators), or null; a digit inside a word is not one.</summary>
    private static int? Number(string code, int i)
    {
        if (!char.IsAsciiDigit(code[i]) || (i > 0 && (char.IsLetterOrDigit(code[i - 1]) || code[i - 1] is '_' or '$' or '.'))) return null;
        var j = i;
        while (j < code.Length && (char.IsAsciiLetterOrDigit(code[j]) || code[j] == '_' || (code[j] == '.' && j + 1 < code.Length && char.IsAsciiDigit(code[j + 1])))) j++;
        return j;
    }
}
