using System.Text;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Tests.Formats;

namespace RolloutTools.Core.Tests.Reading;

/// <summary>
/// Every sample trace, damaged in the ways disks, copies and writers damage files, many times over with a fixed
/// seed: nothing throws, every problem names its file (and line), and no file comes to nothing in silence.
/// </summary>
public sealed class DamageFuzzTests : IDisposable
{
    private const int VariantsPerSample = 48;
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("rollout-fuzz-");

    public void Dispose() => _folder.Delete(recursive: true);

    /// <summary>Skip reasons that say, on purpose, why a file holds no session.</summary>
    private static readonly string[] DeliberateSkips = { "summary lines", "only bookkeeping lines" };

    private delegate byte[] Damage(byte[] file, Random random);

    private static readonly (string Name, Damage Apply)[] Damages =
    {
        ("truncated", (f, r) => f[..r.Next(f.Length)]),
        ("byte flipped", (f, r) => With(f, r.Next(f.Length), (byte)r.Next(256))),
        ("NUL run inserted", (f, r) => Insert(f, r.Next(f.Length), new byte[r.Next(1, 600)])),
        ("NUL tail", (f, r) => f.Concat(new byte[r.Next(1, 5000)]).ToArray()),
        ("invalid UTF-8 inserted", (f, r) => Insert(f, r.Next(f.Length), new byte[] { 0xFF, 0xC3 })),
        ("line deleted", (f, r) => Lines(f, r, (lines, i) => lines.RemoveAt(i))),
        ("line repeated", (f, r) => Lines(f, r, (lines, i) => lines.Insert(i, lines[i]))),
        ("lines glued", (f, r) => Lines(f, r, (lines, i) => { if (i + 1 < lines.Count) { lines[i] += lines[i + 1]; lines.RemoveAt(i + 1); } })),
        ("first line cut", (f, r) => Lines(f, r, (lines, _) => lines[0] = lines[0][..(lines[0].Length / 2)])),
        ("value retyped", (f, r) => Retype(f, r)),
        ("CRLF and BOM", (f, _) => Encoding.UTF8.Preamble.ToArray().Concat(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(f).Replace("\n", "\r\n"))).ToArray()),
        ("empty", (_, _) => Array.Empty<byte>()),
    };

    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var format in SampleFolder.Formats.Keys)
        {
            var root = SampleFolder.Root(format);
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(f => FormatRegistry.Default.All.Any(r => r.IsTraceFile(f)) && !FormatRegistry.Default.All.Any(r => r.IsSidecarFile(f))).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetRelativePath(SampleFolder.Root(), file));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Damaged_copies_of_a_sample_are_read_without_throwing_and_every_loss_is_reported(string sample)
    {
        var original = File.ReadAllBytes(Path.Combine(SampleFolder.Root(), sample));
        var random = new Random(sample.Length * 7919 + original.Length);
        for (var i = 0; i < VariantsPerSample; i++)
        {
            var (name, apply) = Damages[random.Next(Damages.Length)];
            var folder = Path.Combine(_folder.FullName, i.ToString(), Path.GetDirectoryName(sample)!);
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, Path.GetFileName(sample));
            File.WriteAllBytes(path, apply(original, random));

            var results = RolloutLoader.ReadAll(new[] { new SessionReference(TraceSource.FromFile(path)) }, new ReadOptions(), CancellationToken.None).ToArray();

            // A file can hold several sessions (an ATIF trajectory with embedded subagents).
            var what = $"{sample}, variant {i} ({name})";
            Assert.NotEmpty(results);
            var diagnostics = results.SelectMany(r => r.Diagnostics).ToArray();
            Assert.All(diagnostics, d => Assert.StartsWith(d.Path, d.Message));
            // Text is named by line; a database by the row its message names.
            Assert.All(diagnostics.Where(d => d.ErrorId == RolloutDiagnostic.ParseError), d => Assert.True(d.LineNumber is not null || d.Message.Contains(" row "), d.Message));
            var explained = results.Any(r => r.Record is not null || r.IsUnrecognized || DeliberateSkips.Any(s => r.SkipReason?.Contains(s) == true))
                || diagnostics.Length > 0;
            Assert.True(explained, $"{what}: no record and no reason ({string.Join("; ", results.Select(r => r.SkipReason ?? "none"))})");
        }
    }

    private static byte[] With(byte[] file, int index, byte value)
    {
        if (file.Length == 0) return file;
        var copy = file.ToArray();
        copy[index] = value;
        return copy;
    }

    private static byte[] Insert(byte[] file, int index, byte[] bytes) => file[..index].Concat(bytes).Concat(file[index..]).ToArray();

    private static byte[] Lines(byte[] file, Random random, Action<List<string>, int> edit)
    {
        var lines = Encoding.UTF8.GetString(file).Split('\n').ToList();
        if (lines.Count > 1) edit(lines, random.Next(lines.Count - 1));
        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }

    /// <summary>One "key":"value" pair on every line given another JSON type, as a writer of another version might.</summary>
    private static byte[] Retype(byte[] file, Random random)
    {
        var text = Encoding.UTF8.GetString(file);
        var keys = new[] { "uuid", "parentUuid", "sessionId", "type", "text", "role", "call_id", "id", "timestamp", "content" };
        var key = keys[random.Next(keys.Length)];
        var value = new[] { "12345", "true", "{}", "[]", "null" }[random.Next(5)];
        return Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(text, $"\"{key}\":\"(?:[^\"\\\\]|\\\\.)*\"", $"\"{key}\":{value}"));
    }
}
