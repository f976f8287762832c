using Microsoft.Extensions.Logging.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>The silo-start warm-up walks the real output path, so it must produce real files, and leaves nothing behind.</summary>
public sealed class OutputWarmupTests
{
    [Fact]
    public async Task The_sample_sweep_writes_files_an_independent_reader_accepts()
    {
        using var dir = new TempDirectory("oc-warmup");
        await OutputWarmup.WriteSampleSweepAsync(dir.Path, CancellationToken.None);
        Assert.Equal(1L, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{DatasetFiles.Glob(dir.Path, DatasetLayout.Trials)}') WHERE status = 'completed'"));
        Assert.Equal(1L, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{DatasetFiles.Glob(dir.Path, DatasetLayout.Metrics)}') WHERE eta = 0.5"));
    }

    [Fact]
    public async Task The_warm_up_removes_its_temporary_sweep()
    {
        // A root of its own: the cluster tests' silos warm up under the default one at the same time.
        using var root = new TempDirectory("oc-warmup-root");
        await OutputWarmup.RunAsync(root.Path, NullLogger.Instance, CancellationToken.None);
        Assert.Empty(Directory.GetFileSystemEntries(root.Path));
    }
}
