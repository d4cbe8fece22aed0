using System.Management.Automation;
using System.Text;

namespace RolloutTools.Commands;

/// <summary>
/// What the writing cmdlets share about their output files, as Export-Csv behaves: the path through the
/// provider, -NoClobber, read-only files only with -Force, and -Encoding (UTF-8 without a BOM by default).
/// </summary>
internal static class OutputFile
{
    public const string DefaultEncoding = "utf8NoBOM";

    public static Encoding Encoding(string name) => name.ToLowerInvariant() switch
    {
        "utf8bom" => new UTF8Encoding(encoderShouldEmitUTF8Identifier: true),
        "unicode" => new UnicodeEncoding(bigEndian: false, byteOrderMark: true),
        "bigendianunicode" => new UnicodeEncoding(bigEndian: true, byteOrderMark: true),
        "utf32" => new UTF32Encoding(bigEndian: false, byteOrderMark: true),
        _ => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
    };

    /// <summary>Checks, without changing anything, that the file may be written; an error record when not.</summary>
    public static ErrorRecord? Refusal(string path, bool noClobber, bool force, bool append)
    {
        if (Directory.Exists(path))
        {
            return new ErrorRecord(new IOException($"'{path}' is a folder; give a file path."), "RolloutExportPathIsFolder", ErrorCategory.InvalidArgument, path);
        }
        if (!File.Exists(path)) return null;
        if (noClobber && !append)
        {
            return new ErrorRecord(new IOException($"The file '{path}' already exists and -NoClobber is set."), "RolloutExportFileExists", ErrorCategory.ResourceExists, path);
        }
        if (File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly) && !force)
        {
            return new ErrorRecord(new UnauthorizedAccessException($"The file '{path}' is read-only; use -Force to replace it."), "RolloutExportReadOnly", ErrorCategory.PermissionDenied, path);
        }
        return null;
    }

    /// <summary>With -Force, a read-only destination is made writable so it can be replaced (Windows refuses otherwise).</summary>
    public static void AllowReplace(string path)
    {
        if (File.Exists(path) && File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly))
        {
            File.SetAttributes(path, File.GetAttributes(path) & ~FileAttributes.ReadOnly);
        }
    }
}
