namespace RolloutTools.Core.Model;

/// <summary>The kinds of content a message holds.</summary>
public enum ContentBlockType
{
    Text,
    Image,
}

/// <summary>
/// One block of message content. Images stay images (base64 data or a URL), never pasted into text.
/// A class with value equality, not a C# record, for the reason RolloutRecord gives.
/// </summary>
public sealed class ContentBlock : IEquatable<ContentBlock>
{
    private ContentBlock(ContentBlockType type, string? text, string? mediaType, string? data, string? url)
    {
        Type = type;
        Text = text;
        MediaType = mediaType;
        Data = data;
        Url = url;
    }

    public ContentBlockType Type { get; }

    /// <summary>The text of a text block.</summary>
    public string? Text { get; }

    /// <summary>The MIME type of an image block, when the source names it.</summary>
    public string? MediaType { get; }

    /// <summary>Base64 image bytes, for inline images.</summary>
    public string? Data { get; }

    /// <summary>Where the image lives, for images given by address.</summary>
    public string? Url { get; }

    public static ContentBlock FromText(string text) => new(ContentBlockType.Text, text, null, null, null);

    public static ContentBlock FromImageData(string? mediaType, string data) => new(ContentBlockType.Image, null, mediaType, data, null);

    /// <summary>An image given by address; a data: URL is unpacked into its media type and base64 data.</summary>
    /// <param name="mediaType">The MIME type, when the source names it beside the address.</param>
    public static ContentBlock FromImageUrl(string url, string? mediaType = null)
    {
        const string prefix = "data:";
        const string base64 = ";base64,";
        if (url.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            var marker = url.IndexOf(base64, StringComparison.OrdinalIgnoreCase);
            if (marker > 0) return FromImageData(url[prefix.Length..marker], url[(marker + base64.Length)..]);
        }
        return new(ContentBlockType.Image, null, mediaType, null, url);
    }

    /// <summary>A block as it was, value by value (the native reader's pipe hands blocks back so).</summary>
    internal static ContentBlock Of(ContentBlockType type, string? text, string? mediaType, string? data, string? url) => new(type, text, mediaType, data, url);

    public bool Equals(ContentBlock? other) =>
        other is not null && Type == other.Type && Text == other.Text && MediaType == other.MediaType && Data == other.Data && Url == other.Url;

    public override bool Equals(object? obj) => Equals(obj as ContentBlock);

    public override int GetHashCode() => HashCode.Combine(Type, Text, MediaType, Data, Url);

    public override string ToString() => Type == ContentBlockType.Text
        ? Text ?? string.Empty
        : $"[image {MediaType ?? Url ?? "inline"}]";
}
