using System.Globalization;
using System.Text.Json;

namespace OrleansConfusion.EndToEnd.Tests.Infrastructure;

/// <summary>Debian's prometheus, scraping the given targets every second, on a free loopback port.</summary>
public sealed class PrometheusServer : IDisposable
{
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    readonly ManagedProcess _process;
    readonly TempDirectory _dir = new("oc-e2e-prometheus-");

    PrometheusServer(IEnumerable<string> targets)
    {
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

    public static async Task<PrometheusServer> StartAsync(params string[] targets)
    {
        var server = new PrometheusServer(targets);
        for (var i = 0; i < 300; i++)
        {
            if (server._process.HasExited) break;
            try
            {
                using var response = await Http.GetAsync($"http://127.0.0.1:{server.Port}/-/ready");
                if (response.IsSuccessStatusCode) return server;
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
