using System.Globalization;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Export;

/// <summary>The curation switches every dataset shape shares, applied to a copy of the record.</summary>
public static class Curation
{
    public static RolloutRecord Apply(RolloutRecord record, DatasetOptions options)
    {
        if (options.MaxToolOutputLength is null && !options.ExcludeImages) return record;
        return new RolloutRecord(record) { Messages = record.Messages.Select(m => Apply(m, options)).ToArray() };
    }

    private static RolloutMessage Apply(RolloutMessage message, DatasetOptions options)
    {
        var content = message.Content;
        if (options.ExcludeImages && content.Any(b => b.Type == ContentBlockType.Image))
        {
            content = content.Where(b => b.Type != ContentBlockType.Image).ToArray();
        }
        if (options.MaxToolOutputLength is { } limit && message.Role == MessageRole.Tool)
        {
            content = Cut(content, limit);
        }
        var structured = KeepStructured(message.StructuredResult, options) ? message.StructuredResult : null;
        return ReferenceEquals(content, message.Content) && structured == message.StructuredResult
            ? message
            : new RolloutMessage(message) { Content = content, StructuredResult = structured };
    }

    /// <summary>
    /// A structured result is JSON and cannot be cut: it goes whole when it is longer than the tool output
    /// limit, or when images are excluded and it carries one (a Read of an image holds its base64).
    /// </summary>
    private static bool KeepStructured(string? structured, DatasetOptions options) => structured is null
        || ((options.MaxToolOutputLength is not { } limit || structured.Length <= limit)
            && !(options.ExcludeImages && (structured.Contains("\"base64\"", StringComparison.Ordinal) || structured.Contains("\"type\":\"image\"", StringComparison.Ordinal))));

    /// <summary>Keeps the first characters of the text up to the limit, across blocks, and says how much there was.</summary>
    private static IReadOnlyList<ContentBlock> Cut(IReadOnlyList<ContentBlock> content, int limit)
    {
        var total = content.Sum(b => b.Text?.Length ?? 0);
        if (total <= limit) return content;
        var left = limit;
        var cut = new List<ContentBlock>(content.Count);
        foreach (var block in content)
        {
            if (block.Type != ContentBlockType.Text)
            {
                cut.Add(block);
                continue;
            }
            var keep = Math.Min(left, block.Text!.Length);
            if (keep > 0) cut.Add(ContentBlock.FromText(block.Text[..keep]));
            left -= keep;
        }
        cut.Add(ContentBlock.FromText(string.Create(CultureInfo.InvariantCulture, $"[… truncated: {limit:N0} of {total:N0} characters kept]")));
        return cut;
    }
}
