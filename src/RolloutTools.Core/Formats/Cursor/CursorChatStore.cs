using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Cursor;

/// <summary>
/// What a session's chat folder says of it. store.db (SQLite) has a meta table (key, value) whose key "0" is the
/// session's metadata as hex-encoded JSON: agentId, name (the title), mode, createdAt (epoch ms), lastUsedModel
/// ("default" when the person left the choice to Cursor), latestRootBlobId (jazzyalex/agent-sessions
/// CursorChatMetaReader.swift; scripts/cursor_sqlite_probe.py). Its blobs table holds the conversation as
/// protobuf-framed, content-addressed blobs that no public reader decodes with confidence, so only the meta
/// table is read. meta.json ({title, cwd, createdAtMs, updatedAtMs}), which other readers report beside
/// store.db, is read when present; it is the only source of the workspace path and of a last-update time.
/// </summary>
internal sealed class CursorChatStore
{
    public const string DatabaseName = "store.db";

    public const string MetaName = "meta.json";

    public string? Title { get; private set; }

    public string? Mode { get; private set; }

    public string? LastUsedModel { get; private set; }

    public string? AgentId { get; private set; }

    public string? Cwd { get; private set; }

    public DateTimeOffset? CreatedAt { get; private set; }

    public DateTimeOffset? UpdatedAt { get; private set; }

    /// <summary>Where the title came from: "store.db" or "meta.json".</summary>
    public string? TitleSource { get; private set; }

    /// <summary>The keys of store.db's meta table, and of the JSON under key "0", as found: they tell a new version.</summary>
    public List<string> MetaKeys { get; } = new();

    public List<string> MetadataFields { get; } = new();

    public long Blobs { get; private set; } = -1;

    public bool HasDatabase { get; private set; }

    public bool HasMetaFile { get; private set; }

    /// <summary>The database's and the sidecar's files, whether or not they exist: the session's activity shows in their writes.</summary>
    public static IReadOnlyList<string> FilesOf(string folder)
    {
        var database = Path.Combine(folder, DatabaseName);
        return new[] { database, database + "-wal", Path.Combine(folder, MetaName) };
    }

    /// <summary>Reads what the folder holds; a damaged or locked store costs its metadata only, with a warning.</summary>
    public static CursorChatStore Read(string folder, DiagnosticList diagnostics)
    {
        var store = new CursorChatStore();
        var database = Path.Combine(folder, DatabaseName);
        if (File.Exists(database)) store.ReadDatabase(database, diagnostics);
        var meta = Path.Combine(folder, MetaName);
        if (File.Exists(meta)) store.ReadMetaFile(meta, diagnostics);
        return store;
    }

    private void ReadDatabase(string path, DiagnosticList diagnostics)
    {
        try
        {
            using var connection = Open(path);
            var columns = ReadOnlySqlite.Columns(connection, "meta");
            if (!columns.Contains("key") || !columns.Contains("value"))
            {
                diagnostics.Warn(RolloutDiagnostic.SidecarDamaged, null, $"{path}: a SQLite database without Cursor's meta table; its metadata is left out.");
                return;
            }
            HasDatabase = true;
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT key, value FROM meta ORDER BY key";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var key = Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture) ?? string.Empty;
                    MetaKeys.Add(key);
                    if (key == "0") ReadMetadata(path, reader.GetValue(1), diagnostics);
                }
            }
            if (ReadOnlySqlite.Columns(connection, "blobs").Contains("id"))
            {
                using var count = connection.CreateCommand();
                count.CommandText = "SELECT COUNT(*) FROM blobs";
                Blobs = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
            }
        }
        catch (SqliteException e)
        {
            var why = ReadOnlySqlite.IsBusy(e) ? "it is locked by another program" : e.Message;
            diagnostics.Warn(RolloutDiagnostic.SidecarDamaged, null, $"{path}: Cursor's chat store could not be read ({why}); the session's title, model and start time are left out.");
        }
    }

    /// <summary>Read-only, as Hermes' store is opened; a WAL store on read-only media once more as an immutable copy.</summary>
    private static SqliteConnection Open(string path) => ReadOnlySqlite.OpenStore(path, (connection, _) => connection);

    /// <summary>The value is text of hex digits; a store written as a JSON string or as bytes is taken too.</summary>
    private void ReadMetadata(string path, object value, DiagnosticList diagnostics)
    {
        var bytes = value switch
        {
            byte[] raw => raw,
            string text when text.TrimStart().StartsWith('{') => Encoding.UTF8.GetBytes(text),
            string text => FromHex(text),
            _ => null,
        };
        try
        {
            if (bytes is null) throw new JsonException("it is neither hex-encoded nor JSON text");
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new JsonException("it is not a JSON object");
            foreach (var property in root.EnumerateObject()) MetadataFields.Add(property.Name);
            AgentId = root.GetIdOrNull("agentId");
            Mode = root.GetStringOrNull("mode");
            LastUsedModel = root.GetStringOrNull("lastUsedModel");
            CreatedAt = Milliseconds(root.GetPropertyOrDefault("createdAt"));
            if (root.GetStringOrNull("name") is { Length: > 0 } name)
            {
                Title = name;
                TitleSource = DatabaseName;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            diagnostics.Warn(RolloutDiagnostic.SidecarDamaged, null, $"{path}: the metadata under meta key \"0\" could not be read ({e.Message}); it is left out.");
        }
    }

    private void ReadMetaFile(string path, DiagnosticList diagnostics)
    {
        try
        {
            using var stream = Discovery.FileKinds.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new JsonException("it is not a JSON object");
            HasMetaFile = true;
            Cwd = root.GetStringOrNull("cwd") is { Length: > 0 } cwd ? cwd : null;
            CreatedAt ??= Milliseconds(root.GetPropertyOrDefault("createdAtMs"));
            UpdatedAt = Milliseconds(root.GetPropertyOrDefault("updatedAtMs"));
            if (Title is null && root.GetStringOrNull("title") is { Length: > 0 } title)
            {
                Title = title;
                TitleSource = MetaName;
            }
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            diagnostics.Warn(RolloutDiagnostic.SidecarDamaged, null, $"{path}: damaged, ignored ({e.Message}).");
        }
    }

    /// <summary>When meta.json says the session was last updated; store.db states only when it began, which says nothing of its activity.</summary>
    public static DateTimeOffset? StatedActivity(string folder)
    {
        var diagnostics = new DiagnosticList(folder);
        var store = new CursorChatStore();
        var meta = Path.Combine(folder, MetaName);
        if (File.Exists(meta)) store.ReadMetaFile(meta, diagnostics);
        return store.UpdatedAt;
    }

    private static DateTimeOffset? Milliseconds(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var ms) && ms > 0 && ms < 253_402_300_800_000
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)ms)
            : null;

    private static byte[]? FromHex(string text)
    {
        try
        {
            return Convert.FromHexString(text.Trim());
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
