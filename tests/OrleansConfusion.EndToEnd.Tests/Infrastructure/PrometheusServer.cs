using System.Globalization;
using System.Text.Json;

namespace OrleansConfusion.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Debian's prometheus, scraping the given targets every second, on a free loopback port.
/// <para>
/// Prometheus reports ready (<c>/-/ready</c>) before it scrapes anything: its discovery and scrape
/// managers apply a new target set on a 5 s tick, so the first scrape of a static target came 5.2 s
/// after "Server is ready" here (Prometheus 2.42). A test that starts work right after ready can see
/// it end before the first scrape. So <see cref="StartAsync"/> returns only once every target has
/// been scraped successfully, and <see cref="WaitForScrapeAfterAsync"/> waits for a scrape that
/// started after a given moment: the samples of that scrape are in the database when it returns.
/// </para>
/// </summary>
public sealed class PrometheusServer : IDisposable
{
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    static readonly TimeSpan ScrapeWait = TimeSpan.FromSeconds(60);
    readonly ManagedProcess _process;
    readonly TempDirectory _dir = new("oc-e2e-prometheus-");
    readonly int _targets;

    PrometheusServer(IReadOnlyCollection<string> targets)
    {
        _targets = targets.Count;
        Port = FreePort.Next();
        var config = Path.Combine(_dir.Path, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: silo
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => $"'{t}'"))}]
            """);
        _process = new ManagedProcess("prometheus", RequiredTool.Find("prometheus"),
        [
            $"--config.file={config}",
            $"--storage.tsdb.path={Path.Combine(_dir.Path, "data")}",
            $"--web.listen-address=127.0.0.1:{Port}",
        ]);
    }

    public int Port { get; }

    /// <summary>Starts Prometheus and returns once it has scraped every target successfully.</summary>
    public static async Task<PrometheusServer> StartAsync(params string[] targets)
    {
        var server = new PrometheusServer(targets);
        for (var i = 0; i < 300; i++)
        {
            if (server._process.HasExited) break;
            try
            {
                using var response = await Http.GetAsync($"http://127.0.0.1:{server.Port}/-/ready");
                if (response.IsSuccessStatusCode)
                {
                    await server.WaitForScrapeAfterAsync(DateTimeOffset.UnixEpoch);
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        server.Dispose();
        Assert.Fail($"prometheus did not become ready.\n{server._process.Tail()}");
        return server;
    }

    /// <summary>
    /// Waits until Prometheus holds, for every target, a successful scrape that started at or after
    /// <paramref name="moment"/>. It reads the <c>up</c> series, which a scrape appends in the same
    /// commit as the samples it scraped, so those samples are queryable once this returns.
    /// </summary>
    public async Task WaitForScrapeAfterAsync(DateTimeOffset moment)
    {
        var since = moment.ToUnixTimeMilliseconds() / 1000.0;
        // timestamp() gives a sample's own time only when its argument is a plain selector: applied to an
        // expression such as `up == 1` it gives the evaluation time, which is always after the moment (it let a
        // fixture go on before any scrape of the sweep's end). So the time and the health are tested apart.
        var query = $"count(timestamp(up) >= {since.ToString("F3", CultureInfo.InvariantCulture)} and up == 1)";
        var deadline = DateTimeOffset.UtcNow + ScrapeWait;
        while (DateTimeOffset.UtcNow < deadline)
        {
            Assert.False(_process.HasExited, $"prometheus exited.\n{_process.Tail()}");
            var result = await QueryAsync(query);
            if (result.Count == 1 && result[0].Value >= _targets) return;
            await Task.Delay(100);
        }

        Assert.Fail($"Prometheus had no successful scrape of all {_targets} target(s) after {moment:O} within {ScrapeWait.TotalSeconds} s.\n" +
                    $"targets: {await Http.GetStringAsync($"http://127.0.0.1:{Port}/api/v1/targets")}\n{_process.Tail()}");
    }

    /// <summary>Polls an instant query until it returns at least one series; fails after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>> WaitForSeriesAsync(string promql, TimeSpan timeout, Func<string> explain)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var result = await QueryAsync(promql);
            if (result.Count > 0) return result;
            if (DateTimeOffset.UtcNow > deadline) Assert.Fail($"Prometheus held no series for {promql} within {timeout.TotalSeconds} s.\n{explain()}\n{_process.Tail()}");
            await Task.Delay(100);
        }
    }

    /// <summary>Runs an instant query; returns each series' labels and value.</summary>
    public async Task<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        var url = $"http://127.0.0.1:{Port}/api/v1/query?query={Uri.EscapeDataString(promql)}";
        using var doc = JsonDocument.Parse(await Http.GetStringAsync(url));
        var data = doc.RootElement.GetProperty("data");
        Assert.Equal("vector", data.GetProperty("resultType").GetString());
        return data.GetProperty("result").EnumerateArray()
            .Select(series => (
                series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
                double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))
            .ToList();
    }

    /// <summary>Every metric name Prometheus has ingested from its scrapes.</summary>
    public async Task<IReadOnlySet<string>> MetricNamesAsync()
    {
        using var doc = JsonDocument.Parse(await Http.GetStringAsync($"http://127.0.0.1:{Port}/api/v1/label/__name__/values"));
        return doc.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetString()!).ToHashSet();
    }

    public string Tail() => _process.Tail();

    public void Dispose()
    {
        _process.Dispose();
        _dir.Dispose();
    }
}
