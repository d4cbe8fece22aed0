using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Codex;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Reading;

/// <summary>Files whose size would cost gigabytes of memory if read naively.</summary>
public sealed class OversizeTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("rollout-oversize-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void A_codex_document_over_the_line_limit_is_an_error_and_never_loaded()
    {
        // A TypeScript-era head, then a sparse run of zeros past the limit: no disk, and a naive parse would load it all.
        var path = Path.Combine(_folder.FullName, "rollout-2025-05-02-huge.json");
        using (var file = File.Create(path))
        {
            file.Write("{\"session\":{\"id\":\"huge\",\"timestamp\":\"2025-05-02T10:00:00Z\"},\"items\":["u8);
            file.SetLength(JsonLineReader.MaxLineBytes + 1L);
        }
        var source = TraceSource.FromFile(path);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = new CodexReader().BeginScan(new[] { source }, CancellationToken.None).Read(source, CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(result.Record);
        Assert.Equal(RolloutDiagnostic.LineTooLong, result.Diagnostics[0].ErrorId);
        Assert.Contains("the document is longer than 268,435,456 bytes", result.Diagnostics[0].Message);
        Assert.True(allocated < 16 * 1024 * 1024, $"{allocated:N0} bytes allocated");
    }
}
