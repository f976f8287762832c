using Microsoft.Extensions.Logging.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>The silo-start warm-up walks the real output path, so it must produce real files; the service leaves nothing behind.</summary>
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
    public async Task The_service_removes_its_temporary_sweep()
    {
        // A root of its own: the cluster tests' silos warm up under the default one at the same time.
        string root = Directory.CreateTempSubdirectory("oc-warmup-root").FullName;
        try
        {
            using var service = new OutputWarmup(NullLogger<OutputWarmup>.Instance) { Root = root };
            await service.StartAsync(CancellationToken.None);
            await service.ExecuteTask!;
            Assert.Empty(Directory.GetFileSystemEntries(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
