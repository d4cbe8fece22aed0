using System.Text.Json;
using System.Text.Unicode;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Shared;

/// <summary>
/// What an agent keeps beside its traces (an index, a subagent's metadata, thread names), loaded once per
/// run. It is optional and untrusted: damage of any kind means the sidecar is absent, and the warning that
/// names it (a verbose note, for a FIFO or device in its place) goes to the first session that uses it, so
/// a run reports each damaged sidecar once and never loses a session over it.
/// </summary>
internal sealed class Sidecar<T>
    where T : class
{
    private readonly RolloutDiagnostic? _damage;
    private int _reported;

    public Sidecar(T? value, RolloutDiagnostic? damage)
    {
        Value = value;
        _damage = damage;
    }

    /// <summary>Null when the file is missing or damaged.</summary>
    public T? Value { get; }

    /// <summary>The sidecar's content, handing its damage warning to this session's diagnostics the first time only.</summary>
    public T? Use(DiagnosticList diagnostics)
    {
        if (_damage is not null && Interlocked.Exchange(ref _reported, 1) == 0) diagnostics.Add(_damage);
        return Value;
    }
}

/// <summary>Loads sidecars: one JSON document, or JSON lines, read whole and checked against the shape the reader expects.</summary>
internal static class SidecarFile
{
    /// <summary>A sidecar is a small file; anything bigger is not the file the agent wrote.</summary>
    private const long MaxLength = 64L * 1024 * 1024;

    /// <summary>A JSON document; <paramref name="read"/> throws <see cref="SidecarShapeException"/> (through <see cref="Expect"/>) at the first value of the wrong shape.</summary>
    public static Sidecar<T> LoadDocument<T>(string path, Func<JsonElement, T> read)
        where T : class => Load(path, bytes =>
        {
            using var document = JsonDocument.Parse(bytes);
            return read(document.RootElement);
        });

    /// <summary>JSON lines, each handed to <paramref name="readLine"/>; a half-written last line is left for the agent to finish.</summary>
    public static Sidecar<T> LoadLines<T>(string path, Func<T> create, Action<T, JsonElement> readLine)
        where T : class => Load(path, bytes =>
        {
            var lines = new DiagnosticList(path);
            var value = create();
            foreach (var line in JsonLineReader.Read(new MemoryStream(bytes, writable: false), lines))
            {
                try
                {
                    readLine(value, line.Root);
                }
                catch (SidecarShapeException e)
                {
                    throw new SidecarShapeException($"line {line.LineNumber}: {e.Message}");
                }
            }
            if (lines.Items.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error) is { } error)
            {
                throw new SidecarShapeException($"line {error.LineNumber} is not a JSON object");
            }
            return value;
        });

    /// <summary>A text file (YAML, say) handed over as a string once it is known to be UTF-8; <paramref name="parse"/> throws <see cref="SidecarShapeException"/> at damage.</summary>
    public static Sidecar<T> LoadText<T>(string path, Func<string, T> parse)
        where T : class => Load(path, bytes => parse(System.Text.Encoding.UTF8.GetString(bytes.AsSpan().StartsWith(System.Text.Encoding.UTF8.Preamble) ? bytes.AsSpan(3) : bytes)));

    private static Sidecar<T> Load<T>(string path, Func<byte[], T> parse)
        where T : class
    {
        string problem;
        try
        {
            if (!File.Exists(path)) return new Sidecar<T>(null, null);
            var bytes = ReadAll(path);
            if (!Utf8.IsValid(bytes)) problem = "it is not valid UTF-8";
            else return new Sidecar<T>(parse(bytes), null);
        }
        catch (FileNotFoundException)
        {
            return new Sidecar<T>(null, null);
        }
        catch (NotRegularFileException e)
        {
            // A pipe or a device where the agent keeps a file is nothing to warn about, and nothing to open.
            return new Sidecar<T>(null, new RolloutDiagnostic(DiagnosticSeverity.Note, RolloutDiagnostic.SidecarDamaged, path, null,
                $"{path}: passed over as if absent: it is {FileKinds.Describe(e.Kind)}, not a regular file."));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"it cannot be read ({e.Message})";
        }
        catch (JsonException e)
        {
            problem = $"it is not valid JSON ({JsonProblem.What(e)})";
        }
        catch (SidecarShapeException e)
        {
            problem = $"it does not have the agent's shape: {e.Message}";
        }
        var damage = new RolloutDiagnostic(DiagnosticSeverity.Warning, RolloutDiagnostic.SidecarDamaged, path, null,
            $"{path}: ignored, {problem}; the sessions beside it are read without it.");
        return new Sidecar<T>(null, damage);
    }

    private static byte[] ReadAll(string path)
    {
        using var stream = FileKinds.OpenRead(path);
        if (stream.Length > MaxLength) throw new SidecarShapeException($"it is {stream.Length:N0} bytes, more than a sidecar ever holds");
        var bytes = new byte[stream.Length];
        var read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        return read == bytes.Length ? bytes : bytes[..read];
    }
}

/// <summary>A sidecar value of the wrong JSON type: the whole sidecar is set aside.</summary>
internal sealed class SidecarShapeException : Exception
{
    public SidecarShapeException(string message)
        : base(message)
    {
    }
}

/// <summary>Strict accessors for sidecars: absent and null are fine, any other type than the expected one is damage.</summary>
internal static class Expect
{
    public static void Object(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new SidecarShapeException($"{what} is {Describe(element)}, not an object");
    }

    public static string? String(JsonElement obj, string name) => Property(obj, name, JsonValueKind.String, "a string") is { } value ? value.GetString() : null;

    public static IEnumerable<JsonElement> Array(JsonElement obj, string name) =>
        Property(obj, name, JsonValueKind.Array, "an array") is { } value ? value.EnumerateArray() : Enumerable.Empty<JsonElement>();

    private static JsonElement? Property(JsonElement obj, string name, JsonValueKind kind, string expected)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != kind) throw new SidecarShapeException($"\"{name}\" is {Describe(value)}, not {expected}");
        return value;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
