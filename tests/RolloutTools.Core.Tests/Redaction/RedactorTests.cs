using System.Text;
using System.Text.Json;
using RolloutTools.Core.Redaction;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Redaction;

public sealed class RedactorTests
{
    // Every secret below is fake and assembled at run time from pieces, so no file holds a whole key that a
    // secret scanner would flag. The bodies are pseudo-random (fixed seeds), as real keys are.
    private const string Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string UrlSafe = Alnum + "-_";
    private const string Base64 = Alnum + "+/";
    private const string UpperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private static string Fake(int length, string alphabet, int seed)
    {
        var random = new Random(seed);
        var chars = new char[length];
        for (var i = 0; i < length; i++) chars[i] = alphabet[random.Next(alphabet.Length)];
        return new string(chars);
    }

    private static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static readonly string AnthropicBody = Fake(93, UrlSafe, 1);
    private static readonly string OpenAIBody = Fake(64, Alnum, 2);
    private static readonly string AwsAccessBody = Fake(16, UpperDigits, 3);
    private static readonly string AwsSecret = Fake(40, Base64, 4);
    private static readonly string GitHubBody = Fake(36, Alnum, 5);
    private static readonly string SlackBody = Fake(24, Alnum, 6);
    private static readonly string GoogleBody = Fake(35, UrlSafe, 7);
    private static readonly string JwtSignature = Fake(43, UrlSafe, 8);
    private static readonly string[] KeyLines = { Fake(64, Base64, 9), Fake(64, Base64, 10), Fake(64, Base64, 11), Fake(28, Base64, 12) + "==" };
    private static readonly string PasswordValue = "hunter2" + "-Xq9v";
    private static readonly string DbPassword = "s3cr3t" + "Pa55";
    private static readonly string EmailLocal = "alice.smith";

    /// <summary>One fake secret of each kind, by kind.</summary>
    private static readonly Dictionary<string, string> Secrets = new()
    {
        ["anthropic-key"] = "sk-" + "ant-" + "api03-" + AnthropicBody,
        ["openai-key"] = "sk-" + "proj-" + OpenAIBody,
        ["aws-access-key"] = "AK" + "IA" + AwsAccessBody,
        ["aws-secret-key"] = AwsSecret,
        ["github-token"] = "ghp" + "_" + GitHubBody,
        ["slack-token"] = "xo" + "xb-" + "20417365" + "-" + "3318840297" + "-" + SlackBody,
        ["google-api-key"] = "AI" + "za" + GoogleBody,
        ["jwt"] = Base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + Base64Url("{\"sub\":\"4711\",\"name\":\"Alice Smith\",\"iat\":1735689600}") + "." + JwtSignature,
        ["private-key"] = "-----BEGIN " + "RSA PRIVATE KEY-----\n" + string.Join("\n", KeyLines) + "\n-----END RSA PRIVATE KEY-----",
        ["password"] = PasswordValue,
        ["connection-string"] = DbPassword,
        ["email"] = EmailLocal + "@" + "acme-corp.io",
        ["custom"] = "ACME-" + "4417-" + "9921",
    };

    /// <summary>What must not survive: the distinctive part of each secret.</summary>
    private static readonly string[] Needles = new[]
    {
        AnthropicBody, OpenAIBody, AwsAccessBody, AwsSecret, GitHubBody, SlackBody, GoogleBody, JwtSignature,
        Secrets["jwt"].Split('.')[1], PasswordValue, DbPassword, EmailLocal, Secrets["custom"],
    }.Concat(KeyLines.Select(l => l[..20])).ToArray();

    private static readonly string[] CustomPatterns = { @"ACME-\d{4}-\d{4}" };

    /// <summary>A shell session that leaks one secret of each kind and the home directory, once each.</summary>
    private static readonly string Leaky = string.Join("\n",
        $"export ANTHROPIC_API_KEY={Secrets["anthropic-key"]}",
        $"openai: {Secrets["openai-key"]}",
        $"aws_access_key_id = {Secrets["aws-access-key"]}",
        $"aws_secret_access_key = {Secrets["aws-secret-key"]}",
        $"git remote set-url origin https://{Secrets["github-token"]}@github.com/acme/shop.git",
        $"SLACK_BOT_TOKEN={Secrets["slack-token"]}",
        $"curl 'https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key={Secrets["google-api-key"]}'",
        $"curl -H 'Authorization: Bearer {Secrets["jwt"]}' https://api.acme-corp.io/v1/me",
        $"cat deploy/id_rsa\n{Secrets["private-key"]}",
        $"PGPASSWORD={Secrets["password"]} psql -h db -U app shop",
        $"DATABASE_URL=postgres://app:{Secrets["connection-string"]}@db.internal:5432/shop",
        $"git log -1 --format='%an <%ae>'  # Alice Smith <{Secrets["email"]}>",
        $"ticket {Secrets["custom"]} filed",
        "cd /home/alice/src/shop",
        "done");

    private static RolloutRecord Sample(string leak, SourceMeta? meta = null) => new()
    {
        TraceId = "s1",
        Format = RolloutFormat.ClaudeCode,
        SourceKind = "claude_code",
        RootSessionId = "s1",
        Models = new[] { "claude-opus-4-6" },
        Messages = new[]
        {
            new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Prompt, Content = new[] { ContentBlock.FromText("Why does deploy fail?\n" + leak) } },
            new RolloutMessage
            {
                Role = MessageRole.Assistant, Kind = MessageKind.Response, ReasoningContent = "The user pasted:\n" + leak, Model = "claude-opus-4-6",
                ToolCalls = new[] { new ToolCall("toolu_01", "Bash", JsonSerializer.Serialize(new { command = leak, timeout = 120000, run_in_background = false })) },
            },
            new RolloutMessage
            {
                Role = MessageRole.Tool, Kind = MessageKind.ToolResult, ToolCallId = "toolu_01", ToolName = "Bash", IsError = false,
                Content = new[] { ContentBlock.FromText(leak) },
                StructuredResult = JsonSerializer.Serialize(new { stdout = leak, stderr = "", interrupted = false }),
            },
            new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, Content = new[] { ContentBlock.FromText("Rotate those credentials.") } },
        },
        SourceMeta = meta ?? new SourceMeta.Builder().Add("version", "2.0.14").Add("last_prompt", leak).Build(),
        Usage = new TokenUsage(10, 20, 30, 40),
    };

    private static string Redact(string text, string? home = "/home/alice")
    {
        var counts = new Counter();
        return new Redactor(home, CustomPatterns).Redact(text, counts);
    }

    private static CountTable Redactions(RolloutRecord record) => Assert.IsType<CountTable>(record.SourceMeta["redactions"]);

    [Fact]
    public void Planted_secrets_do_not_survive_anywhere_in_the_record()
    {
        var record = Sample(Leaky);

        var json = new Redactor("/home/alice", CustomPatterns).Protect(record).ToJson();

        foreach (var needle in Needles) Assert.DoesNotContain(needle, json);
        Assert.DoesNotContain("/home/alice", json);
        foreach (var kind in Secrets.Keys) Assert.Contains($"[REDACTED:{kind}]", json);
    }

    [Fact]
    public void Each_secret_becomes_its_typed_marker_and_is_counted_once_per_place()
    {
        var record = Sample(Leaky);

        var safe = new Redactor("/home/alice", CustomPatterns).Protect(record);

        // Six places: prompt, reasoning, tool arguments, tool result text, structured result, source_meta.
        var expected = Secrets.Keys.Append("home-path").ToDictionary(k => k, _ => 6L);
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), Redactions(safe));
        var result = safe.Messages[2].Text;
        var lines = result.Split('\n');
        Assert.Equal("export ANTHROPIC_API_KEY=[REDACTED:anthropic-key]", lines[0]);
        Assert.Equal("openai: [REDACTED:openai-key]", lines[1]);
        Assert.Equal("aws_access_key_id = [REDACTED:aws-access-key]", lines[2]);
        Assert.Equal("aws_secret_access_key = [REDACTED:aws-secret-key]", lines[3]);
        Assert.Equal("git remote set-url origin https://[REDACTED:github-token]@github.com/acme/shop.git", lines[4]);
        Assert.Equal("SLACK_BOT_TOKEN=[REDACTED:slack-token]", lines[5]);
        Assert.Equal("curl 'https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key=[REDACTED:google-api-key]'", lines[6]);
        Assert.Equal("curl -H 'Authorization: Bearer [REDACTED:jwt]' https://api.acme-corp.io/v1/me", lines[7]);
        Assert.Equal("cat deploy/id_rsa", lines[8]);
        Assert.Equal("[REDACTED:private-key]", lines[9]);
        Assert.Equal("PGPASSWORD=[REDACTED:password] psql -h db -U app shop", lines[10]);
        Assert.Equal("DATABASE_URL=postgres://app:[REDACTED:connection-string]@db.internal:5432/shop", lines[11]);
        Assert.Equal("git log -1 --format='%an <%ae>'  # Alice Smith <[REDACTED:email]>", lines[12]);
        Assert.Equal("ticket [REDACTED:custom] filed", lines[13]);
        Assert.Equal("cd ~/src/shop", lines[14]);
        Assert.Equal("done", lines[15]);
        Assert.Equal(result, safe.Messages[1].ReasoningContent!["The user pasted:\n".Length..]);
        Assert.Equal(result, safe.SourceMeta["last_prompt"]);
    }

    [Fact]
    public void Tool_arguments_and_structured_results_stay_valid_json()
    {
        var record = Sample(Leaky);

        var safe = new Redactor("/home/alice", CustomPatterns).Protect(record);

        using var arguments = JsonDocument.Parse(safe.Messages[1].ToolCalls[0].Arguments);
        Assert.Equal(safe.Messages[2].Text, arguments.RootElement.GetProperty("command").GetString());
        Assert.Equal(120000, arguments.RootElement.GetProperty("timeout").GetInt32());
        Assert.False(arguments.RootElement.GetProperty("run_in_background").GetBoolean());
        using var structured = JsonDocument.Parse(safe.Messages[2].StructuredResult!);
        Assert.Equal(safe.Messages[2].Text, structured.RootElement.GetProperty("stdout").GetString());
        using var line = JsonDocument.Parse(safe.ToJson());
        Assert.Equal(JsonValueKind.Object, line.RootElement.GetProperty("messages")[2].GetProperty("structured_result").ValueKind);
    }

    [Fact]
    public void Json_values_are_redacted_whole_when_their_name_says_credential()
    {
        var arguments = "{\"host\":\"db\",\"password\":\"" + PasswordValue + "\",\"options\":{\"api_key\":\"" + Secrets["openai-key"] + "\",\"retries\":3,\"ratio\":0.25,\"big\":12345678901234567890,\"verbose\":true,\"missing\":null},"
            + "\"files\":[\"/home/alice/src/app.py\",\"C:\\\\Users\\\\bob\\\\notes.txt\",7],\"token\":\"Hello\",\"SecretAccessKey\":\"" + AwsSecret + "\",\"client_secret\":\"<your secret>\","
            + "\"/Users/carol/shop/a.py\":{\"type\":\"update\"}}";
        var counts = new Counter();

        var safe = new Redactor("/home/alice").RedactJson(arguments, counts);

        Assert.Equal(
            "{\"host\":\"db\",\"password\":\"[REDACTED:password]\",\"options\":{\"api_key\":\"[REDACTED:openai-key]\",\"retries\":3,\"ratio\":0.25,\"big\":12345678901234567890,\"verbose\":true,\"missing\":null},"
            + "\"files\":[\"~/src/app.py\",\"~\\\\notes.txt\",7],\"token\":\"Hello\",\"SecretAccessKey\":\"[REDACTED:aws-secret-key]\",\"client_secret\":\"<your secret>\","
            + "\"~/shop/a.py\":{\"type\":\"update\"}}",
            safe);
        Assert.Equal(new Dictionary<string, long> { ["password"] = 1, ["openai-key"] = 1, ["aws-secret-key"] = 1, ["home-path"] = 3 }, counts);
    }

    [Fact]
    public void Json_without_secrets_comes_back_byte_for_byte()
    {
        const string arguments = "{ \"file_path\": \"src/a.py\", \"limit\": 1.50, \"note\": \"caf\\u00e9\" }";

        var safe = new Redactor("/home/alice").RedactJson(arguments, new Counter());

        Assert.Same(arguments, safe);
    }

    [Fact]
    public void Arguments_that_are_not_json_are_redacted_as_text()
    {
        var patch = "*** Begin Patch\n*** Update File: /home/alice/shop/.env\n-OPENAI_API_KEY=\n+OPENAI_API_KEY=" + Secrets["openai-key"] + "\n*** End Patch";
        var record = new RolloutRecord(Sample("nothing"))
        {
            Messages = new[] { new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, ToolCalls = new[] { new ToolCall("c1", "apply_patch", patch) } } },
        };

        var safe = new Redactor("/home/alice").Protect(record);

        Assert.Equal("*** Begin Patch\n*** Update File: ~/shop/.env\n-OPENAI_API_KEY=\n+OPENAI_API_KEY=[REDACTED:openai-key]\n*** End Patch", safe.Messages[0].ToolCalls[0].Arguments);
    }

    [Fact]
    public void The_input_record_is_left_unchanged()
    {
        var record = Sample(Leaky);
        var before = record.ToJson();
        var messages = record.Messages.ToArray();

        var safe = new Redactor("/home/alice", CustomPatterns).Protect(record);

        Assert.Equal(before, record.ToJson());
        Assert.Equal(messages, record.Messages);
        Assert.False(record.SourceMeta.ContainsKey("redactions"));
        Assert.NotEqual(before, safe.ToJson());
        Assert.Equal(record.InputTokens, safe.InputTokens);
        Assert.Equal(record.CacheWriteTokens, safe.CacheWriteTokens);
    }

    [Fact]
    public void A_record_without_secrets_gets_no_redactions_entry()
    {
        var record = Sample("ls -la src/\ntotal 8");

        var safe = new Redactor("/home/alice").Protect(record);

        Assert.Equal(record.ToJson(), safe.ToJson());
        Assert.False(safe.SourceMeta.ContainsKey("redactions"));
        Assert.Same(record.Messages[0], safe.Messages[0]);
    }

    [Fact]
    public void Source_meta_keeps_its_order_and_types_and_gains_the_counts_last()
    {
        var meta = new SourceMeta.Builder()
            .Add("session_id", "s1")
            .Add("last_prompt", "mail " + Secrets["email"])
            .Add("files", new[] { "/home/alice/a.py", "b.py", "/Users/dave/c.py" })
            .Add("record_types", new Dictionary<string, long> { ["user"] = 2, ["assistant"] = 3 })
            .Add("skipped_lines", 12L)
            .Add("has_subagents", true)
            .Build();

        var safe = new Redactor("/home/alice").Protect(Sample("nothing", meta));

        Assert.Equal(new[] { "session_id", "last_prompt", "files", "record_types", "skipped_lines", "has_subagents", "redactions" }, safe.SourceMeta.Keys);
        Assert.Equal("s1", safe.SourceMeta["session_id"]);
        Assert.Equal("mail [REDACTED:email]", safe.SourceMeta["last_prompt"]);
        Assert.Equal(new[] { "~/a.py", "b.py", "~/c.py" }, Assert.IsAssignableFrom<IReadOnlyList<string>>(safe.SourceMeta["files"]));
        Assert.Equal(meta["record_types"], safe.SourceMeta["record_types"]);
        Assert.Equal(12L, safe.SourceMeta["skipped_lines"]);
        Assert.Equal(true, safe.SourceMeta["has_subagents"]);
        Assert.Equal("email: 1, home-path: 2", Redactions(safe).ToString());
    }

    [Fact]
    public void Protecting_twice_changes_nothing_more_and_keeps_the_counts()
    {
        var redactor = new Redactor("/home/alice", CustomPatterns);
        var once = redactor.Protect(Sample(Leaky));

        var twice = redactor.Protect(once);

        Assert.Equal(once.ToJson(), twice.ToJson());
    }

    [Fact]
    public void Record_paths_lose_the_home_directory()
    {
        var record = new RolloutRecord(Sample("nothing"))
        {
            Cwd = "/home/alice/src/shop",
            ProjectPath = "/home/alice/src/shop",
            SourcePath = "/home/alice/.claude/projects/-home-alice-src-shop/s1.jsonl",
            GitBranch = "alice/fix-login",
            Title = "Fix login in /home/alice/src/shop",
        };

        var safe = new Redactor("/home/alice").Protect(record);

        Assert.Equal("~/src/shop", safe.Cwd);
        Assert.Equal("~/src/shop", safe.ProjectPath);
        Assert.Equal("~/.claude/projects/~-src-shop/s1.jsonl", safe.SourcePath);
        Assert.Equal("alice/fix-login", safe.GitBranch);
        Assert.Equal("Fix login in ~/src/shop", safe.Title);
        Assert.Equal("home-path: 5", Redactions(safe).ToString());
    }

    [Fact]
    public void Image_data_is_not_redacted_but_text_beside_it_is()
    {
        var data = "iVBORw0KGgoAAAANSUhEUgAA+" + Secrets["google-api-key"] + "+AAAABJRU5ErkJggg==";
        var record = new RolloutRecord(Sample("nothing"))
        {
            Messages = new[]
            {
                new RolloutMessage
                {
                    Role = MessageRole.User, Kind = MessageKind.Prompt,
                    Content = new[] { ContentBlock.FromText("key " + Secrets["google-api-key"]), ContentBlock.FromImageData("image/png", data), ContentBlock.FromImageUrl("file:///home/alice/shot.png", "image/png") },
                },
            },
        };

        var safe = new Redactor("/home/alice").Protect(record);

        var content = safe.Messages[0].Content;
        Assert.Equal("key [REDACTED:google-api-key]", content[0].Text);
        Assert.Equal(data, content[1].Data);
        Assert.Equal("image/png", content[1].MediaType);
        Assert.Equal("file://~/shot.png", content[2].Url);
        Assert.Equal("image/png", content[2].MediaType);
    }

    [Theory]
    [InlineData("/home/alice/src/x", "~/src/x")]
    [InlineData("cd /home/bob && ls", "cd ~ && ls")]
    [InlineData("/Users/carol/Library/Caches", "~/Library/Caches")]
    [InlineData(@"C:\Users\Dave\repo\a.cs", @"~\repo\a.cs")]
    [InlineData("C:/Users/dave/repo", "~/repo")]
    [InlineData(@"{""cwd"":""C:\\Users\\dave\\repo""}", @"{""cwd"":""~\\repo""}")]
    [InlineData(@"{""cwd"":""\/home\/erin\/repo""}", @"{""cwd"":""~\/repo""}")]
    [InlineData(@"C:\Users\John Smith\Documents", @"~\Documents")]
    [InlineData("/mnt/c/Users/dave/repo", "~/repo")]
    [InlineData("ls /home/alice.", "ls ~.")]
    [InlineData("/home/alice.old/x", "~/x")]
    [InlineData("file:///home/alice/a.png", "file://~/a.png")]
    [InlineData("/home/alice/.claude/projects/-home-alice-src-x/1.jsonl", "~/.claude/projects/~-src-x/1.jsonl")]
    public void Home_directories_become_a_tilde(string text, string expected)
    {
        Assert.Equal(expected, Redact(text));
    }

    [Theory]
    [InlineData("/home")]
    [InlineData("cd /home/ && ls")]
    [InlineData("/home/$USER/.bashrc")]
    [InlineData("/home/*/.cache")]
    [InlineData("/Users/Shared/Relocated Items")]
    [InlineData(@"C:\Users\Public\Documents")]
    [InlineData("app/home/page.tsx")]
    [InlineData("./home/index.html")]
    [InlineData("/home/linuxbrew/.linuxbrew/bin/brew")]
    [InlineData("/usr/local/bin")]
    public void Paths_that_are_not_a_home_directory_stay(string text)
    {
        Assert.Equal(text, Redact(text));
    }

    [Fact]
    public void The_given_home_is_replaced_whole_and_only_whole()
    {
        var redactor = new Redactor("/srv/users/jenkins/");

        Assert.Equal("cd ~/workspace", redactor.Redact("cd /srv/users/jenkins/workspace", new Counter()));
        Assert.Equal("/srv/users/jenkinsfoo/x", redactor.Redact("/srv/users/jenkinsfoo/x", new Counter()));
        var windows = new Redactor(@"D:\Profiles\bob");
        Assert.Equal(@"~\src and ~\\src and ~/src", windows.Redact(@"D:\Profiles\bob\src and d:\\profiles\\Bob\\src and D:/Profiles/bob/src", new Counter()));
    }

    /// <summary>{kind} in the input stands for the fake secret of that kind, {slack-webhook} for a webhook path.</summary>
    [Theory]
    [InlineData("key={anthropic-key}", "key=[REDACTED:anthropic-key]")]
    [InlineData("OPENAI_API_KEY=\"{openai-key}\"", "OPENAI_API_KEY=\"[REDACTED:openai-key]\"")]
    [InlineData("[default]\naws_access_key_id = {aws-access-key}\naws_secret_access_key = {aws-secret-key}", "[default]\naws_access_key_id = [REDACTED:aws-access-key]\naws_secret_access_key = [REDACTED:aws-secret-key]")]
    [InlineData("{\"AccessKeyId\": \"{aws-access-key}\", \"SecretAccessKey\": \"{aws-secret-key}\"}", "{\"AccessKeyId\": \"[REDACTED:aws-access-key]\", \"SecretAccessKey\": \"[REDACTED:aws-secret-key]\"}")]
    [InlineData("aws configure set aws_secret_access_key {aws-secret-key}", "aws configure set aws_secret_access_key [REDACTED:aws-secret-key]")]
    [InlineData("AKIA" + "IOSFODNN7EXAMPLE", "[REDACTED:aws-access-key]")]
    [InlineData("gh auth login --with-token <<< {github-token}", "gh auth login --with-token <<< [REDACTED:github-token]")]
    [InlineData("{\"token\":\"{slack-token}\"}", "{\"token\":\"[REDACTED:slack-token]\"}")]
    [InlineData("https://hooks.slack.com/services/{slack-webhook}", "https://hooks.slack.com/services/[REDACTED:slack-token]")]
    [InlineData("const maps = '{google-api-key}';", "const maps = '[REDACTED:google-api-key]';")]
    [InlineData("token={jwt}", "token=[REDACTED:jwt]")]
    [InlineData("\"private_key\": \"{private-key}\\n\"", "\"private_key\": \"[REDACTED:private-key]\\n\"")]
    [InlineData("password = \"hunter2\"", "password = \"[REDACTED:password]\"")]
    [InlineData("redis-cli -h cache -p 6379 -a Zq8v2Lr0pXw --no-auth-warning ping", "redis-cli -h cache -p 6379 -a [REDACTED:password] --no-auth-warning ping")]
    [InlineData("redis-cli --user ops --pass 'k3y w1th space' info", "redis-cli --user ops --pass '[REDACTED:password]' info")]
    [InlineData("password=hunter22 psql", "password=[REDACTED:password] psql")]
    [InlineData("passwd: Sup3rS3cret!", "passwd: [REDACTED:password]")]
    [InlineData("\"password\": \"correct horse battery\"", "\"password\": \"[REDACTED:password]\"")]
    [InlineData("{\\\"password\\\":\\\"hunter2\\\"}", "{\\\"password\\\":\\\"[REDACTED:password]\\\"}")]
    [InlineData("export PGPASSWORD='pg-Secret-9'", "export PGPASSWORD='[REDACTED:password]'")]
    [InlineData("SECRET_KEY = 'django-insecure-8x!w2k'", "SECRET_KEY = '[REDACTED:password]'")]
    [InlineData("api_key=\"abc123\"", "api_key=\"[REDACTED:password]\"")]
    [InlineData("token: 9f86d0" + "81884c7d659a2f", "token: [REDACTED:password]")]
    [InlineData("https://api.acme-corp.io/v1?access_token=Zx81kQ0aPp&page=2", "https://api.acme-corp.io/v1?access_token=[REDACTED:password]&page=2")]
    [InlineData("Authorization: Basic YWxpY2U6aHVudGVyMg==", "Authorization: Basic [REDACTED:password]")]
    [InlineData("mysql://root:{connection-string}@127.0.0.1:3306/shop", "mysql://root:[REDACTED:connection-string]@127.0.0.1:3306/shop")]
    [InlineData("redis://:{connection-string}@cache:6379/0", "redis://:[REDACTED:connection-string]@cache:6379/0")]
    [InlineData("Server=db;Database=shop;User Id=sa;Password=Pa55word!;Encrypt=true", "Server=db;Database=shop;User Id=sa;Password=[REDACTED:connection-string];Encrypt=true")]
    [InlineData("\"Driver={ODBC Driver 18};Server=db;Uid=sa;Pwd=Pa55word!\"", "\"Driver={ODBC Driver 18};Server=db;Uid=sa;Pwd=[REDACTED:connection-string]\"")]
    [InlineData("Signed-off-by: Alice Smith <{email}>", "Signed-off-by: Alice Smith <[REDACTED:email]>")]
    [InlineData("123+alice@users.noreply.github.com", "[REDACTED:email]")]
    [InlineData("ACME-1234-5678", "[REDACTED:custom]")]
    [InlineData("export DOPPLER_TOKEN=dp" + ".st.prd.Xq7vR2mZk9LpT4wN8bYc3HdJ6fGs1aUe5iOoQyVnMxBl", "export DOPPLER_TOKEN=[REDACTED:doppler-token]")]
    [InlineData("doppler run --token dp" + ".st.dev_personal.Xq7vR2mZk9LpT4wN8bYc3HdJ6fGs1aUe5iOoQyVnMxBl -- npm start", "doppler run --token [REDACTED:doppler-token] -- npm start")]
    public void Secrets_become_typed_markers(string template, string expected)
    {
        var text = template;
        foreach (var (kind, secret) in Secrets) text = text.Replace("{" + kind + "}", secret, StringComparison.Ordinal);
        text = text.Replace("{slack-webhook}", "T0AB12CD3/" + "B0XY98ZW7/" + Fake(24, Alnum, 13), StringComparison.Ordinal);

        Assert.Equal(expected, Redact(text));
    }

    [Fact]
    public void A_private_key_with_json_escaped_newlines_is_redacted_whole()
    {
        // As Node and Python write it: + and / left alone (PHP's \/ is handled too).
        var options = new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var escaped = JsonSerializer.Serialize(new { type = "service_account", private_key = Secrets["private-key"] + "\n", client_email = "ci@acme-ci.iam.gserviceaccount.com" }, options);
        var counts = new Counter();

        var safe = new Redactor().Redact(escaped, counts);

        Assert.Equal("{\"type\":\"service_account\",\"private_key\":\"[REDACTED:private-key]\\n\",\"client_email\":\"[REDACTED:email]\"}", safe);
        using var _ = JsonDocument.Parse(safe);
    }

    [Fact]
    public void A_private_key_cut_off_before_its_end_is_redacted_as_far_as_it_goes()
    {
        var cut = "-----BEGIN " + "OPENSSH PRIVATE KEY-----\n" + KeyLines[0] + "\n" + KeyLines[1][..30] + "\n[output truncated]";

        Assert.Equal("[REDACTED:private-key]\n[output truncated]", Redact(cut));
    }

    [Theory]
    [InlineData("password = os.environ[\"DB_PASSWORD\"]")]
    [InlineData("password = os.environ.get(\"DB_PASSWORD\")")]
    [InlineData("password: str")]
    [InlineData("def login(username: str, password: str) -> Token:")]
    [InlineData("if not password:")]
    [InlineData("if password == confirm_password:")]
    [InlineData("user.set_password(form.password)")]
    [InlineData("def get_password(self) -> str:")]
    [InlineData("PASSWORD_MIN_LENGTH = 8")]
    [InlineData("password_hash = bcrypt.hashpw(password, salt)")]
    [InlineData("password = getpass.getpass()")]
    [InlineData("password = None")]
    [InlineData("password = \"\"")]
    [InlineData("password = \"********\"")]
    [InlineData("\"password\": \"...\"")]
    [InlineData("self.password = password")]
    [InlineData("connect(host=host, password=db_password)")]
    [InlineData("<input type=\"password\" name=\"password\" required>")]
    [InlineData("\"type\": \"password\"")]
    [InlineData("echo \"password is required\"")]
    [InlineData("Enter your password:")]
    [InlineData("\"api_key\": \"<your key here>\"")]
    [InlineData("api_key: \"your-api-key\"")]
    [InlineData("api_key = settings.OPENAI_API_KEY")]
    [InlineData("const apiKey = process.env.API_KEY;")]
    [InlineData("SECRET_KEY = env(\"SECRET_KEY\")")]
    [InlineData("secret = secrets.token_hex(32)")]
    [InlineData("token = tokenizer.encode(text)")]
    [InlineData("$client->setAuthToken($config['token']);")]
    [InlineData("token: Optional[str] = None")]
    [InlineData("token = tokens[0]")]
    [InlineData("next_token = response.next_token")]
    [InlineData("let token = &args[1];")]
    [InlineData("export GITHUB_TOKEN=$(gh auth token)")]
    [InlineData("PGPASSWORD=$PGPASS psql -h db")]
    [InlineData("API_KEY=${API_KEY:-}")]
    [InlineData("set PASSWORD=%DB_PASSWORD%")]
    [InlineData("password: ${{ secrets.DB_PASSWORD }}")]
    [InlineData("password: \"{{ vault_db_password }}\"")]
    [InlineData("headers = {\"Authorization\": f\"Bearer {token}\"}")]
    [InlineData("curl -H \"Authorization: Bearer $TOKEN\" https://api.acme-corp.io")]
    [InlineData("Basic authentication is disabled")]
    [InlineData("\"max_tokens\": 4096")]
    [InlineData("max_token = 100000")]
    [InlineData("{\"token\": \" the\", \"logprob\": -0.25}")]
    [InlineData("{\"token\": \"Hello\", \"logprob\": -0.01}")]
    [InlineData("token_type: \"Bearer\"")]
    [InlineData("secret: /run/secrets/db_password")]
    [InlineData("PWD=/srv/app; export PATH=/usr/bin")]
    [InlineData("password=compute_password(); count = 0;")]
    [InlineData("password = pw; user = u;")]
    [InlineData("password=cfg.password;user=cfg.user;")]
    [InlineData("pip install scikit-learn  # sk-learn")]
    [InlineData("sk-learn")]
    [InlineData("import sk-some-very-long-kebab-case-module-name")]
    [InlineData("task-list")]
    [InlineData("git checkout 3f9a2c1e8b7d6f5a4e3d2c1b0a9f8e7d6c5b4a39")]
    [InlineData("id = \"123e4567-e89b-12d3-a456-426614174000\"")]
    [InlineData("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    [InlineData("postgres://localhost:5432/db")]
    [InlineData("postgres://app:${DB_PASSWORD}@db:5432/shop")]
    [InlineData("http://host:8080/a@b")]
    [InlineData("@decorator")]
    [InlineData("@app.route(\"/login\", methods=[\"POST\"])")]
    [InlineData("npm install foo@2.0.0 @types/node@20.11.5")]
    [InlineData("go get golang.org/x/tools@v0.21.0")]
    [InlineData("ssh user@localhost")]
    [InlineData("git clone git@github.com:acme/shop.git")]
    [InlineData("Co-Authored-By: Claude <noreply@anthropic.com>")]
    [InlineData("mail user@example.com")]
    [InlineData("<img src=\"icon@2x.png\">")]
    [InlineData("y = x@self.weight")]
    [InlineData("if line.startswith(\"-----BEGIN RSA PRIVATE KEY-----\"):")]
    [InlineData("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9 is a JWT header")]
    [InlineData("aws_secret_access_key = os.environ[\"AWS_SECRET_ACCESS_KEY\"]")]
    [InlineData("C:\\Program Files\\dotnet\\dotnet.exe")]
    [InlineData("System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51")]
    [InlineData("<Reference Include=\"Acme\" PublicKeyToken=\"adb9793829ddae60\" />")]
    [InlineData("def sign(self, private_key: \"_RSAPrivateKey\", data: bytes) -> bytes:")]
    [InlineData("AttributeOID.CHALLENGE_PASSWORD: \"challengePassword\",")]
    [InlineData(":type passphrase: :py:data:`bytes`")]
    [InlineData(":param token: REQUIRED.  The token that the client wants to revoke.")]
    [InlineData("Gets the Network Basic Input/Output System (NetBIOS) node type.")]
    [InlineData("# Okay, we need to perform a basic username/password")]
    public void Ordinary_code_is_left_alone(string line)
    {
        var counts = new Counter();

        Assert.Equal(line, new Redactor("/home/alice").Redact(line, counts));
        Assert.Empty(counts);
    }

    [Fact]
    public void An_invalid_extra_pattern_is_refused_with_its_text()
    {
        var error = Assert.Throws<ArgumentException>(() => new Redactor(extraPatterns: new[] { "([a-z" }));

        Assert.Contains("([a-z", error.Message);
        Assert.Equal("extraPatterns", error.ParamName);
    }

    [Fact]
    public void An_extra_pattern_that_matches_nothing_visible_inserts_no_markers()
    {
        Assert.Equal("abc", new Redactor(extraPatterns: new[] { "x*" }).Redact("abc", new Counter()));
    }
}
