using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace RolloutTools.Core.Formats.Shared;

/// <summary>
/// Opens an agent's SQLite store the way a bystander should: read-only, never creating the file or its
/// journal, never pooling a handle past the read, and giving up with a clear error after a short wait when
/// the agent holds a lock, instead of hanging. Hermes Agent's state.db is the first such store; OpenCode,
/// Goose, Crush and Cursor keep theirs in SQLite too.
/// </summary>
public static class ReadOnlySqlite
{
    /// <summary>How long one statement waits on a locked database before it fails; the agent's own writes take milliseconds.</summary>
    public static TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// A read-only connection to <paramref name="path"/>. In WAL mode (how agents run their stores) a reader
    /// takes no lock that blocks the writer. <paramref name="immutable"/> opens without any locking and
    /// without the write-ahead log, for a copy that nothing writes to any more (a backup on read-only media,
    /// where SQLite cannot open the log's index).
    /// </summary>
    public static SqliteConnection Open(string path, bool immutable = false)
    {
        SqliteNative.EnsureResolver();
        var builder = new SqliteConnectionStringBuilder
        {
            // A URI filename (file:///C:/x/state.db on Windows) is the only way to pass SQLite's immutable flag.
            DataSource = immutable ? new Uri(Path.GetFullPath(path)).AbsoluteUri + "?immutable=1" : path,
            Mode = SqliteOpenMode.ReadOnly,
            // A pooled connection keeps the file open after Dispose; the agent must find it closed.
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(BusyTimeout.TotalSeconds)),
        };
        var connection = new SqliteConnection(builder.ConnectionString);
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            // query_only: no statement of ours can write, whatever it says; busy_timeout: SQLite's own wait.
            pragma.CommandText = $"PRAGMA query_only = 1; PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};";
            pragma.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens an agent's store and makes what reads it: read-only, or, where a WAL store's log index cannot be opened
    /// read-only (a copy on read-only media), once more as an immutable copy. When making fails (a database without
    /// the agent's tables), the connection is closed and the error thrown.
    /// </summary>
    /// <param name="make">Makes the reader over the connection; its second argument says whether it is an immutable copy.</param>
    public static T OpenStore<T>(string path, Func<SqliteConnection, bool, T> make)
    {
        try
        {
            return Made(Open(path), immutable: false, make);
        }
        catch (SqliteException e) when (NeedsImmutable(e) && File.Exists(path))
        {
            return Made(Open(path, immutable: true), immutable: true, make);
        }
    }

    private static T Made<T>(SqliteConnection connection, bool immutable, Func<SqliteConnection, bool, T> make)
    {
        try
        {
            return make(connection, immutable);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>SQLITE_BUSY or SQLITE_LOCKED: another program holds the database.</summary>
    public static bool IsBusy(SqliteException e) => (e.SqliteErrorCode & 0xFF) is 5 or 6;

    /// <summary>SQLITE_CANTOPEN or a read-only WAL that cannot be set up: worth one more try as an immutable copy.</summary>
    public static bool NeedsImmutable(SqliteException e) => (e.SqliteErrorCode & 0xFF) is 14 || e.SqliteExtendedErrorCode is 776 /* SQLITE_READONLY_CANTINIT */ or 1032 /* SQLITE_READONLY_DIRECTORY */;

    /// <summary>SQLite's quick check of the whole file: its first finding, or null when it finds nothing wrong.</summary>
    public static string? Damage(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA quick_check(1)";
        return Text(command.ExecuteScalar()) is { } finding and not "ok" ? finding : null;
    }

    /// <summary>The names of a table's columns, empty when there is no such table; stores grow columns from version to version.</summary>
    public static HashSet<string> Columns(SqliteConnection connection, string table)
    {
        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info($table)";
        command.Parameters.AddWithValue("$table", table);
        using var reader = command.ExecuteReader();
        while (reader.Read()) columns.Add(reader.GetString(0));
        return columns;
    }

    /// <summary>
    /// A column's value as text: SQLite stores what it is given, so ids and names may come back as numbers, and a
    /// value bound as bytes (JSON an app wrote as a BLOB) comes back as bytes, read as UTF-8.
    /// </summary>
    internal static string? Text(object? value) => value switch
    {
        null => null,
        string text => text,
        byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
        long n => n.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>A column's value as a number, from an integer, a real or numeric text.</summary>
    internal static double? Real(object? value) => value switch
    {
        long n => n,
        double d => d,
        string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    /// <summary>A column's value as a time: Unix seconds or milliseconds, as an integer, a real or numeric text.</summary>
    internal static DateTimeOffset? UnixTimeOf(object? value) => UnixTime.FromSecondsOrMilliseconds(value is long n ? n : (long?)Real(value));

    /// <summary>A column name quoted as an SQL identifier.</summary>
    internal static string Quote(string column) => "\"" + column.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>
/// Finds SQLite's native library (e_sqlite3) in the module folder. The module is loaded by pwsh, whose
/// dependency manifest knows nothing of our runtimes/&lt;rid&gt;/native folders (and the build drops ours),
/// so the runtime would look only beside pwsh. One resolver, set once for the provider assembly that
/// imports the library, maps its name to the file for this OS and processor under the folder this
/// assembly was loaded from; where a manifest does know the file (tests, a host application) the
/// resolver defers to it.
/// </summary>
internal static class SqliteNative
{
    private static readonly object Gate = new();
    private static bool _registered;

    public static void EnsureResolver()
    {
        lock (Gate)
        {
            if (_registered) return;
            _registered = true;
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly, Resolve);
            }
            catch (InvalidOperationException)
            {
                // The host set its own resolver for the provider; it knows where the library is.
            }
        }
    }

    [UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "Compiled into the native reader, Core has no file of its own; the library then sits beside the executable, where the first load finds it.")]
    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != "e_sqlite3") return IntPtr.Zero;
        if (NativeLibrary.TryLoad(name, assembly, searchPath, out var handle)) return handle;
        var folder = Path.GetDirectoryName(typeof(SqliteNative).Assembly.Location);
        if (string.IsNullOrEmpty(folder)) return IntPtr.Zero;
        foreach (var rid in RuntimeIds())
        {
            var file = Path.Combine(folder, "runtimes", rid, "native", FileName());
            if (File.Exists(file) && NativeLibrary.TryLoad(file, out handle)) return handle;
        }
        return IntPtr.Zero;
    }

    /// <summary>The runtime identifiers whose native folders fit this process, most specific first.</summary>
    internal static IEnumerable<string> RuntimeIds()
    {
        var arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "x86",
            Architecture.Arm => "arm",
            var other => other.ToString().ToLowerInvariant(),
        };
        if (OperatingSystem.IsWindows()) return new[] { $"win-{arch}" };
        if (OperatingSystem.IsMacOS()) return new[] { $"osx-{arch}" };
        // glibc first; on Alpine (musl) that build fails to load and the musl one follows.
        return new[] { $"linux-{arch}", $"linux-musl-{arch}" };
    }

    private static string FileName() =>
        OperatingSystem.IsWindows() ? "e_sqlite3.dll" : OperatingSystem.IsMacOS() ? "libe_sqlite3.dylib" : "libe_sqlite3.so";
}
