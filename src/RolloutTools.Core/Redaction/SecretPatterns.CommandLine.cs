using System.Text.RegularExpressions;

namespace RolloutTools.Core.Redaction;

/// <summary>
/// Credentials that sit in a command line or a config file rather than in a token with a vendor's mark:
/// what an agent types into a shell (curl -u, --password, mysql -p, sshpass -p, docker login -p, openssl
/// pass:) and what it reads back (.netrc, a YAML block scalar under a credential key, an Authorization
/// header with any scheme). Each rule is anchored on the command or the keyword, so the same characters
/// elsewhere (sort -u, ssh -p 2222, -P3306) are not taken.
/// </summary>
internal static partial class SecretPatterns
{
    /// <summary>A method, not a field: BuiltIn (in the other part of this class) reads it while it is initialised.</summary>
    private static SecretRule[] CommandLineRules() =>
    [
        new(PasswordKind, CurlUser(), judge: JudgeCurlUser, literals: ["curl"]),
        new(PasswordKind, PasswordOption(), judge: JudgeOption, literals: ["--"]),
        new(PasswordKind, PasswordFlag(), judge: JudgeCommandValue, literals: ["mysql", "mariadb", "sshpass", "login", "pass:", "redis-cli"]),
        new(PasswordKind, Netrc(), judge: JudgeCommandValue, literals: ["machine"]),
        new(PasswordKind, YamlBlock(), HasBlockScalar, JudgeYamlBlock),
    ];

    /// <summary>curl -u user:password, -uuser:password, --user user:password, --user=…; quoted or not;
    /// "curl" earlier on the same line (a command continued with \ counts).</summary>
    [GeneratedRegex(@"(?<=\bcurl\b(?:[^\r\n|;&]|\\\r?\n)*?[ \t])(?:-u(?:[ \t]+|=)?|--user(?:[ \t]+|=))(?<cred>'[^'\r\n]*'|""[^""\r\n]*""|[^\s'""]+)")]
    private static partial Regex CurlUser();

    /// <summary>--password X, --password=X, --db-password X, --token X, --api-key X, --secret X, --passphrase X
    /// (any command). --password-stdin and --token-file are other options, not values.</summary>
    [GeneratedRegex(@"(?<![\w-])--(?:[A-Za-z0-9]+-)*(?<key>password|passwd|pass|passphrase|token|api-?key|secret|secret-key)(?:[ \t]+|=)(?<secret>(?<q>')[^'\r\n]*'|(?<q>"")[^""\r\n]*""|[^\s'""]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordOption();

    /// <summary>-p glued to the password in the MySQL/MariaDB clients (-p alone prompts; -P is the port);
    /// -p with or without a space for sshpass and registry logins; openssl's pass:X argument; redis-cli's -a X and --pass X.</summary>
    [GeneratedRegex(@"(?<=\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mysqlpump|mariadb(?:-dump|-admin)?)\b[^\r\n|;&]*?[ \t])-p(?<secret>'[^'\r\n]+'|""[^""\r\n]+""|[^\s'""]+)|(?<=\b(?:sshpass|(?:docker|podman|nerdctl|buildah|helm|oras|skopeo)[ \t]+(?:registry[ \t]+)?login)\b[^\r\n|;&]*?[ \t])-p(?:[ \t]+|=)?(?<secret>'[^'\r\n]+'|""[^""\r\n]+""|[^\s'""]+)|(?<=[ \t]-pass(?:in|out)?[ \t]+)pass:(?<secret>[^\s'""]+)|(?<=\bredis-cli\b[^\r\n|;&]*?[ \t])(?:-a|--pass)[ \t]+(?<secret>'[^'\r\n]+'|""[^""\r\n]+""|[^\s'""]+)")]
    private static partial Regex PasswordFlag();

    /// <summary>A .netrc entry: machine host login user password X (on one line or several).</summary>
    [GeneratedRegex(@"\bmachine[ \t]+\S+(?:\s+(?:login|account)[ \t]+\S+)+\s+password[ \t]+(?<secret>\S+)")]
    private static partial Regex Netrc();

    /// <summary>
    /// key: | (or &gt;, with chomping and indentation indicators) under a credential key, and the lines
    /// indented below it: a YAML block scalar, the way Kubernetes, Ansible and CI files hold keys and
    /// certificates. The key's own line stays; every line of the block becomes one marker.
    /// </summary>
    [GeneratedRegex(@"^(?<indent>[ \t]*)(?:-[ \t]+)?[""']?[\w.-]*?(?:pass(?:word|wd|phrase)|secret|token|api[_-]?key|apikey|(?:private|secret|access|signing|encryption|auth|client|master)[_-]?key|credentials?)[""']?[ \t]*:[ \t]*[|>][0-9+-]{0,2}[ \t]*(?:\#[^\r\n]*)?\r?\n(?:[ \t]*\r?\n)*\k<indent>[ \t]+(?<secret>\S[^\r\n]*(?:\r?\n(?:[ \t]*\r?\n)*\k<indent>[ \t]+\S[^\r\n]*)*)", RegexOptions.Multiline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex YamlBlock();

    /// <summary>Authorization: &lt;scheme&gt; &lt;credential&gt; with any scheme (Token, Bearer, Basic, Bot,
    /// ApiKey, SSWS, …) or none, in a header line, a curl -H argument or a JSON/dict entry.</summary>
    [GeneratedRegex(@"(?<=authorization(?:\\?[""'])?[ \t]*[:=,][ \t]*(?:\\?[""'])?[ \t]*)(?:(?:token|bearer|basic|bot|apikey|api-key|sso-key|ssws|key)[ \t]+)?(?<secret>[A-Za-z0-9._~+/:=-]{8,})(?![A-Za-z0-9._~+/:=-])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AuthorizationValue();

    /// <summary>The password of user:password, or the user when the password is empty (curl -u KEY: is how
    /// Stripe and others take an API key). A variable or a template is not a credential.</summary>
    private static SecretSpan? JudgeCurlUser(string text, Match match)
    {
        var cred = match.Groups["cred"];
        var quoted = cred.Value[0] is '\'' or '"';
        var value = quoted ? cred.Value[1..^1] : cred.Value;
        var start = cred.Index + (quoted ? 1 : 0);
        var colon = value.IndexOf(':');
        if (colon < 0) return null;
        var password = value[(colon + 1)..];
        if (password.Length > 0) return IsTemplateOrMask(password) ? null : new SecretSpan(start + colon + 1, password.Length);
        var user = value[..colon];
        return user.Length >= 8 && LooksRandom(user) && !IsTemplateOrMask(user) ? new SecretSpan(start, colon) : null;
    }

    /// <summary>An option's value is judged as an assignment's is (--password hunter2 vs --token TOKEN);
    /// key=value pairs (docker build --secret id=npm,src=…) name a secret, they do not hold one, and
    /// punctuation (--with-token &lt;&lt;&lt; KEY) is shell syntax.</summary>
    private static SecretSpan? JudgeOption(string text, Match match)
    {
        var secret = match.Groups["secret"];
        var quoted = match.Groups["q"].Success;
        var value = quoted ? secret.Value[1..^1] : secret.Value;
        if (!value.Any(char.IsLetterOrDigit) || OptionPair().IsMatch(value)) return null;
        var literal = quoted ? IsQuotedLiteral(value, match.Groups["key"].Value) : IsUnquotedLiteral(value);
        return literal ? new SecretSpan(secret.Index + (quoted ? 1 : 0), value.Length) : null;
    }

    [GeneratedRegex(@"^[A-Za-z_][\w.-]*=[^=]")]
    private static partial Regex OptionPair();

    /// <summary>Where the command says the value is a password, any value is one unless it is a variable,
    /// a template or a mask.</summary>
    private static SecretSpan? JudgeCommandValue(string text, Match match)
    {
        var secret = match.Groups["secret"];
        var quoted = secret.Value[0] is '\'' or '"';
        var value = quoted ? secret.Value[1..^1] : secret.Value;
        if (value.Length == 0 || value[0] == '-' || IsTemplateOrMask(value)) return null;
        return new SecretSpan(secret.Index + (quoted ? 1 : 0), value.Length);
    }

    /// <summary>": |" or ": &gt;-" ending its line: cheap enough to ask of every line of code before the regex.</summary>
    private static bool HasBlockScalar(string text)
    {
        for (var colon = text.IndexOf(':'); colon >= 0; colon = text.IndexOf(':', colon + 1))
        {
            var i = colon + 1;
            while (i < text.Length && text[i] is ' ' or '\t') i++;
            if (i >= text.Length || text[i] is not ('|' or '>')) continue;
            i++;
            for (var n = 0; n < 2 && i < text.Length && text[i] is '+' or '-' or (>= '0' and <= '9'); n++) i++;
            while (i < text.Length && text[i] is ' ' or '\t') i++;
            if (i < text.Length && text[i] is '\r' or '\n' or '#') return true;
        }
        return false;
    }

    private static SecretSpan? JudgeYamlBlock(string text, Match match)
    {
        var secret = match.Groups["secret"];
        var firstLine = secret.Value.Split('\n', 2)[0].Trim();
        return IsTemplateOrMask(firstLine) ? null : SecretSpan.Of(secret);
    }
}
