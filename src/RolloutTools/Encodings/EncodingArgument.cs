using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text;

namespace RolloutTools.Encodings;

/// <summary>
/// What -Encoding takes, as Export-Csv's does: one of PowerShell's encoding names, a System.Text.Encoding, or a
/// code page number (or any other name .NET knows, such as windows-1252). PowerShellStandard.Library does not
/// expose PowerShell's own ArgumentToEncodingTransformationAttribute, so the module has this one.
/// </summary>
public sealed class EncodingTransformationAttribute : ArgumentTransformationAttribute
{
    /// <summary>PowerShell's names, in the order its completion offers them. utf7 is left out: .NET marks UTF-7 obsolete as insecure.</summary>
    internal static readonly string[] Names = { "ascii", "ansi", "bigendianunicode", "bigendianutf32", "oem", "unicode", "utf8", "utf8BOM", "utf8NoBOM", "utf32" };

    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        try
        {
            return value switch
            {
                Encoding encoding => encoding,
                int codePage => Encoding.GetEncoding(codePage),
                string name => ByName(name),
                _ => inputData,
            };
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new ArgumentTransformationMetadataException(
                $"'{value}' is not an encoding. Use one of {string.Join(", ", Names)}, a code page number, or a System.Text.Encoding.", e);
        }
    }

    /// <summary>An encoding by PowerShell's name for it, else by the name or code page .NET knows it by.</summary>
    internal static Encoding ByName(string name) => name.ToLowerInvariant() switch
    {
        "ascii" => new ASCIIEncoding(),
        "ansi" => CultureEncoding(CultureInfo.CurrentCulture.TextInfo.ANSICodePage),
        "oem" => CultureEncoding(CultureInfo.CurrentCulture.TextInfo.OEMCodePage),
        "bigendianunicode" => new UnicodeEncoding(bigEndian: true, byteOrderMark: true),
        "bigendianutf32" => new UTF32Encoding(bigEndian: true, byteOrderMark: true),
        "unicode" => new UnicodeEncoding(bigEndian: false, byteOrderMark: true),
        "utf8" or "utf8nobom" => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        "utf8bom" => new UTF8Encoding(encoderShouldEmitUTF8Identifier: true),
        "utf32" => new UTF32Encoding(bigEndian: false, byteOrderMark: true),
        _ => int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var codePage) ? Encoding.GetEncoding(codePage) : Encoding.GetEncoding(name),
    };

    /// <summary>ansi and oem are the culture's code pages on Windows; elsewhere there are none, and PowerShell uses UTF-8.</summary>
    private static Encoding CultureEncoding(int codePage) =>
        OperatingSystem.IsWindows() ? Encoding.GetEncoding(codePage) : new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
}

/// <summary>Offers PowerShell's encoding names for -Encoding, as Export-Csv's completion does.</summary>
public sealed class EncodingCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = wordToComplete.Trim('\'', '"');
        return EncodingTransformationAttribute.Names
            .Where(n => n.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}
