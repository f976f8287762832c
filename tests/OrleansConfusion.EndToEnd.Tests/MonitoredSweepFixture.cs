using OrleansConfusion.EndToEnd.Tests.Infrastructure;

namespace OrleansConfusion.EndToEnd.Tests;

/// <summary>
/// One silo on loopback, a real Prometheus scraping it every second, and a small sweep submitted
/// through the CLI and followed to the end. While it runs, /metrics is also scraped directly so
/// that per-running-trial gauges (gone once a trial ends) are seen.
/// </summary>
public sealed class MonitoredSweepFixture : IAsyncLifetime
{
    public const string SweepName = "e2e-prometheus";
    public static readonly int[] Widths = [8, 16, 32];

    readonly TempDirectory _dir = new("oc-e2e-monitored-");
    readonly HashSet<string> _scrapedNames = new(StringComparer.Ordinal);

    public SiloProcess Silo { get; private set; } = null!;
    public PrometheusServer Prometheus { get; private set; } = null!;
    public IReadOnlySet<string> ScrapedNames => _scrapedNames;
    public int Trials => Widths.Length;
    public string WatchOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Silo = await SiloProcess.StartLocalhostAsync(_dir.Path, new Dictionary<string, string>
        {
            ["OrleansConfusion__Scheduling__CheckpointDirectory"] = Path.Combine(_dir.Path, "checkpoints"),
        });
        Prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{Silo.HttpPort}");

        var spec = SweepSpecs.Write(_dir.Path, SweepName, Widths);
        var cluster = $"localhost:{Silo.GatewayPort}";
        using var stopScraping = new CancellationTokenSource();
        var scraping = ScrapeUntilAsync(stopScraping.Token);

        await CliRunner.RunOkAsync(TimeSpan.FromMinutes(1), "submit", spec, "--cluster", cluster, "--out", Path.Combine(_dir.Path, "runs"));
        WatchOutput = await CliRunner.RunOkAsync(TimeSpan.FromMinutes(3), "watch", SweepName, "--cluster", cluster, "--json");

        // Two more scrape intervals so Prometheus holds the final counter values.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await stopScraping.CancelAsync();
        await scraping;
    }

    public Task DisposeAsync()
    {
        Prometheus?.Dispose();
        Silo?.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    async Task ScrapeUntilAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                _scrapedNames.UnionWith(PrometheusText.SeriesNames(await Silo.ScrapeAsync()));
            }
            catch (HttpRequestException)
            {
                // A scrape racing shutdown; the next one counts.
            }

            try
            {
                await Task.Delay(250, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        _scrapedNames.UnionWith(PrometheusText.SeriesNames(await Silo.ScrapeAsync()));
    }
}
