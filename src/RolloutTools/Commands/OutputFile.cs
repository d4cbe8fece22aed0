using System.Management.Automation;
using System.Text;
using RolloutTools.Core.Export;

namespace RolloutTools.Commands;

/// <summary>
/// What the writing cmdlets share about their output files, as Export-Csv behaves: the path through the
/// provider, -NoClobber, read-only files only with -Force, and -Encoding (UTF-8 without a BOM by default).
/// </summary>
internal static class OutputFile
{
    /// <summary>UTF-8 without a byte order mark, as PowerShell 7's own cmdlets write.</summary>
    public static Encoding DefaultEncoding => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

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

    /// <summary>
    /// Opens an export's file, saying under -Verbose what a person would otherwise not see: stale temporary files
    /// removed, and a file written in place (not atomically) because its folder cannot be written to.
    /// </summary>
    public static ExportFile Open(Cmdlet cmdlet, string path, bool append, Encoding encoding, StaleFileSweep staleFiles)
    {
        var before = staleFiles.Removed;
        var file = new ExportFile(path, append, encoding, staleFiles);
        try
        {
            if (file.Target != file.Destination) cmdlet.WriteVerbose($"'{path}' is a symbolic link; writing its target '{file.Target}'.");
            if (staleFiles.Removed > before)
            {
                cmdlet.WriteVerbose($"Removed {staleFiles.Removed - before} temporary file(s) an interrupted export left in '{Path.GetDirectoryName(file.Target)}'.");
            }
            if (!file.IsAtomic)
            {
                cmdlet.WriteVerbose($"Writing '{path}' in place, not atomically: its folder cannot be written to, so an interruption leaves the file incomplete.");
            }
            return file;
        }
        catch
        {
            // A stop (Ctrl+C) arriving in WriteVerbose must not leave the temporary file behind; the stop goes on.
            file.Dispose();
            throw;
        }
    }

    /// <summary>A failure to write an export's file, as an error record naming the destination.</summary>
    public static ErrorRecord Failure(ExportFileException e) => new(e, "RolloutExportError", ErrorCategory.WriteError, e.Destination);

    /// <summary>Whether two encodings write the same bytes: the same code page and the same byte order mark.</summary>
    public static bool SameEncoding(Encoding a, Encoding b) => a.CodePage == b.CodePage && a.GetPreamble().AsSpan().SequenceEqual(b.GetPreamble());

    /// <summary>The -Encoding name of an encoding this module writes or keeps.</summary>
    public static string Name(Encoding encoding) => encoding switch
    {
        UTF8Encoding when encoding.GetPreamble().Length > 0 => "utf8BOM",
        UTF8Encoding => "utf8NoBOM",
        UnicodeEncoding when encoding.CodePage == 1201 => "bigendianunicode",
        UnicodeEncoding => "unicode",
        UTF32Encoding when encoding.CodePage == 12001 => "bigendianutf32",
        UTF32Encoding => "utf32",
        _ => encoding.WebName,
    };
}
