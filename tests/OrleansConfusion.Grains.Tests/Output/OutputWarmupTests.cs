using Microsoft.Extensions.Logging.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>The silo-start warm-up walks the real output path, so it must produce real files; and leaves nothing behind.</summary>
public sealed class OutputWarmupTests
{
    [Fact]
    public async Task The_sample_sweep_writes_files_an_independent_reader_accepts()
    {
        string dir = Directory.CreateTempSubdirectory("oc-warmup").FullName;
        try
        {
            await OutputWarmup.WriteSampleSweepAsync(dir, CancellationToken.None);
            Assert.Equal(1L, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{Path.Combine(dir, "trials.parquet")}') WHERE status = 'completed'"));
            Assert.Equal(1L, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{Path.Combine(dir, "metrics.parquet")}') WHERE eta = 0.5"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task The_warm_up_removes_its_temporary_sweep()
    {
        // A root of its own: the cluster tests' silos warm up under the default one at the same time.
        string root = Directory.CreateTempSubdirectory("oc-warmup-root").FullName;
        try
        {
            await OutputWarmup.RunAsync(root, NullLogger.Instance, CancellationToken.None);
            Assert.Empty(Directory.GetFileSystemEntries(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
