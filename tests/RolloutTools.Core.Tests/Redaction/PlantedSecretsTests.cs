using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RolloutTools.Core.Export;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Redaction;

namespace RolloutTools.Core.Tests.Redaction;

/// <summary>
/// Secrets of every kind the redactor knows, generated at run time from a seeded Random in each kind's
/// shape (so the repository holds no string a secret scanner would take for a key), planted in every place
/// a record holds text, and looked for in every output after Protect.
/// </summary>
public sealed class PlantedSecretsTests
{
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";
    private const string Digits = "0123456789";
    private const string Alnum = Upper + Lower + Digits;
    private const string Hex = "0123456789abcdef";
    private const string UrlSafe = Alnum + "-_";
    private const string Base64 = Alnum + "+/";
    private const string Bech32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    private const int Seed = 20260417;
    private const int Rounds = 2;

    /// <summary>A random string; one of 8 or more characters has a digit and two upper- and two lower-case
    /// letters where the alphabet has them, as real keys almost always do (the redactor declines tokens that
    /// read as words).</summary>
    private static string R(Random random, string alphabet, int length)
    {
        while (true)
        {
            var chars = new char[length];
            for (var i = 0; i < length; i++) chars[i] = alphabet[random.Next(alphabet.Length)];
            var s = new string(chars);
            var mixed = (!alphabet.Any(char.IsAsciiDigit) || s.Any(char.IsAsciiDigit))
                && (!alphabet.Any(char.IsAsciiLetterUpper) || s.Count(char.IsAsciiLetterUpper) >= 2)
                && (!alphabet.Any(char.IsAsciiLetterLower) || s.Count(char.IsAsciiLetterLower) >= 2);
            if (mixed || length < 8) return s;
        }
    }

    private static string Uuid(Random r) => $"{R(r, Hex, 8)}-{R(r, Hex, 4)}-{R(r, Hex, 4)}-{R(r, Hex, 4)}-{R(r, Hex, 12)}";

    private static string Password(Random r) => R(r, Alnum, 10) + "-" + R(r, Alnum, 6);

    /// <summary>A planted secret: the text that holds it, and the part that must not survive.</summary>
    private sealed record Plant(string Kind, string Text, string Needle);

    private static Plant Whole(string kind, string token, string context = "{0}") => new(kind, string.Format(context, token), token);

    /// <summary>One generator per shape; several shapes may share a kind. Prefixes are split so that no
    /// source line reads as a vendor's token.</summary>
    private static readonly (string Kind, Func<Random, Plant> Make)[] Shapes =
    {
        ("private-key", r => { var body = string.Join("\n", R(r, Base64, 64), R(r, Base64, 64), R(r, Base64, 40) + "=="); return new("private-key", "-----BEGIN " + "RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----", body[..40]); }),
        ("putty-private-key", r => { var line = R(r, Base64, 44); return new("putty-private-key", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: ci-key\nPublic-Lines: 2\n" + R(r, Base64, 64) + "\n" + R(r, Base64, 16) + "\nPrivate-Lines: 1\n" + line + "\nPrivate-MAC: " + R(r, Hex, 64), line); }),
        ("jwt", r => { var sig = R(r, UrlSafe, 43); return new("jwt", "Authorization: Bearer eyJ" + R(r, UrlSafe, 30) + ".eyJ" + R(r, UrlSafe, 60) + "." + sig, sig); }),
        ("anthropic-key", r => Whole("anthropic-key", "sk-" + "ant-api03-" + R(r, UrlSafe, 93) + "AA", "export ANTHROPIC_API_KEY={0}")),
        ("openai-key", r => Whole("openai-key", "sk-" + "proj-" + R(r, UrlSafe, 120), "OPENAI_API_KEY=\"{0}\"")),
        ("github-token", r => Whole("github-token", "gh" + "p_" + R(r, Alnum, 36), "git remote set-url origin https://{0}@github.com/acme/shop.git")),
        ("github-token", r => Whole("github-token", "github" + "_pat_" + R(r, Alnum, 22) + "_" + R(r, Alnum, 59))),
        ("slack-token", r => Whole("slack-token", "xo" + "xb-" + R(r, Digits, 11) + "-" + R(r, Digits, 12) + "-" + R(r, Alnum, 24))),
        ("slack-token", r => Whole("slack-token", "xa" + "pp-1-" + R(r, Upper + Digits, 11) + "-" + R(r, Digits, 13) + "-" + R(r, Hex, 64), "SLACK_APP_TOKEN={0}")),
        ("slack-token", r => { var path = "T" + R(r, Upper + Digits, 8) + "/B" + R(r, Upper + Digits, 10) + "/" + R(r, Alnum, 24); return new("slack-token", "https://hooks.slack.com/services/" + path, path); }),
        ("google-api-key", r => Whole("google-api-key", "AI" + "za" + R(r, UrlSafe, 35), "maps?key={0}&q=berlin")),
        ("aws-access-key", r => Whole("aws-access-key", "AK" + "IA" + R(r, Upper + "234567", 16), "aws_access_key_id = {0}")),
        ("aws-secret-key", r => Whole("aws-secret-key", R(r, Base64, 40), "aws_secret_access_key = {0}")),
        ("aws-secret-key", r => Whole("aws-secret-key", R(r, Base64, 40), "aws configure set aws_secret_access_key {0}")),
        ("connection-string", r => { var pw = Password(r); return new("connection-string", $"DATABASE_URL=postgres://app:{pw}@db.internal:5432/shop", pw); }),
        ("connection-string", r => { var pw = Password(r); return new("connection-string", $"Server=db;Database=shop;User Id=sa;Password={pw};Encrypt=true", pw); }),
        ("email", r => { var local = R(r, Lower, 6) + "." + R(r, Lower, 7); return new("email", $"Signed-off-by: Dana <{local}@acme-corp.io>", local); }),
        ("password", r => { var pw = Password(r); return new("password", $"curl -u admin:{pw} https://api.acme-corp.io/v1/ping", pw); }),
        ("password", r => { var pw = Password(r); return new("password", $"mongodump --host db --username ops --password {pw} --out /tmp/dump", pw); }),
        ("password", r => { var pw = Password(r); return new("password", $"wget --user=ci --password='{pw}' https://files.acme-corp.io/a.tgz", pw); }),
        ("password", r => { var pw = Password(r); return new("password", $"mysql -h db -u root -p{pw} shop < dump.sql", pw); }),
        ("password", r => { var pw = Password(r); return new("password", $"sshpass -p '{pw}' ssh deploy@10.0.0.5 uptime", pw); }),
        ("password", r => { var pw = Password(r); return new("password", $"echo done && docker login -u ci -p {pw} registry.acme-corp.io", pw); }),
        ("password", r => { var hex = R(r, Hex, 40); return new("password", $"curl -H 'Authorization: Token {hex}' https://api.acme-corp.io/v2/items", hex); }),
        ("password", r => { var pw = Password(r); var tail = R(r, Alnum, 20); return new("password", $"db:\n  user: app\n  password: |\n    {pw}\n    {tail}\n  port: 5432", pw); }),
        ("password", r => { var pw = Password(r); return new("password", $"machine api.acme-corp.io login ci password {pw}", pw); }),
        ("password", r => { var pw = Password(r); return new("password", $"PGPASSWORD={pw} psql -h db -U app shop", pw); }),
        ("password", r => { var pw = Password(r); return new("password", $"openssl pkcs12 -in cert.p12 -passin pass:{pw} -nodes", pw); }),
        ("openrouter-key", r => Whole("openrouter-key", "sk-" + "or-v1-" + R(r, Hex, 64))),
        ("huggingface-token", r => Whole("huggingface-token", "h" + "f_" + R(r, Upper + Lower, 34), "HF_TOKEN={0}")),
        ("perplexity-key", r => Whole("perplexity-key", "pp" + "lx-" + R(r, Alnum, 48))),
        ("groq-key", r => Whole("groq-key", "gs" + "k_" + R(r, Alnum, 52))),
        ("replicate-token", r => Whole("replicate-token", "r" + "8_" + R(r, Alnum, 37))),
        ("xai-key", r => Whole("xai-key", "xa" + "i-" + R(r, Alnum, 80))),
        ("langsmith-key", r => Whole("langsmith-key", "lsv" + "2_pt_" + R(r, Hex, 32) + "_" + R(r, Hex, 10))),
        ("tavily-key", r => Whole("tavily-key", "tv" + "ly-dev-" + R(r, Alnum, 32))),
        ("pinecone-key", r => Whole("pinecone-key", "pc" + "sk_" + R(r, Alnum, 5) + "_" + R(r, Alnum, 63))),
        ("elevenlabs-key", r => Whole("elevenlabs-key", "s" + "k_" + R(r, Hex, 48))),
        ("aws-bedrock-key", r => Whole("aws-bedrock-key", "AB" + "SK" + R(r, Base64, 130) + "=")),
        ("stripe-key", r => Whole("stripe-key", "s" + "k_live_" + R(r, Alnum, 99), "Stripe.api_key = '{0}'")),
        ("stripe-key", r => Whole("stripe-key", "wh" + "sec_" + R(r, Alnum, 32))),
        ("square-token", r => Whole("square-token", "EA" + "AA" + R(r, UrlSafe, 60))),
        ("square-token", r => Whole("square-token", "sq0" + "csp-" + R(r, UrlSafe, 43))),
        ("shopify-token", r => Whole("shopify-token", "sh" + "pat_" + R(r, Hex, 32))),
        ("shippo-token", r => Whole("shippo-token", "shi" + "ppo_live_" + R(r, Hex, 40))),
        ("flutterwave-key", r => Whole("flutterwave-key", "FLW" + "SECK_TEST-" + R(r, "abcdefgh0123456789", 32) + "-X")),
        ("braintree-token", r => Whole("braintree-token", "access" + "_token$production$" + R(r, Lower + Digits, 16) + "$" + R(r, Hex, 32))),
        ("plaid-token", r => Whole("plaid-token", "access" + "-production-" + Uuid(r))),
        ("duffel-token", r => Whole("duffel-token", "duf" + "fel_live_" + R(r, UrlSafe, 43))),
        ("easypost-key", r => Whole("easypost-key", "EZ" + "AK" + R(r, Alnum, 54))),
        ("twilio-key", r => Whole("twilio-key", "S" + "K" + R(r, Hex, 32), "TWILIO_API_KEY={0}")),
        ("sendgrid-key", r => Whole("sendgrid-key", "S" + "G." + R(r, UrlSafe, 22) + "." + R(r, UrlSafe, 43))),
        ("mailgun-key", r => Whole("mailgun-key", "ke" + "y-" + R(r, Hex, 32), "api:{0}")),
        ("mailchimp-key", r => Whole("mailchimp-key", R(r, Hex, 32) + "-us" + R(r, Digits, 2))),
        ("sendinblue-key", r => Whole("sendinblue-key", "xkey" + "sib-" + R(r, Hex, 64) + "-" + R(r, Alnum, 16))),
        ("telegram-bot-token", r => Whole("telegram-bot-token", R(r, "123456789", 1) + R(r, Digits, 9) + ":A" + "A" + R(r, UrlSafe, 33), "https://api.telegram.org/bot{0}/sendMessage")),
        ("discord-webhook", r => { var token = R(r, UrlSafe, 68); return new("discord-webhook", "https://discord.com/api/webhooks/" + R(r, Digits, 18) + "/" + token, token); }),
        ("teams-webhook", r => { var tail = R(r, Hex, 32); return new("teams-webhook", $"https://acme.webhook.office.com/webhookb2/{Uuid(r)}@{Uuid(r)}/IncomingWebhook/{tail}/{Uuid(r)}", tail); }),
        ("fcm-server-key", r => Whole("fcm-server-key", "AAAA" + R(r, UrlSafe, 7) + ":APA" + "91b" + R(r, UrlSafe, 134))),
        ("facebook-token", r => Whole("facebook-token", "EA" + "AC" + R(r, Alnum, 150))),
        ("gitlab-token", r => Whole("gitlab-token", "gl" + "pat-" + R(r, UrlSafe, 20), "git clone https://oauth2:{0}@gitlab.com/acme/shop.git")),
        ("gitlab-token", r => Whole("gitlab-token", "gl" + "rt-" + R(r, UrlSafe, 20))),
        ("atlassian-token", r => Whole("atlassian-token", "ATA" + "TT3" + R(r, UrlSafe, 180) + "=" + R(r, Hex, 8))),
        ("npm-token", r => Whole("npm-token", "np" + "m_" + R(r, Alnum, 36), "//registry.npmjs.org/:_authToken={0}")),
        ("pypi-token", r => Whole("pypi-token", "py" + "pi-AgEIcHlwaS5vcmc" + R(r, UrlSafe, 70))),
        ("nuget-key", r => Whole("nuget-key", "oy" + "2" + R(r, Lower + Digits, 43), "dotnet nuget push pkg.nupkg -k {0}")),
        ("rubygems-key", r => Whole("rubygems-key", "ruby" + "gems_" + R(r, Hex, 48))),
        ("clojars-token", r => Whole("clojars-token", "CLO" + "JARS_" + R(r, Lower + Digits, 60))),
        ("docker-token", r => Whole("docker-token", "dck" + "r_pat_" + R(r, UrlSafe, 27))),
        ("jfrog-token", r => Whole("jfrog-token", "AK" + "Cp" + R(r, Alnum, 69))),
        ("sourcegraph-token", r => Whole("sourcegraph-token", "sg" + "p_" + R(r, Hex, 16) + "_" + R(r, Hex, 40))),
        ("buildkite-token", r => Whole("buildkite-token", "bk" + "ua_" + R(r, Hex, 40))),
        ("readme-key", r => Whole("readme-key", "rd" + "me_" + R(r, Lower + Digits, 70))),
        ("postman-key", r => Whole("postman-key", "PM" + "AK-" + R(r, Hex, 24) + "-" + R(r, Hex, 34))),
        ("harness-key", r => Whole("harness-key", "pa" + "t." + R(r, UrlSafe, 22) + "." + R(r, Alnum, 24) + "." + R(r, Alnum, 20))),
        ("octopus-key", r => Whole("octopus-key", "AP" + "I-" + R(r, Upper + Digits, 26))),
        ("typeform-token", r => Whole("typeform-token", "tf" + "p_" + R(r, UrlSafe, 59))),
        ("sentry-token", r => Whole("sentry-token", "sntr" + "yu_" + R(r, Hex, 64))),
        ("settlemint-token", r => Whole("settlemint-token", "sm" + "_pat_" + R(r, Alnum, 16))),
        ("azure-storage-key", r => { var key = R(r, Base64, 86); return new("azure-storage-key", $"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={key}==;EndpointSuffix=core.windows.net", key); }),
        ("azure-shared-access-key", r => { var key = R(r, Base64, 43); return new("azure-shared-access-key", $"Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={key}=", key); }),
        ("azure-sas-signature", r => { var sig = R(r, Alnum, 20) + "%2B" + R(r, Alnum, 10) + "%2F" + R(r, Alnum, 11); return new("azure-sas-signature", $"https://acme.blob.core.windows.net/c/a.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-01-01T00:00:00Z&spr=https&sig={sig}%3D", sig); }),
        ("azure-ad-client-secret", r => Whole("azure-ad-client-secret", R(r, Alnum, 3) + R(r, Digits, 1) + "Q" + "~" + R(r, Alnum + "_~.-", 34), "AZURE_CLIENT_SECRET={0}")),
        ("google-oauth-client-secret", r => Whole("google-oauth-client-secret", "GOC" + "SPX-" + R(r, UrlSafe, 28), "\"client_secret\": \"{0}\"")),
        ("google-oauth-token", r => Whole("google-oauth-token", "ya" + "29." + R(r, UrlSafe, 120))),
        ("google-oauth-token", r => Whole("google-oauth-token", "1/" + "/0" + R(r, UrlSafe, 60))),
        ("alibaba-access-key", r => Whole("alibaba-access-key", "LT" + "AI" + R(r, Alnum, 20))),
        ("digitalocean-token", r => Whole("digitalocean-token", "do" + "p_v1_" + R(r, Hex, 64))),
        ("heroku-key", r => Whole("heroku-key", "HR" + "KU-AA" + R(r, UrlSafe, 58))),
        ("flyio-token", r => Whole("flyio-token", "fo" + "1_" + R(r, UrlSafe, 43))),
        ("cloudflare-origin-ca-key", r => Whole("cloudflare-origin-ca-key", "v1" + ".0-" + R(r, Hex, 24) + "-" + R(r, Hex, 146))),
        ("databricks-token", r => Whole("databricks-token", "da" + "pi" + R(r, Hex, 32))),
        ("vault-token", r => Whole("vault-token", "hv" + "s." + R(r, UrlSafe, 95), "VAULT_TOKEN={0}")),
        ("terraform-token", r => Whole("terraform-token", R(r, Alnum, 14) + ".atlas" + "v1." + R(r, UrlSafe, 67))),
        ("doppler-token", r => Whole("doppler-token", "dp" + ".pt." + R(r, Alnum, 43))),
        ("doppler-token", r => Whole("doppler-token", "dp" + ".st.prd." + R(r, Alnum, 40), "DOPPLER_TOKEN={0}")),
        ("pulumi-token", r => Whole("pulumi-token", "pu" + "l-" + R(r, Hex, 40))),
        ("planetscale-token", r => Whole("planetscale-token", "pscale" + "_tkn_" + R(r, UrlSafe, 43))),
        ("supabase-key", r => Whole("supabase-key", "sb" + "p_" + R(r, Hex, 40))),
        ("tailscale-key", r => Whole("tailscale-key", "tskey" + "-auth-" + R(r, Alnum, 12) + "-" + R(r, Alnum, 33))),
        ("openshift-token", r => Whole("openshift-token", "sha256" + "~" + R(r, UrlSafe, 43))),
        ("scalingo-token", r => Whole("scalingo-token", "tk" + "-us-" + R(r, UrlSafe, 48))),
        ("infracost-key", r => Whole("infracost-key", "ic" + "o-" + R(r, Alnum, 32))),
        ("deno-token", r => Whole("deno-token", "dd" + "p_" + R(r, Alnum, 36))),
        ("render-key", r => Whole("render-key", "rn" + "d_" + R(r, Alnum, 32))),
        ("prefect-key", r => Whole("prefect-key", "pn" + "u_" + R(r, Alnum, 36))),
        ("defined-networking-key", r => Whole("defined-networking-key", "dn" + "key-" + R(r, UrlSafe, 26) + "-" + R(r, UrlSafe, 52))),
        ("grafana-token", r => Whole("grafana-token", "gl" + "sa_" + R(r, Alnum, 32) + "_" + R(r, Hex, 8))),
        ("grafana-token", r => Whole("grafana-token", "gl" + "c_" + R(r, Base64, 120) + "==")),
        ("new-relic-key", r => Whole("new-relic-key", "NR" + "AK-" + R(r, Upper + Digits, 27))),
        ("dynatrace-token", r => Whole("dynatrace-token", "dt0" + "c01." + R(r, Upper + Digits, 24) + "." + R(r, Upper + Digits, 64))),
        ("linear-key", r => Whole("linear-key", "lin" + "_api_" + R(r, Alnum, 40))),
        ("notion-token", r => Whole("notion-token", "nt" + "n_" + R(r, Digits, 11) + R(r, Alnum, 35))),
        ("notion-token", r => Whole("notion-token", "sec" + "ret_" + R(r, Alnum, 43))),
        ("airtable-token", r => Whole("airtable-token", "pa" + "t" + R(r, Alnum, 14) + "." + R(r, Hex, 64))),
        ("contentful-token", r => Whole("contentful-token", "CF" + "PAT-" + R(r, UrlSafe, 43))),
        ("mapbox-token", r => Whole("mapbox-token", "s" + "k.eyJ" + R(r, UrlSafe, 60) + "." + R(r, UrlSafe, 22))),
        ("frameio-token", r => Whole("frameio-token", "fi" + "o-u-" + R(r, UrlSafe, 64))),
        ("maxmind-key", r => Whole("maxmind-key", R(r, Alnum, 6) + "_" + R(r, Alnum, 29) + "_mm" + "k")),
        ("adobe-client-secret", r => Whole("adobe-client-secret", "p8" + "e-" + R(r, Alnum, 32))),
        ("onepassword-secret", r => Whole("onepassword-secret", "A" + "3-" + R(r, Upper + Digits, 6) + "-" + R(r, Upper + Digits, 11) + "-" + R(r, Upper + Digits, 5) + "-" + R(r, Upper + Digits, 5) + "-" + R(r, Upper + Digits, 5))),
        ("age-secret-key", r => Whole("age-secret-key", "AGE-" + "SECRET-KEY-1" + R(r, Bech32, 58).ToUpperInvariant())),
    };

    /// <summary>Lines that must come through every place untouched: code that names credentials without holding one.</summary>
    private static readonly string[] OrdinaryLines =
    {
        "var token = await credentialProvider.GetTokenAsync(scope, cancellationToken);",
        "_connectionOptions.SecurePassword = Credential?.Password;",
        "ForceStartNewToken = 0x0200,",
        "public string DefaultToken => \"(default)\";",
        "client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(\"Bearer\", token);",
        "git add -u && sort -u names.txt && ssh -p 2222 build@ci",
        "docker run -u 1000:1000 --rm acme/shop:latest",
        "mysql -u root -p shop",
        "echo \"$PASSWORD\" | docker login --username ci --password-stdin ghcr.io",
        "npm_config_cache=/tmp/npm hf_hub_download(repo_id, filename)",
        "if (secretKey == null) throw new ArgumentNullException(nameof(secretKey));",
    };

    private static List<Plant> PlantAll()
    {
        var random = new Random(Seed);
        var plants = new List<Plant>();
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var (_, make) in Shapes) plants.Add(make(random));
        }
        return plants;
    }

    /// <summary>Where a planted text goes; every place gets its share, in turn.</summary>
    private enum Place { Prompt, Reasoning, ToolArguments, ToolResult, StructuredResult, Answer, MetaString, MetaList, Title, Cwd, GitBranch }

    private static RolloutRecord Build(IReadOnlyList<Plant> plants)
    {
        var places = Enum.GetValues<Place>();
        var byPlace = places.ToDictionary(p => p, _ => new List<string>());
        for (var i = 0; i < plants.Count; i++) byPlace[places[i % places.Length]].Add(plants[i].Text);
        string Text(Place place) => string.Join("\n", OrdinaryLines.Concat(byPlace[place]).Append(OrdinaryLines[0]));
        // Tool arguments three levels deep, as MCP tools take them.
        var arguments = JsonSerializer.Serialize(new { request = new { steps = new object[] { new { shell = Text(Place.ToolArguments), retries = 2 } } }, dry_run = false });
        return new RolloutRecord
        {
            TraceId = "planted",
            Format = RolloutFormat.ClaudeCode,
            SourceKind = "claude_code",
            RootSessionId = "planted",
            Title = Text(Place.Title),
            Cwd = "/srv/app " + Text(Place.Cwd),
            GitBranch = Text(Place.GitBranch),
            Models = new[] { "claude-opus-4-6" },
            Messages = new[]
            {
                new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Prompt, Content = new[] { ContentBlock.FromText(Text(Place.Prompt)) } },
                new RolloutMessage
                {
                    Role = MessageRole.Assistant, Kind = MessageKind.Response, Model = "claude-opus-4-6", ReasoningContent = Text(Place.Reasoning),
                    ToolCalls = new[] { new ToolCall("toolu_01", "mcp__ops__run", arguments) },
                },
                new RolloutMessage
                {
                    Role = MessageRole.Tool, Kind = MessageKind.ToolResult, ToolCallId = "toolu_01", ToolName = "mcp__ops__run",
                    Content = new[] { ContentBlock.FromText(Text(Place.ToolResult)) },
                    StructuredResult = JsonSerializer.Serialize(new { stdout = Text(Place.StructuredResult), exit_code = 0 }),
                },
                new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, Model = "claude-opus-4-6", Content = new[] { ContentBlock.FromText(Text(Place.Answer)) } },
            },
            SourceMeta = new SourceMeta.Builder()
                .Add("version", "2.1.0")
                .Add("last_prompt", Text(Place.MetaString))
                .Add("files", Text(Place.MetaList).Split('\n'))
                .Build(),
        };
    }

    /// <summary>Every output a record can take, each as the text a reader of that output sees (JSON
    /// strings unescaped, HTML entities decoded).</summary>
    private static IEnumerable<(string Output, string Text)> Outputs(RolloutRecord record)
    {
        yield return ("record", Decoded(record.ToJson()));
        foreach (var format in Enum.GetValues<DatasetFormat>())
        {
            if (format == DatasetFormat.Parquet)
            {
                yield return ($"dataset {format}", ParquetText(record));
                continue;
            }
            var line = new DatasetWriter(new DatasetOptions { Format = format, IncludeReasoning = true }).Line(record, out var rejection);
            Assert.True(line is not null, $"{format}: {rejection}");
            yield return ($"dataset {format}", Decoded(Encoding.UTF8.GetString(line!.Value.Span)));
        }
        foreach (var format in Enum.GetValues<TranscriptFormat>())
        {
            var text = Transcript.Render(record, format, new TranscriptOptions { MaxToolOutputLength = 0 });
            yield return ($"transcript {format}", WebUtility.HtmlDecode(Regex.Replace(text, @"\\([!-/:-@\[-`{-~])", "$1")));
        }
    }

    /// <summary>The record's Parquet row as DuckDB reads it, as JSON, with the JSON held in source_meta decoded too.</summary>
    private static string ParquetText(RolloutRecord record)
    {
        var path = Path.Combine(Path.GetTempPath(), $"planted-{Guid.NewGuid():N}.parquet");
        try
        {
            using (var file = new ExportFile(path, append: false, new UTF8Encoding(false)))
            {
                var writer = new ParquetDatasetWriter(file, new DatasetOptions { Format = DatasetFormat.Parquet });
                writer.Add(record, out _);
                writer.Complete();
                file.Commit();
            }
            using var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT to_json(p)::VARCHAR, p.source_meta FROM read_parquet($path) p";
            command.Parameters.Add(new DuckDB.NET.Data.DuckDBParameter("path", path));
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            return Decoded(reader.GetString(0)) + Decoded(reader.GetString(1));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Decoded(string json)
    {
        var text = new StringBuilder();
        void Walk(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject()) { text.Append(property.Name).Append('\n'); Walk(property.Value); }
                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray()) Walk(item);
                    break;
                case JsonValueKind.String:
                    var value = element.GetString()!;
                    // Tool arguments and structured results are JSON inside a string.
                    if (value.StartsWith('{') && TryParse(value) is { } inner) Walk(inner.RootElement); else text.Append(value).Append('\n');
                    break;
            }
        }
        using var document = JsonDocument.Parse(json);
        Walk(document.RootElement);
        return text.ToString();
    }

    private static JsonDocument? TryParse(string json)
    {
        try { return JsonDocument.Parse(json); }
        catch (JsonException) { return null; }
    }

    [Fact]
    public void Every_built_in_kind_is_planted()
    {
        var planted = Shapes.Select(s => s.Kind).ToHashSet();
        var kinds = SecretPatterns.BuiltIn.Select(r => r.Kind).Distinct().ToArray();

        Assert.Equal(kinds.Order(StringComparer.Ordinal), planted.Order(StringComparer.Ordinal));
        Assert.True(kinds.Length >= 60, $"{kinds.Length} kinds");
    }

    [Fact]
    public void No_planted_secret_survives_in_any_place_or_output_and_each_is_counted_under_its_kind()
    {
        var plants = PlantAll();
        var record = Build(plants);
        Assert.True(plants.Count >= 100 && plants.Select(p => p.Kind).Distinct().Count() >= 60);
        // The hostile situation is real: the record shows every secret, and each output shows those of the
        // places it carries (a chat dataset has no title or cwd; a transcript has no tool-call ids).
        var shown = Outputs(record).ToDictionary(o => o.Output, o => plants.Count(p => o.Text.Contains(p.Needle, StringComparison.Ordinal)));
        Assert.Equal(plants.Count, shown["record"]);
        Assert.All(shown, s => Assert.True(s.Value >= plants.Count / 3, $"{s.Key} shows {s.Value} of {plants.Count}"));

        var safe = new Redactor("/home/alice").Protect(record);

        foreach (var (output, text) in Outputs(safe))
        {
            Assert.Empty(plants.Where(p => text.Contains(p.Needle, StringComparison.Ordinal)).Select(p => $"{output}: {p.Kind} leaked {p.Text}"));
        }
        var expected = plants.GroupBy(p => p.Kind).ToDictionary(g => g.Key, g => (long)g.Count());
        var counted = Assert.IsType<CountTable>(safe.SourceMeta["redactions"]);
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), counted);
    }

    [Fact]
    public void Ordinary_lines_beside_the_secrets_come_through_unchanged()
    {
        var safe = new Redactor("/home/alice").Protect(Build(PlantAll()));

        var places = new[] { safe.Messages[0].Text, safe.Messages[1].ReasoningContent!, safe.Messages[2].Text, safe.Messages[3].Text, safe.Title!, safe.GitBranch!, (string)safe.SourceMeta["last_prompt"] };
        foreach (var text in places)
        {
            var lines = text.Split('\n');
            foreach (var line in OrdinaryLines) Assert.Contains(line, lines);
        }
        using var arguments = JsonDocument.Parse(safe.Messages[1].ToolCalls[0].Arguments);
        var shell = arguments.RootElement.GetProperty("request").GetProperty("steps")[0].GetProperty("shell").GetString()!.Split('\n');
        foreach (var line in OrdinaryLines) Assert.Contains(line, shell);
        Assert.Equal(2, arguments.RootElement.GetProperty("request").GetProperty("steps")[0].GetProperty("retries").GetInt32());
    }

    [Theory]
    [MemberData(nameof(OrdinaryLineData))]
    public void Ordinary_lines_alone_are_left_alone(string line)
    {
        var counts = new Counter();

        Assert.Equal(line, new Redactor().Redact(line, counts));
        Assert.Empty(counts);
    }

    public static IEnumerable<object[]> OrdinaryLineData() => OrdinaryLines.Select(l => new object[] { l });
}
