using RolloutTools.Core.Model;

namespace RolloutTools.Core.Export;

/// <summary>Message content as one string for dataset shapes that take text only.</summary>
internal static class DatasetText
{
    /// <summary>The text blocks joined; an image where only text fits becomes an [image] marker, never its data.</summary>
    public static string Of(RolloutMessage message) => string.Join("\n\n", message.Content
        .Select(b => b.Type == ContentBlockType.Text ? b.Text : "[image]")
        .Where(t => !string.IsNullOrEmpty(t)));

    public static string ImageUrl(ContentBlock image) =>
        image.Url ?? $"data:{image.MediaType ?? "image/png"};base64,{image.Data}";
}
