using System.Text.RegularExpressions;

namespace RolloutTools.Core.Redaction;

/// <summary>
/// Tokens that carry their vendor's mark: a fixed prefix (npm_, glpat-, hf_, AGE-SECRET-KEY-1), a fixed
/// infix (.atlasv1., Q~) or a fixed place (AccountKey=, sig=). Shapes learned from public secret-scanner
/// rule sets (gitleaks among them) and the vendors' own documentation; the expressions are our own.
/// A rule's regex runs only on text that contains one of its literals; the redactor finds every rule's
/// literals in one pass over the text (LiteralSet), so ordinary text costs one scan, not ninety. The whole match is the secret unless the
/// pattern has a "secret" group. Bodies are open-ended where the vendor may lengthen them: redacting a
/// few characters too many is better than leaving a tail.
/// </summary>
internal static class VendorTokens
{
    /// <summary>No letter, digit or underscore on either side: hf_… inside an identifier is not a token.</summary>
    private const string Start = @"(?<![A-Za-z0-9_])";
    private const string End = @"(?![A-Za-z0-9_])";

    public static IReadOnlyList<SecretRule> Rules { get; } = new[]
    {
        // AI and model hosting. OpenRouter's sk-or-v1- runs before the generic sk- rule would call it OpenAI's.
        Rule("openrouter-key", Start + "sk-or-v1-[a-f0-9]{64,}" + End, "sk-or-v1-"),
        Rule("huggingface-token", Start + "(?:hf|api_org)_[A-Za-z]{34,}" + End, "hf_", "api_org_"),
        Rule("perplexity-key", Start + "pplx-[A-Za-z0-9]{48,}" + End, "pplx-"),
        Rule("groq-key", Start + "gsk_[A-Za-z0-9]{48,}" + End, "gsk_"),
        Rule("replicate-token", Start + "r8_[A-Za-z0-9]{37,}" + End, "r8_"),
        Rule("xai-key", Start + "xai-[A-Za-z0-9]{70,}" + End, "xai-"),
        Rule("langsmith-key", Start + "lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}" + End, "lsv2_"),
        Rule("tavily-key", Start + "tvly-(?:dev-|prod-)?[A-Za-z0-9]{32,}" + End, "tvly-"),
        Rule("pinecone-key", Start + "pcsk_[A-Za-z0-9_]{40,}" + End, "pcsk_"),
        Rule("elevenlabs-key", Start + "sk_[a-f0-9]{48}" + End, "sk_"),
        Rule("aws-bedrock-key", Start + "ABSK[A-Za-z0-9+/]{100,}={0,2}", "ABSK"),

        // Payments and commerce.
        Rule("stripe-key", Start + "(?:(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9+/=]{32,})" + End, "_live_", "_test_", "_prod_", "whsec_"),
        Rule("square-token", Start + "(?:EAAA[A-Za-z0-9_-]{60,}|sq0(?:atp|csp)-[A-Za-z0-9_-]{22,})", "EAAA", "sq0atp-", "sq0csp-"),
        Rule("shopify-token", Start + "shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32,}" + End, "shpat_", "shpca_", "shppa_", "shpss_"),
        Rule("shippo-token", Start + "shippo_(?:live|test)_[a-f0-9]{40,}" + End, "shippo_"),
        Rule("flutterwave-key", Start + "FLWSECK(?:_TEST)?-[a-h0-9]{32}-X" + End, "FLWSECK"),
        Rule("braintree-token", "access_token\\$(?:production|sandbox)\\$[a-z0-9]{16}\\$[a-f0-9]{32}", "access_token$"),
        Rule("plaid-token", Start + "access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}" + End, "access-"),
        Rule("duffel-token", Start + "duffel_(?:test|live)_[A-Za-z0-9_=-]{43,}", "duffel_"),
        Rule("easypost-key", Start + "EZ[AT]K[A-Za-z0-9]{54,}" + End, "EZAK", "EZTK"),

        // Messaging and mail.
        Rule("twilio-key", Start + "SK[0-9a-f]{32}" + End, "SK"),
        Rule("sendgrid-key", Start + @"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43,}", "SG."),
        Rule("mailgun-key", @"(?<![A-Za-z0-9_-])key-[0-9a-f]{32}" + End, "key-"),
        Rule("mailchimp-key", @"(?<=(?<![A-Za-z0-9])(?<secret>[0-9a-f]{32}))-us[0-9]{1,2}" + End, "-us"),
        Rule("sendinblue-key", Start + "xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}" + End, "xkeysib-"),
        Rule("telegram-bot-token", @"(?<=(?<![0-9])(?<secret>[0-9]{8,10})):AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])", ":AA"),
        Rule("discord-webhook", @"https://(?:(?:canary|ptb)\.)?discord(?:app)?\.com/api/webhooks/[0-9]{16,20}/(?<secret>[A-Za-z0-9_-]{60,})", "/api/webhooks/"),
        Rule("teams-webhook", @"https://[A-Za-z0-9-]+\.webhook\.office\.com/webhookb2/(?<secret>[^\s""'<>\\]{40,})", ".webhook.office.com/"),
        Rule("fcm-server-key", Start + "AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{100,}", ":APA91b"),
        Rule("facebook-token", Start + "EAA[MC][A-Za-z0-9]{100,}" + End, "EAAM", "EAAC"),

        // Source hosting, packages and CI.
        Rule("gitlab-token", Start + "(?:gl(?:pat|ptt|dt|rt|cbt|soat|ft|imt|agent|oas|ffct)-[A-Za-z0-9_.-]{20,}|GR1348941[A-Za-z0-9_-]{20,})", "glpat-", "glptt-", "gldt-", "glrt-", "glcbt-", "glsoat-", "glft-", "glimt-", "glagent-", "gloas-", "glffct-", "GR1348941"),
        Rule("atlassian-token", Start + "(?:AT(?:ATT|CTT)3[A-Za-z0-9_=-]{40,}|ATBB[A-Za-z0-9]{28,})" + End, "ATATT3", "ATCTT3", "ATBB"),
        Rule("npm-token", Start + "npm_[A-Za-z0-9]{36,}" + End, "npm_"),
        Rule("pypi-token", Start + "pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}", "pypi-AgEIcHlwaS5vcmc"),
        Rule("nuget-key", Start + "oy2[a-z0-9]{43}" + End, "oy2"),
        Rule("rubygems-key", Start + "rubygems_[a-f0-9]{48,}" + End, "rubygems_"),
        Rule("clojars-token", Start + "CLOJARS_[a-z0-9]{60,}" + End, "CLOJARS_"),
        Rule("docker-token", Start + "dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,}", "dckr_"),
        Rule("jfrog-token", Start + "(?:AKCp[A-Za-z0-9]{69,}|cmVmdGtu[A-Za-z0-9]{56,})" + End, "AKCp", "cmVmdGtu"),
        Rule("sourcegraph-token", Start + "sgp_(?:[a-f0-9]{16}_|local_)?[a-f0-9]{40}" + End, "sgp_"),
        Rule("buildkite-token", Start + "bkua_[a-f0-9]{40}" + End, "bkua_"),
        Rule("readme-key", Start + "rdme_[a-z0-9]{70,}" + End, "rdme_"),
        Rule("postman-key", Start + "PMAK-[a-f0-9]{24}-[a-f0-9]{34}" + End, "PMAK-"),
        Rule("harness-key", Start + @"(?:pat|sat)\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20}" + End, "pat.", "sat."),
        Rule("octopus-key", Start + "API-[A-Z0-9]{26}" + End, "API-"),
        Rule("typeform-token", Start + "tfp_[A-Za-z0-9_.=-]{59,}", "tfp_"),
        Rule("sentry-token", Start + "sntry[su]_[A-Za-z0-9+/=_]{64,}", "sntrys_", "sntryu_"),
        Rule("settlemint-token", Start + "sm_(?:pat|aat|sat)_[A-Za-z0-9]{16,}" + End, "sm_"),

        // Clouds, platforms and infrastructure.
        Rule("azure-storage-key", @"(?<=(?i:key)(?:\\?[""'])?(?:[ \t]*[:=][ \t]*|[ \t]+)(?:\\?[""'])?(?<secret>[A-Za-z0-9+/]{86}))==(?![A-Za-z0-9+/=])", "=="),
        Rule("azure-shared-access-key", @"(?<=SharedAccessKey=)[A-Za-z0-9+/]{42,}={0,2}", "SharedAccessKey="),
        Rule("azure-sas-signature", @"(?<=[?&;]sig=)(?:[A-Za-z0-9+/]|%2[BbFf]){30,}(?:%3[Dd]|=){0,2}", "sig="),
        Rule("azure-ad-client-secret", @"(?<=(?<![A-Za-z0-9_~.-])(?<secret>[A-Za-z0-9_~.]{3}[0-9]))Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])", "Q~"),
        Rule("google-oauth-client-secret", Start + "GOCSPX-[A-Za-z0-9_-]{28,}", "GOCSPX-"),
        Rule("google-oauth-token", Start + @"(?:ya29\.[A-Za-z0-9_-]{30,}|1//0[A-Za-z0-9_-]{40,})", "ya29.", "1//0"),
        Rule("alibaba-access-key", Start + "LTAI[A-Za-z0-9]{20}" + End, "LTAI"),
        Rule("digitalocean-token", Start + "do[opr]_v1_[a-f0-9]{64}" + End, "_v1_"),
        Rule("heroku-key", Start + "HRKU-[A-Za-z0-9_-]{58,}", "HRKU-"),
        Rule("flyio-token", Start + "(?:fo1_[A-Za-z0-9_-]{43,}|fm[12][ar]?_[A-Za-z0-9+/]{100,}={0,3})", "fo1_", "fm1", "fm2_"),
        Rule("cloudflare-origin-ca-key", Start + @"v1\.0-[a-f0-9]{24}-[a-f0-9]{146}" + End, "v1.0-"),
        Rule("databricks-token", Start + "dapi[a-f0-9]{32}(?:-[0-9])?" + End, "dapi"),
        Rule("vault-token", Start + @"hv[sbr]\.[A-Za-z0-9_-]{24,}", "hvs.", "hvb.", "hvr."),
        Rule("terraform-token", @"(?<=(?<![A-Za-z0-9_])(?<secret>[A-Za-z0-9]{14}))\.atlasv1\.[A-Za-z0-9_=-]{60,}", ".atlasv1."),
        // A service token names its config between the type and the key (dp.st.prd.…, dp.st.dev_personal.…).
        Rule("doppler-token", Start + @"dp\.(?:pt|st(?:\.[a-z0-9_-]{1,64})?|sa|ct|scim|audit)\.[A-Za-z0-9_-]{40,}", "dp."),
        Rule("pulumi-token", Start + "pul-[a-f0-9]{40}" + End, "pul-"),
        Rule("planetscale-token", Start + "pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.=-]{32,}", "pscale_"),
        Rule("supabase-key", Start + "(?:sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{20,})" + End, "sbp_", "sb_secret_"),
        Rule("tailscale-key", Start + "tskey-(?:api|auth|client|webhook|scim)-[A-Za-z0-9]{6,}-[A-Za-z0-9]{20,}" + End, "tskey-"),
        Rule("openshift-token", Start + "sha256~[A-Za-z0-9_-]{43}" + End, "sha256~"),
        Rule("scalingo-token", Start + "tk-us-[A-Za-z0-9_-]{48}" + End, "tk-us-"),
        Rule("infracost-key", Start + "ico-[A-Za-z0-9]{32}" + End, "ico-"),
        Rule("deno-token", Start + "dd[pw]_[A-Za-z0-9]{36}" + End, "ddp_", "ddw_"),
        Rule("render-key", Start + "rnd_[A-Za-z0-9]{32,}" + End, "rnd_"),
        Rule("prefect-key", Start + "pnu_[A-Za-z0-9]{36}" + End, "pnu_"),
        Rule("defined-networking-key", Start + "dnkey-[A-Za-z0-9=_-]{26}-[A-Za-z0-9=_-]{52}", "dnkey-"),

        // Observability, productivity and content.
        Rule("grafana-token", Start + "(?:glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,}={0,2}|eyJrIjoi[A-Za-z0-9]{70,}={0,2})" + End, "glsa_", "glc_", "eyJrIjoi"),
        Rule("new-relic-key", Start + "NR(?:AK|II)-[A-Za-z0-9-]{27,32}" + End, "NRAK-", "NRII-"),
        Rule("dynatrace-token", Start + @"dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}" + End, "dt0c01."),
        Rule("linear-key", Start + "lin_api_[A-Za-z0-9]{40,}" + End, "lin_api_"),
        Rule("notion-token", Start + "(?:ntn_[0-9]{11}[A-Za-z0-9]{35,}|secret_[A-Za-z0-9]{43})" + End, "ntn_", "secret_"),
        Rule("airtable-token", Start + @"pat[A-Za-z0-9]{14}\.[a-f0-9]{64}" + End, "pat"),
        Rule("contentful-token", Start + "CFPAT-[A-Za-z0-9_-]{43,}", "CFPAT-"),
        Rule("mapbox-token", Start + @"sk\.eyJ[A-Za-z0-9_-]{40,}\.[A-Za-z0-9_-]{20,}", "sk.eyJ"),
        Rule("frameio-token", Start + "fio-u-[A-Za-z0-9_=-]{64,}", "fio-u-"),
        Rule("maxmind-key", @"(?<=(?<![A-Za-z0-9_])(?<secret>[A-Za-z0-9]{6}_[A-Za-z0-9]{29}))_mmk" + End, "_mmk"),
        Rule("adobe-client-secret", Start + "p8e-[A-Za-z0-9]{32}" + End, "p8e-"),
        Rule("onepassword-secret", Start + "(?:ops_eyJ[A-Za-z0-9+/]{250,}={0,3}|A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})" + End, "ops_eyJ", "A3-"),
        Rule("age-secret-key", "AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}", "AGE-SECRET-KEY-1"),
    };

    /// <summary>The kinds this table names, in table order (a kind may have several shapes).</summary>
    public static IEnumerable<string> Kinds => Rules.Select(r => r.Kind).Distinct();

    private static SecretRule Rule(string kind, string pattern, params string[] literals) => new(
        kind,
        new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture),
        judge: JudgeRandom,
        literals: literals);

    /// <summary>A token is random; a word that happens to fit the shape (npm_ and 36 lower-case letters) is not.
    /// A "secret" group captured inside a lookbehind (the regex starts at a rare infix such as :AA or -us and
    /// looks back for the rest) runs to the end of the match.</summary>
    private static SecretSpan? JudgeRandom(string text, Match match)
    {
        var secret = match.Groups["secret"];
        var span = secret.Success && secret.Index < match.Index ? SecretSpan.From(secret, match) : SecretPatterns.SecretOrWhole(text, match)!.Value;
        return SecretPatterns.LooksRandom(text.AsSpan(span.Index, span.Length)) ? span : null;
    }
}
