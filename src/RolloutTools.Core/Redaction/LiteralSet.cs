namespace RolloutTools.Core.Redaction;

/// <summary>
/// Which of many rules' literals occur in a text, found in one pass. Ninety vendor rules each asking
/// "does the text contain npm_ (or glpat-, or hf_ …)?" cost ninety searches per line; this looks at each
/// pair of characters once and checks only the literals that start with that pair.
/// </summary>
internal sealed class LiteralSet
{
    private const int Ascii = 128;

    /// <summary>By first two characters (both ASCII): the literals that start with them and their rule.</summary>
    private readonly (string Literal, int Rule)[]?[] _byPair = new (string, int)[]?[Ascii * Ascii];

    public LiteralSet(IReadOnlyList<SecretRule> rules)
    {
        var lists = new Dictionary<int, List<(string, int)>>();
        for (var rule = 0; rule < rules.Count; rule++)
        {
            foreach (var literal in rules[rule].Literals)
            {
                if (literal.Length < 2 || literal[0] >= Ascii || literal[1] >= Ascii)
                {
                    throw new ArgumentException($"Literal '{literal}' of rule {rules[rule].Kind} must start with two ASCII characters.", nameof(rules));
                }
                var pair = (literal[0] * Ascii) + literal[1];
                if (!lists.TryGetValue(pair, out var list)) lists[pair] = list = new List<(string, int)>();
                list.Add((literal, rule));
            }
        }
        foreach (var (pair, list) in lists) _byPair[pair] = list.ToArray();
    }

    /// <summary>Sets found[rule] for every rule one of whose literals occurs in the text.</summary>
    public void Find(string text, Span<bool> found)
    {
        for (var i = 0; i + 1 < text.Length; i++)
        {
            int first = text[i], second = text[i + 1];
            if (first >= Ascii || second >= Ascii || _byPair[(first * Ascii) + second] is not { } candidates) continue;
            foreach (var (literal, rule) in candidates)
            {
                if (!found[rule] && text.AsSpan(i).StartsWith(literal, StringComparison.Ordinal)) found[rule] = true;
            }
        }
    }
}
