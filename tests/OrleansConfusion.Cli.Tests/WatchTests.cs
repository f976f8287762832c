using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansConfusion.Cli.Cluster;
using OrleansConfusion.Cli.Hosting;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Tests;

/// <summary>
/// `watch` against a cluster whose output folder this client cannot see (a client pod with no volume,
/// docs/KUBERNETES.md §4): the summary must come from the coordinator, and the exit code must say success.
/// </summary>
public sealed class WatchTests
{
    /// <summary>Hands every command the client of a cluster this test started in-process.</summary>
    sealed class InProcessConnector(IClusterClient client) : IClusterConnector
    {
        public Task<ClusterSession> ConnectAsync(ClusterTarget target, CancellationToken cancellationToken) =>
            Task.FromResult(new ClusterSession(client, host: null));
    }

    [Fact]
    public async Task Watch_after_a_successful_sweep_prints_the_summary_without_the_output_folder()
    {
        using var temp = new TempDirectory();
        string spec = temp.Write("tiny.yaml", Specs.Tiny);
        string output = temp.Combine("out");
        await using var cluster = await new EmbeddedClusterFactory().StartAsync(CancellationToken.None);
        void UseCluster(IServiceCollection s) => s.AddSingleton<IClusterConnector>(new InProcessConnector(cluster.Client));

        var submit = new CliHarness(UseCluster);
        Assert.Equal(ExitCodes.Ok, await submit.InvokeAsync("submit", spec, "--out", output));
        var coordinator = cluster.Client.GetGrain<ISweepCoordinatorGrain>("tiny");
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while ((await coordinator.GetStatusAsync()).State != SweepState.Completed)
        {
            Assert.True(DateTime.UtcNow < deadline, "the sweep did not complete within 120 s");
            await Task.Delay(100);
        }
        // The client's view of the cluster's disk: nothing there.
        Directory.Delete(output, recursive: true);

        var watch = new CliHarness(UseCluster);
        int code = await watch.InvokeAsync("watch", "tiny");

        Assert.True(code == ExitCodes.Ok, $"exit {code}\n{watch.Stderr}\n{watch.Stdout}");
        Assert.DoesNotContain("error", watch.Stderr);
        Assert.Contains("mlp w4 d1 he_normal relu s0", watch.Stdout);
        Assert.Contains("mlp w8 d1 he_normal relu s0", watch.Stdout);
        Assert.Contains("completed", watch.Stdout);
        Assert.Contains(DatasetFiles.Glob(Path.Combine(output, "tiny"), DatasetLayout.Trials), watch.Stdout);

        var json = new CliHarness(UseCluster);
        Assert.Equal(ExitCodes.Ok, await json.InvokeAsync("watch", "tiny", "--json"));
        using var doc = JsonDocument.Parse(json.Stdout);
        var results = doc.RootElement.GetProperty("results");
        var trials = results.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(2, trials.Count);
        Assert.All(trials, t =>
        {
            Assert.Equal("completed", t.GetProperty("status").GetString());
            Assert.InRange(t.GetProperty("min_cosine").GetDouble(), -1, 1);
            Assert.InRange(t.GetProperty("per_sample_min_cosine").GetDouble(), -1, 1);
            Assert.True(t.GetProperty("eta").GetDouble() >= 0);
            Assert.True(double.IsFinite(t.GetProperty("final_loss").GetDouble()));
        });
        Assert.True(results.GetProperty("measurement_rows").GetInt64() >= 4);
        Assert.Equal("completed", doc.RootElement.GetProperty("status").GetProperty("state").GetString()!.ToLowerInvariant());
    }
}
