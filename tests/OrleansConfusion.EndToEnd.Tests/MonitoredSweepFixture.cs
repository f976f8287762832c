using OrleansConfusion.EndToEnd.Tests.Infrastructure;

namespace OrleansConfusion.EndToEnd.Tests;

/// <summary>
/// One silo on loopback, a real Prometheus scraping it every second, and two sweeps submitted through
/// the CLI. Nothing here depends on how fast the machine trains:
/// <list type="bullet">
/// <item>Prometheus has scraped the silo once before anything is submitted (see <see cref="PrometheusServer"/>).</item>
/// <item>The live sweep's one trial trains for far more steps than it is given time for. It is cancelled
/// only once Prometheus holds its per-trial gauges and a direct scrape of /metrics has listed them, so
/// both saw them while the trial ran.</item>
/// <item>The monitored sweep runs to completion, and the fixture returns only after Prometheus holds a
/// scrape that started after the sweep ended, so the final counter values are in it.</item>
/// </list>
/// While both run, /metrics is also scraped directly, for the names the dashboard test checks.
/// </summary>
public sealed class MonitoredSweepFixture : IAsyncLifetime
{
    public const string SweepName = "e2e-prometheus";
    public const string LiveSweepName = "e2e-prometheus-live";
    public static readonly int[] Widths = [8, 16, 32];

    /// <summary>The live trial is cancelled long before it gets here, on any machine.</summary>
    const int LiveSteps = 10_000_000;

    static readonly string[] PerTrialGauges = ["orleansconfusion_trial_min_cosine", "orleansconfusion_trial_eta"];
    static readonly TimeSpan LiveWait = TimeSpan.FromMinutes(2);

    readonly TempDirectory _dir = new("oc-e2e-monitored-");
    readonly HashSet<string> _scrapedNames = new(StringComparer.Ordinal);

    public SiloProcess Silo { get; private set; } = null!;
    public PrometheusServer Prometheus { get; private set; } = null!;
    IReadOnlySet<string>? _finalNames;

    /// <summary>Every series name a direct scrape listed; set once scraping has stopped, so readers need no lock.</summary>
    public IReadOnlySet<string> ScrapedNames => _finalNames ?? throw new InvalidOperationException("the fixture is still scraping");

    public int Trials => Widths.Length;
    public string WatchOutput { get; private set; } = "";
    public string LiveWatchOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Silo = await SiloProcess.StartLocalhostAsync(_dir.Path, new Dictionary<string, string>
        {
            ["OrleansConfusion__Scheduling__CheckpointDirectory"] = Path.Combine(_dir.Path, "checkpoints"),
        });
        Prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{Silo.HttpPort}");

        var cluster = $"localhost:{Silo.GatewayPort}";
        // Relative: a silo resolves a submitted output path inside its base, here its working directory.
        const string runs = "runs";
        using var stopScraping = new CancellationTokenSource();
        var scraping = ScrapeUntilAsync(stopScraping.Token);

        await ObserveLiveTrialAsync(cluster, runs);

        var spec = SweepSpecs.Write(_dir.Path, SweepName, Widths);
        await CliRunner.RunOkAsync(TimeSpan.FromMinutes(1), "submit", spec, "--cluster", cluster, "--out", runs);
        WatchOutput = await CliRunner.RunOkAsync(TimeSpan.FromMinutes(3), "watch", SweepName, "--cluster", cluster, "--json");
        await Prometheus.WaitForScrapeAfterAsync(DateTimeOffset.UtcNow);

        await stopScraping.CancelAsync();
        await scraping;
        _finalNames = _scrapedNames;
    }

    bool HasScraped(string name)
    {
        lock (_scrapedNames) return _scrapedNames.Contains(name);
    }

    /// <summary>
    /// One trial that would train for minutes: wait until Prometheus and a direct scrape both hold its
    /// per-trial gauges, then cancel it, so the slot is free for the monitored sweep.
    /// </summary>
    async Task ObserveLiveTrialAsync(string cluster, string runs)
    {
        var spec = SweepSpecs.Write(_dir.Path, LiveSweepName, [16], steps: LiveSteps, measureEvery: 20);
        await CliRunner.RunOkAsync(TimeSpan.FromMinutes(1), "submit", spec, "--cluster", cluster, "--out", runs);
        foreach (var gauge in PerTrialGauges)
            await Prometheus.WaitForSeriesAsync($"{gauge}{{sweep=\"{LiveSweepName}\"}}", LiveWait, () => Silo.Process.Tail());

        var deadline = DateTimeOffset.UtcNow + LiveWait;
        while (!PerTrialGauges.All(HasScraped))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"a direct scrape of /metrics never listed {string.Join(", ", PerTrialGauges)}.\n{Silo.Process.Tail()}");
            await Task.Delay(100);
        }

        await CliRunner.RunOkAsync(TimeSpan.FromMinutes(1), "cancel", LiveSweepName, "--cluster", cluster);
        var (exitCode, output) = await CliRunner.RunAsync(TimeSpan.FromMinutes(2), "watch", LiveSweepName, "--cluster", cluster, "--json");
        Assert.True(exitCode == 130, $"watch of the cancelled live sweep exited {exitCode}, expected 130 (cancelled)\n{output}");
        LiveWatchOutput = output;
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
            await ScrapeOnceAsync();
            try
            {
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await ScrapeOnceAsync();
    }

    async Task ScrapeOnceAsync()
    {
        try
        {
            var names = PrometheusText.SeriesNames(await Silo.ScrapeAsync());
            lock (_scrapedNames) _scrapedNames.UnionWith(names);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // One slow or failed scrape; the next one counts, and the fixture fails on what it never saw.
        }
    }
}
