using RolloutTools.Core.Export;

namespace RolloutTools.Core.Tests.Export;

public sealed class CodeHighlighterTests
{
    [Theory]
    [InlineData("ts", "const x = \"a<b\"; // note", "<span class=\"kw\">const</span> x = <span class=\"str\">&quot;a&lt;b&quot;</span>; <span class=\"cm\">// note</span>")]
    [InlineData("go", "/* a\nb */ return 0x1F", "<span class=\"cm\">/* a\nb */</span> <span class=\"kw\">return</span> <span class=\"num\">0x1F</span>")]
    [InlineData("js", "s = `a\nb` + 'c\\'d'", "s = <span class=\"str\">`a\nb`</span> + <span class=\"str\">&#39;c\\&#39;d&#39;</span>")]
    [InlineData("python", "def f(x1):\n    return 'x' # done", "<span class=\"kw\">def</span> f(x1):\n    <span class=\"kw\">return</span> <span class=\"str\">&#39;x&#39;</span> <span class=\"cm\"># done</span>")]
    [InlineData("py", "\"\"\"Doc\n\"quoted\"\n\"\"\"\nx = 2.5e3", "<span class=\"str\">&quot;&quot;&quot;Doc\n&quot;quoted&quot;\n&quot;&quot;&quot;</span>\nx = <span class=\"num\">2.5e3</span>")]
    [InlineData("bash", "echo $# a#b # c", "echo $# a#b <span class=\"cm\"># c</span>")]
    [InlineData("sql", "SELECT id FROM t -- all", "<span class=\"kw\">SELECT</span> id <span class=\"kw\">FROM</span> t <span class=\"cm\">-- all</span>")]
    [InlineData("json", "{\"a\": [1, true, null]}", "{<span class=\"str\">&quot;a&quot;</span>: [<span class=\"num\">1</span>, <span class=\"kw\">true</span>, <span class=\"kw\">null</span>]}")]
    [InlineData("c", "x = \"open\ny\"", "x = <span class=\"str\">&quot;open</span>\ny<span class=\"str\">&quot;</span>")]
    [InlineData("brainfuck", "if <b> // x", "if &lt;b&gt; // x")]
    [InlineData(null, "if 'a'", "if &#39;a&#39;")]
    public void Comments_strings_numbers_and_keywords_get_spans_of_their_own(string? language, string code, string expected)
    {
        Assert.Equal(expected, CodeHighlighter.Html(code, language));
    }

    [Theory]
    [InlineData("js")]
    [InlineData("python")]
    [InlineData("sql")]
    [InlineData("json")]
    public void Every_character_is_escaped_and_the_only_markup_is_a_span_of_ours(string language)
    {
        const string code = "</code></pre><script>alert(1)</script> \"<img src=x onerror=alert(1)>\" /* <a href=\"javascript:x\"> */ # '<svg onload=y>' -- &amp;";

        var html = CodeHighlighter.Html(code, language);

        var tags = System.Text.RegularExpressions.Regex.Matches(html, "<[^>]*>").Select(m => m.Value).Distinct();
        Assert.All(tags, t => Assert.Matches("^(<span class=\"(kw|str|num|cm)\">|</span>)$", t));
        Assert.Equal(code, System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]*>", string.Empty)));
    }
}
