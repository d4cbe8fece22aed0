using System.Text.RegularExpressions;

namespace RolloutTools.Core.Redaction;

/// <summary>The part of the text a rule replaces.</summary>
internal readonly record struct SecretSpan(int Index, int Length)
{
    public static SecretSpan Of(Capture capture) => new(capture.Index, capture.Length);

    /// <summary>From a capture made inside a lookbehind (the regex starts at a rare character and looks back
    /// for the rest) to the end of the match.</summary>
    public static SecretSpan From(Capture start, Match match) => new(start.Index, match.Index + match.Length - start.Index);
}

/// <summary>
/// One kind of secret: a regex, cheap tests that must pass before the regex runs at all (literals the match
/// must contain, found for all rules in one pass, and/or a function), and a judge that
/// picks the part of a match to replace (the "secret" group when the regex has one, else the whole match)
/// or declines it (null) when the match is ordinary code that merely looks like a secret.
/// </summary>
internal sealed class SecretRule
{
    public SecretRule(string kind, Regex regex, Func<string, bool>? mightMatch = null, Func<string, Match, SecretSpan?>? judge = null, string? replacement = null, IReadOnlyList<string>? literals = null)
    {
        Kind = kind;
        Literals = literals ?? Array.Empty<string>();
        Regex = regex;
        MightMatch = mightMatch;
        Judge = judge ?? SecretPatterns.SecretOrWhole;
        Replacement = replacement ?? $"[REDACTED:{kind}]";
    }

    public string Kind { get; }

    public Regex Regex { get; }

    /// <summary>Case-sensitive strings of which every match contains one; empty: no such test.</summary>
    public IReadOnlyList<string> Literals { get; }

    /// <summary>Null: always run the regex.</summary>
    public Func<string, bool>? MightMatch { get; }

    public Func<string, Match, SecretSpan?> Judge { get; }

    public string Replacement { get; }
}

/// <summary>
/// The built-in secret patterns, most specific first: a token with a vendor prefix is named for its vendor
/// before the generic "password = …" rule sees the assignment it sits in, and every rule leaves a value that
/// already holds a marker alone. Markers are JSON-string safe (no quotes, no backslashes), and no rule ends
/// a replacement inside a backslash escape, so raw JSON text stays well formed.
/// </summary>
internal static partial class SecretPatterns
{
    public const string HomePathKind = "home-path";
    public const string CustomKind = "custom";
    public const string PasswordKind = "password";
    public const string AwsSecretKind = "aws-secret-key";

    private const string Marker = "[REDACTED:";

    /// <summary>
    /// The order rules run in; Redactor puts custom patterns before and home paths after. A rule whose match
    /// always holds a literal (-----BEGIN, eyJ, sk-, ghp_, AIza) names it, and its regex runs only where
    /// the redactor's one pass found it. The others are written to start at a rare character (://, @, the =
    /// or : of an assignment) and look back for the rest, so a corpus is not tried at every letter.
    /// </summary>
    public static IReadOnlyList<SecretRule> BuiltIn { get; } =
    [
        new("private-key", PrivateKey(), literals: ["-----BEGIN"]),
        new("putty-private-key", PuttyPrivateKey(), literals: ["Private-Lines:"]),
        new("jwt", Jwt(), literals: ["eyJ"]),
        new("anthropic-key", AnthropicKey(), literals: ["sk-ant-"]),
        .. VendorTokens.Rules,
        new("openai-key", OpenAIKey(), judge: (_, m) => LooksRandom(m.ValueSpan[3..]) ? SecretSpan.Of(m) : null, literals: ["sk-"]),
        new("github-token", GitHubToken(), literals: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"]),
        new("slack-token", SlackToken(), literals: ["xox", "xapp-", "hooks.slack.com"]),
        new("google-api-key", GoogleApiKey(), literals: ["AIza"]),
        new("aws-access-key", AwsAccessKey(), literals: ["AKIA", "ASIA", "ABIA", "ACCA"]),
        new(AwsSecretKind, AwsSecretKey(), t => t.Contains("secret", StringComparison.OrdinalIgnoreCase)),
        new("connection-string", UrlCredentials(), t => t.Contains('@'), JudgeUrlPassword, literals: ["://"]),
        new("connection-string", AdoPassword(), t => t.Contains(';') && ContainsAny(t, StringComparison.OrdinalIgnoreCase, "password", "pwd"), JudgeAdoPassword),
        .. CommandLineRules(),
        new(PasswordKind, Assignment(), t => ContainsAny(t, StringComparison.OrdinalIgnoreCase, "pass", "secret", "token", "key", "pwd"), JudgeAssignment),
        new(PasswordKind, AuthorizationValue(), t => t.Contains("authorization", StringComparison.OrdinalIgnoreCase), JudgeAuthorization),
        new(PasswordKind, AuthorizationHeader(), t => ContainsAny(t, StringComparison.OrdinalIgnoreCase, "bearer", "basic"), JudgeAuthorization),
        new("email", Email(), t => t.Contains('@'), JudgeEmail),
    ];

    // ---- vendor tokens -------------------------------------------------------------------------------

    /// <summary>PEM and PGP private key blocks, also when the newlines are JSON-escaped (a key pasted into
    /// a JSON string, a service-account file read by a tool). A block cut off before its END line is
    /// redacted as far as its base64 lines go; a BEGIN line alone (code that looks for one) is left.</summary>
    [GeneratedRegex(@"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:(?:\s|\\+[rnt])+[A-Za-z][A-Za-z0-9-]*:[^\r\n\\]*)*(?:(?:\s|\\+[rnt])+(?:[A-Za-z0-9+/=]|\\/){16,})+(?:(?:\s|\\+[rnt])+(?:[A-Za-z0-9+/=]|\\/){1,15})?(?:(?:\s|\\+[rnt])*-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----)?")]
    private static partial Regex PrivateKey();

    /// <summary>The private half of a PuTTY key file (.ppk, versions 2 and 3): the base64 lines after
    /// "Private-Lines: n" and the MAC line after them; the header and public lines stay. Escaped newlines
    /// count as in PEM blocks.</summary>
    [GeneratedRegex(@"Private-Lines:[ \t]*[0-9]+(?:(?:\s|\\+[rnt])+[A-Za-z0-9+/]{4,}={0,2}(?![A-Za-z0-9+/=:-]))+(?:(?:\s|\\+[rnt])+Private-(?:MAC|Hash):[ \t]*[0-9a-fA-F]+)?")]
    private static partial Regex PuttyPrivateKey();

    /// <summary>header.payload.signature, both JSON parts base64url of "{" + quote, hence "eyJ".</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,}")]
    private static partial Regex AnthropicKey();

    /// <summary>sk-… (legacy), sk-proj-…, sk-svcacct-…, sk-admin-…; the judge wants a random-looking body,
    /// so kebab-case names such as sk-learn-contrib-something stay.</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}")]
    private static partial Regex OpenAIKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9_])")]
    private static partial Regex GitHubToken();

    /// <summary>Slack API tokens (xox…- and app-level xapp-), and webhook URLs of apps and workflows (the
    /// path is the credential).</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9-])(?:xox[abposre]-|xapp-[0-9]-)[A-Za-z0-9-]{10,}|https://hooks\.slack\.com/(?:services|workflows|triggers)/(?<secret>[A-Za-z0-9_]+/[A-Za-z0-9_]+/[A-Za-z0-9_/]+)")]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])")]
    private static partial Regex GoogleApiKey();

    /// <summary>Access key ids. AWS's documented example (AKIA…EXAMPLE) is redacted like any other:
    /// the rule cannot tell it from a real one by shape, and a special case would be one more thing to trust.</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])")]
    private static partial Regex AwsAccessKey();

    /// <summary>A secret access key is 40 characters of base64 with nothing to mark it, so only one named as
    /// such is taken (credentials files, environment variables, the CLI's JSON output, and the name as a
    /// command's argument: aws configure set aws_secret_access_key …).</summary>
    [GeneratedRegex(@"(?i:aws[_-]?secret[_-]?(?:access[_-]?)?key|secret[_-]?access[_-]?key)(?:\\?[""'])?(?:[ \t]*[:=][ \t]*|[ \t]+)(?:\\?[""'])?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")]
    private static partial Regex AwsSecretKey();

    // ---- credentials in connection strings --------------------------------------------------------------

    /// <summary>scheme://user:password@host; scheme, user and host stay. postgres://localhost:5432/db has no
    /// @ and http://host:8080/a@b has a slash before it, so neither matches.</summary>
    [GeneratedRegex(@"(?<=[A-Za-z0-9])://[^\s:@/?#'""`\\<>\[\]{}]*:(?<secret>[^\s@/'""`\\<>]+)@(?=[A-Za-z0-9\[])")]
    private static partial Regex UrlCredentials();

    /// <summary>ADO.NET / ODBC style "…;Password=…;…" and "Pwd=…", written without spaces around "=". The
    /// judge wants a neighbouring Key=value pair and a value that is not code, so PWD=/home/x (the shell's
    /// working directory) and password=compute(); count=0; (C) are not connection strings.</summary>
    [GeneratedRegex(@"(?<![\w-])(?:password|pwd)=(?<secret>""[^""\r\n]*""|'[^'\r\n]*'|[^;\r\n""'\\]*[^;\r\n""'\\\s])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AdoPassword();

    // ---- generic credentials ------------------------------------------------------------------------------

    /// <summary>
    /// key = value, key: value, "key": "value", key := value, key => value, where the key ends in a secret
    /// word (password, passwd, passphrase, secret, token, api key, secret/access/private/… key, _pwd) and
    /// the value is on the same line: quoted, or an unquoted run of 6+ characters that is not followed by
    /// "(" or "[" (a call or an index). The judge then rejects what is code rather than a literal.
    /// Keys may carry a prefix (DB_PASSWORD, PGPASSWORD, x-api-key) but not a suffix (PASSWORD_MIN_LENGTH,
    /// get_password(), tokens), and == is a comparison, not an assignment.
    /// </summary>
    [GeneratedRegex(@"(?<=(?<key>pass(?:word|wd|phrase)|secret|token|api[_-]?key|apikey|(?:secret|access|private|signing|encryption|auth|client|master)[_-]?key|(?<=[_.-])pwd)(?<kq>\\?[""'])?[ \t]*)(?<op>:=|=>|=(?!=)|:(?!:))[ \t]*(?:(?<q>\\?[""'`])(?<secret>(?:(?!\k<q>)[^\r\n]){1,1024})\k<q>|(?<secret>(?>[^\s""'`,;&|(){}\[\]<>\\]{6,1024}))(?![(\[]))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Assignment();

    /// <summary>A property name that says its value is a credential (used by the JSON walk).</summary>
    [GeneratedRegex(@"^(?:[\w.-]*?(?:pass(?:word|wd|phrase)|secret|token|api[_-]?key|apikey|(?:secret|access|private|signing|encryption|auth|client|master)[_-]?key)|(?:[\w.-]*[_.-])?pwd)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"^(?:aws[_-]?)?secret[_-]?access[_-]?key$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AwsSecretName();

    [GeneratedRegex(@"^[A-Za-z0-9/+]{40}$")]
    private static partial Regex AwsSecretValue();

    /// <summary>Authorization: Bearer … / Basic … with a literal credential (not $TOKEN or {token}).</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9])(?:bearer|basic)[ \t]+(?<secret>[A-Za-z0-9._~+/-]{12,}=*)(?![A-Za-z0-9._~+/=-])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AuthorizationHeader();

    /// <summary>A name, a member access or a kebab word: code, not a literal (hunter2 has a digit; password,
    /// self.password, settings.SECRET_KEY, process.env.API_KEY, db-credentials do not).</summary>
    [GeneratedRegex(@"^(?:[A-Za-z_-]+|[A-Za-z_$][\w$]*(?:(?:[?!]?\.|->|::)[A-Za-z_$][\w$]*)+)$")]
    private static partial Regex CodeName();

    /// <summary>Masks and templates that stand for a value: ***, xxxx, ..., &lt;your key&gt;, {{ var }}, ${VAR}.</summary>
    [GeneratedRegex(@"^(?:[xX*.•#_-]+|<[^<>]*>|\{\{.*\}\}|\$\{\{.*\}\})$|\.\.\.|\*\*\*|•••|^your[\s_-]|placeholder|^redacted$|^(?:true|false|null|none|nil|undefined)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    // ---- personal data ------------------------------------------------------------------------------------

    /// <summary>
    /// Addresses with a real-looking top-level domain: two letters, or a common generic one. That list keeps
    /// foo@2.0.0, icon@2x.png, x@self.weight (matrix product) and user@localhost out; // before the local part
    /// is a URL's user, not an address.
    /// </summary>
    [GeneratedRegex(@"(?<=(?<![A-Za-z0-9._%+-]|//)(?<local>[A-Za-z0-9][A-Za-z0-9._%+-]*))@(?!\d+x\.)(?<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2}|com|net|org|edu|gov|mil|int|info|biz|name|pro|mobi|aero|coop|museum|io|ai|dev|app|cloud|tech|xyz|online|site|email|mail|page|blog|shop|store|live|life|world|today|news|media|agency|company|solutions|services|systems|network|digital|group|team|works|studio|design|software|tools|codes|space|zone|global|center|club|ltd|inc|llc|health|art|finance|capital|consulting|academy|school|university|family|house|science|games|social|chat|link|click|one|top|work|run|sh|icu|vip|asia|africa|eu|jobs|travel))(?![A-Za-z0-9-]|\.[A-Za-z0-9])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    /// <summary>/home/name, /Users/name (also Git Bash /c/Users and WSL /mnt/c/Users), with JSON-escaped
    /// slashes too; not /home alone, /home/$USER, /Users/Shared or Homebrew's /home/linuxbrew. A relative
    /// app/home/page.tsx is not a home directory, hence nothing path-like may precede it.</summary>
    [GeneratedRegex(@"(?<![\w.~-])(?:(?:\\?/mnt)?\\?/[A-Za-z](?=\\?/Users\\?/))?\\?/(?:home\\?/(?!linuxbrew(?![\w.-]))|Users\\?/(?!(?:Shared|Guest)(?![\w.-])))[\p{L}\p{N}_](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}_-])?(?![\p{L}\p{N}_-]|\.[\p{L}\p{N}_-])")]
    private static partial Regex UnixHome();

    /// <summary>C:\Users\name with \, / or JSON-escaped \\ separators; a name with one space (John Smith)
    /// only when a separator follows it. Public and Default are not a person's.</summary>
    [GeneratedRegex(@"(?<=(?<![\w])(?<drive>[A-Za-z])):(?:\\+|/)users(?:\\+|/)(?!(?:public|default|default user|all users)(?:\\|/|$|[""'\s]))(?:[\p{L}\p{N}_][\p{L}\p{N}_.$-]* [\p{L}\p{N}_][\p{L}\p{N}_.$-]*(?=\\|/)|[\p{L}\p{N}_](?:[\p{L}\p{N}_.$-]*[\p{L}\p{N}_$-])?(?![\p{L}\p{N}_$-]|\.[\p{L}\p{N}_$-]))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WindowsHome();

    /// <summary>Windows first: C:/Users/bob is one Windows home, not C: and a Unix /Users/bob.</summary>
    public static IReadOnlyList<SecretRule> GenericHomes { get; } = new SecretRule[]
    {
        new(HomePathKind, WindowsHome(), t => t.Contains("users", StringComparison.OrdinalIgnoreCase) && t.Contains(':'), (_, m) => SecretSpan.From(m.Groups["drive"], m), "~"),
        new(HomePathKind, UnixHome(), t => t.Contains("/home", StringComparison.Ordinal) || t.Contains("/Users", StringComparison.Ordinal), replacement: "~"),
    };

    // ---- judges -------------------------------------------------------------------------------------------

    public static SecretSpan? SecretOrWhole(string text, Match match)
    {
        var secret = match.Groups["secret"];
        return SecretSpan.Of(secret.Success ? secret : match);
    }

    private static SecretSpan? JudgeUrlPassword(string text, Match match)
    {
        var secret = match.Groups["secret"];
        return IsTemplateOrMask(secret.Value) ? null : SecretSpan.Of(secret);
    }

    private static SecretSpan? JudgeAdoPassword(string text, Match match)
    {
        var secret = match.Groups["secret"];
        var value = secret.Value.Trim('"', '\'');
        if (value.Length == 0 || IsTemplateOrMask(value) || IsPathOrUrl(value) || value.Contains('(') || (value.Contains('.') && CodeName().IsMatch(value))) return null;
        return AfterSemicolon(text, match.Index) || BeforeAnotherPair(text, match.Index + match.Length) ? SecretSpan.Of(secret) : null;
    }

    private static SecretSpan? JudgeAssignment(string text, Match match)
    {
        var secret = match.Groups["secret"];
        var key = match.Groups["key"];
        if (IsPublicKeyToken(text.AsSpan(0, key.Index + key.Length))) return null;
        // 'password' => 'x' (PHP, Perl, Ruby) has a quoted key or a :symbol; Token => "x" is a C# or Java
        // expression-bodied member.
        if (match.Groups["op"].Value == "=>" && !match.Groups["kq"].Success && !IsSymbol(text, key.Index)) return null;
        var literal = match.Groups["q"].Success ? IsQuotedLiteral(secret.Value, key.Value) : IsUnquotedLiteral(secret.Value);
        return literal ? SecretSpan.Of(secret) : null;
    }

    private static SecretSpan? JudgeAuthorization(string text, Match match)
    {
        var secret = match.Groups["secret"];
        return HasDigitAndLetter(secret.ValueSpan) && !IsTemplateOrMask(secret.Value) ? SecretSpan.Of(secret) : null;
    }

    private static SecretSpan? JudgeEmail(string text, Match match)
    {
        var localGroup = match.Groups["local"];
        var local = localGroup.Value;
        var domain = match.Groups["domain"].Value;
        if (local.Equals("git", StringComparison.OrdinalIgnoreCase)
            || local.Equals("noreply", StringComparison.OrdinalIgnoreCase)
            || local.Equals("no-reply", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        foreach (var reserved in ReservedDomains)
        {
            if (domain.Equals(reserved, StringComparison.OrdinalIgnoreCase) || domain.EndsWith("." + reserved, StringComparison.OrdinalIgnoreCase)) return null;
        }
        return SecretSpan.From(localGroup, match);
    }

    /// <summary>RFC 2606 names, for documentation: user@example.com is nobody's address.</summary>
    private static readonly string[] ReservedDomains = { "example.com", "example.net", "example.org" };

    // ---- literal or code? --------------------------------------------------------------------------------

    /// <summary>
    /// The value of a key that names a secret, written as a string literal (in code, in a config file, or
    /// as a JSON property value). Empty, padded, masked and templated strings are not secrets; neither are
    /// paths, nor a lone name without digits: Python's forward-referenced annotations (private_key:
    /// "_RSAPrivateKey") and lookup tables (CHALLENGE_PASSWORD: "challengePassword") are code, and a
    /// password that is one plain word is left to the reader. Keys ending in "token" also name tokenizer
    /// output ("token": " the"), so those values must look like a credential: 8+ characters, no spaces.
    /// </summary>
    public static bool IsQuotedLiteral(string value, string key)
    {
        if (value.Length == 0 || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])) return false;
        if (IsTemplateOrMask(value) || IsPathOrUrl(value) || CodeName().IsMatch(value)) return false;
        if (key.EndsWith("token", StringComparison.OrdinalIgnoreCase) && (value.Length < 8 || value.Any(char.IsWhiteSpace))) return false;
        return true;
    }

    /// <summary>
    /// An unquoted value (shell, YAML, .env, code) of 6+ characters is a literal unless it is code: a name or
    /// member access without digits, a variable ($VAR, ${VAR}, %VAR%), a reference (&amp;x, *p, @attr, !Ref), a
    /// path, a URL, a number, a mask, or a Sphinx role (:py:class:). Trailing sentence punctuation does not
    /// make a word a literal (":param token: REQUIRED.").
    /// </summary>
    public static bool IsUnquotedLiteral(string value)
    {
        if ("$%@&*!#~-:".Contains(value[0])) return false;
        if (IsTemplateOrMask(value) || IsPathOrUrl(value) || CodeName().IsMatch(value.TrimEnd('.', ':', '!', '?'))) return false;
        return !NumberLiteral().IsMatch(value);
    }

    /// <summary>Numbers as code writes them: 8, 1_000, 0.25, 0x0200, 100L, 1.5f, 3,600.</summary>
    [GeneratedRegex(@"^(?:0[xX][0-9a-fA-F_]+|[0-9][0-9_.,]*)[uUlLfFdDmM]{0,2}$")]
    private static partial Regex NumberLiteral();

    /// <summary>A Ruby symbol key (:password => …).</summary>
    private static bool IsSymbol(string text, int keyStart)
    {
        var i = keyStart - 1;
        while (i >= 0 && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i--;
        return i >= 0 && text[i] == ':';
    }

    /// <summary>What a JSON walk does with a string value once its own text is redacted: the kind to replace it
    /// with when its property name says it is a credential, else null.</summary>
    public static string? SecretValueKind(string propertyName, string value)
    {
        if (value.Contains(Marker, StringComparison.Ordinal)) return null;
        if (AwsSecretName().IsMatch(propertyName) && AwsSecretValue().IsMatch(value)) return AwsSecretKind;
        return SecretName().IsMatch(propertyName) && !IsPublicKeyToken(propertyName) && IsQuotedLiteral(value, propertyName) ? PasswordKind : null;
    }

    /// <summary>.NET's PublicKeyToken (in assembly names, project files, app.config) is a hash of a public key.</summary>
    private static bool IsPublicKeyToken(ReadOnlySpan<char> name) =>
        name.EndsWith("PublicKeyToken", StringComparison.OrdinalIgnoreCase) || name.EndsWith("public_key_token", StringComparison.OrdinalIgnoreCase);


    private static bool IsTemplateOrMask(string value) =>
        value.Contains(Marker, StringComparison.Ordinal)
        || value.StartsWith('$')
        || value.StartsWith("{", StringComparison.Ordinal)
        || value.StartsWith("#{", StringComparison.Ordinal)
        || (value.Length > 1 && value[0] == '%' && (value[^1] == '%' || value[1] == '('))
        || Placeholder().IsMatch(value);

    private static bool IsPathOrUrl(string value) =>
        value[0] == '/'
        || value.StartsWith("./", StringComparison.Ordinal)
        || value.StartsWith("../", StringComparison.Ordinal)
        || value.StartsWith("~/", StringComparison.Ordinal)
        || value == "~"
        || (value.Length > 2 && char.IsAsciiLetter(value[0]) && value[1] == ':' && value[2] is '\\' or '/')
        || value.Contains("://", StringComparison.Ordinal);

    /// <summary>Random-looking: a digit, base64 punctuation, or upper and lower case twice each (not a word).</summary>
    internal static bool LooksRandom(ReadOnlySpan<char> value)
    {
        int upper = 0, lower = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c) || c is '+' or '/' or '=') return true;
            if (char.IsAsciiLetterUpper(c)) upper++;
            else if (char.IsAsciiLetterLower(c)) lower++;
        }
        return upper >= 2 && lower >= 2;
    }

    /// <summary>A credential after Bearer/Basic, not a word (Basic Input/Output System, basic username/password).</summary>
    private static bool HasDigitAndLetter(ReadOnlySpan<char> value) => value.IndexOfAnyInRange('0', '9') >= 0 && value.IndexOfAnyInRange('A', 'Z') + value.IndexOfAnyInRange('a', 'z') > -2;

    private static bool AfterSemicolon(string text, int index)
    {
        var i = index - 1;
        while (i >= 0 && text[i] is ' ' or '\t') i--;
        return i >= 0 && text[i] == ';';
    }

    /// <summary>"; Server=…" after the value: the next pair of a connection string.</summary>
    private static bool BeforeAnotherPair(string text, int index)
    {
        var i = index;
        while (i < text.Length && text[i] is ' ' or '\t') i++;
        if (i >= text.Length || text[i] != ';') return false;
        i++;
        while (i < text.Length && text[i] is ' ' or '\t') i++;
        var start = i;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is ' ' or '_')) i++;
        return i > start && char.IsAsciiLetter(text[start]) && text[i - 1] != ' ' && i < text.Length && text[i] == '=';
    }

    private static bool ContainsAny(string text, StringComparison comparison, params string[] needles)
    {
        foreach (var needle in needles)
        {
            if (text.Contains(needle, comparison)) return true;
        }
        return false;
    }
}
