using System.Diagnostics;
using Microsoft.Data.Sqlite;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>What every agent database must bear while the agent holds it: the same tests for each format that reads SQLite.</summary>
internal static class SqliteStore
{
    /// <summary>A connection as the agent's own: writable, unpooled, so closing it lets go of the file.</summary>
    public static SqliteConnection Writer(string path) => new($"Data Source={path};Pooling=False");

    /// <summary>A SQLite database at <paramref name="path"/> (its folder made) holding what <paramref name="sql"/> creates: another program's file under an agent's name.</summary>
    public static string Create(string path, string sql)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var db = Writer(path);
        db.Open();
        Execute(db, sql);
        return path;
    }

    public static void Execute(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// With a write-ahead log and a write in flight, reading neither waits for the writer nor blocks it, sees the
    /// committed state, and changes no file.
    /// </summary>
    /// <param name="uncommitted">SQL the agent runs without committing yet.</param>
    public static void AssertLiveStoreIsReadUntouched(string path, string uncommitted, Func<IReadOnlyList<ReadResult>> read, string expectedKinds)
    {
        using var agent = Writer(path);
        agent.Open();
        Execute(agent, "PRAGMA journal_mode=WAL; BEGIN IMMEDIATE; " + uncommitted);
        var files = Directory.GetFiles(Path.GetDirectoryName(path)!).Order().ToArray();
        var bytes = File.ReadAllBytes(path);

        var clock = Stopwatch.StartNew();
        var result = Assert.Single(read(), r => r.Record is not null);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"reading took {clock.Elapsed}");
        Assert.Equal(expectedKinds, SampleFolder.Kinds(result.Record!));
        Assert.Empty(result.Diagnostics);

        Execute(agent, "COMMIT;");
        Assert.Equal(files, Directory.GetFiles(Path.GetDirectoryName(path)!).Order());
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    /// <summary>A store another program holds locked is one clear error naming it, after a short wait, not a hang.</summary>
    /// <param name="write">SQL the holder runs inside its exclusive transaction.</param>
    public static void AssertLockedStoreIsAnError(string path, string write, Func<IReadOnlyList<ReadResult>> read)
    {
        using var other = Writer(path);
        other.Open();
        Execute(other, "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; " + write);

        var clock = Stopwatch.StartNew();
        var results = read();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"reading took {clock.Elapsed}");

        var error = Assert.Single(results.SelectMany(r => r.Diagnostics));
        Assert.Equal(RolloutDiagnostic.ReadError, error.ErrorId);
        Assert.Contains("the database is locked by another program", error.Message);
        Assert.StartsWith(path, error.Message);
        Assert.DoesNotContain(results, r => r.Record is not null);
    }
}
