using System.Collections.Concurrent;
using System.Text.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.SweAgent;

/// <summary>
/// The files of SWE-agent's retry agent (agents.py RetryAgent): each attempt writes its whole trajectory to
/// attempt_&lt;n&gt;/&lt;instance&gt;.traj (n from 0) beside the instance's own &lt;instance&gt;.traj, whose "attempts" list gets
/// each attempt once it ends. An attempt the list holds is read from there, so its own file is passed over.
/// </summary>
internal sealed class RetryAttempts
{
    /// <summary>An attempt's own file: the retry agent's file beside its folder, and the attempt's index (from 0).</summary>
    public sealed record AttemptFile(string Parent, int Index);

    /// <summary>How many attempts each retry agent's file lists, counted once per run.</summary>
    private readonly ConcurrentDictionary<string, Lazy<int>> _counts = new(StringComparer.Ordinal);

    /// <summary>The attempt a file is, by its place: attempt_&lt;n&gt;/&lt;name&gt; with a file of that name in the folder above.</summary>
    public static AttemptFile? Of(string path)
    {
        var folder = Path.GetDirectoryName(path);
        var name = Path.GetFileName(folder);
        if (folder is null || name is null || !name.StartsWith("attempt_", StringComparison.Ordinal) || !int.TryParse(name.AsSpan(8), out var index) || index < 0) return null;
        var parent = Path.Combine(Path.GetDirectoryName(folder) ?? string.Empty, Path.GetFileName(path));
        return File.Exists(parent) ? new AttemptFile(parent, index) : null;
    }

    /// <summary>Whether the retry agent's file lists the attempt, so that it is read from there.</summary>
    public bool IsListed(AttemptFile attempt) => attempt.Index < _counts.GetOrAdd(attempt.Parent, p => new Lazy<int>(() => Count(p))).Value;

    /// <summary>The length of the file's top-level "attempts" list, found by skipping over everything else; 0 when unreadable.</summary>
    private static int Count(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isAttempts = reader.ValueTextEquals("attempts");
                reader.Read();
                if (!isAttempts || reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }
                var count = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    count++;
                    reader.Skip();
                }
                return count;
            }
            return 0;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            // A damaged or unreadable retry file lists nothing readable: each attempt is read from its own file.
            return 0;
        }
    }
}
