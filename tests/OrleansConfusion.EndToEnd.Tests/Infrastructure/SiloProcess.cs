using System.Diagnostics;

namespace OrleansConfusion.EndToEnd.Tests.Infrastructure;

/// <summary>The built silo (dotnet OrleansConfusion.Silo.dll) on loopback ports chosen at run time.</summary>
public sealed class SiloProcess : IDisposable
{
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    readonly ManagedProcess _process;

    SiloProcess(string name, IReadOnlyDictionary<string, string> extraEnv, string workingDirectory)
    {
        SiloPort = FreePort.Next();
        GatewayPort = FreePort.Next();
        HttpPort = FreePort.Next();
        var env = new Dictionary<string, string>
        {
            ["Urls"] = $"http://127.0.0.1:{HttpPort}",
            ["Silo__SiloPort"] = SiloPort.ToString(),
            ["Silo__GatewayPort"] = GatewayPort.ToString(),
            // Localhost clustering: a lone silo is its own primary (ignored with Redis).
            ["Silo__PrimarySiloPort"] = SiloPort.ToString(),
            ["OrleansConfusion__Scheduling__CpuSlots"] = "1",
            ["DOTNET_gcServer"] = "0",
        };
        foreach (var (key, value) in extraEnv) env[key] = value;
        _process = new ManagedProcess(name, "dotnet", [RepoPaths.SiloDll], env, workingDirectory);
    }

    public int SiloPort { get; }
    public int GatewayPort { get; }
    public int HttpPort { get; }
    public string MetricsUrl => $"http://127.0.0.1:{HttpPort}/metrics";
    public ManagedProcess Process => _process;

    /// <summary>A single silo with localhost clustering; <c>--cluster localhost:GatewayPort</c> reaches it.</summary>
    public static Task<SiloProcess> StartLocalhostAsync(string workingDirectory, IReadOnlyDictionary<string, string> env) =>
        StartAsync(new SiloProcess("silo", env, workingDirectory));

    /// <summary>One of several silos clustered through Redis.</summary>
    public static Task<SiloProcess> StartRedisAsync(string name, int redisPort, string workingDirectory, IReadOnlyDictionary<string, string> env)
    {
        var all = new Dictionary<string, string>(env)
        {
            ["Silo__Clustering"] = "Redis",
            ["ConnectionStrings__Redis"] = $"127.0.0.1:{redisPort}",
        };
        return StartAsync(new SiloProcess(name, all, workingDirectory));
    }

    /// <summary>
    /// Settings for failover tests: a shared checkpoint folder under <paramref name="root"/>; a dead silo declared dead
    /// after a few short probes and a trial stale after 10 s without progress, so re-drives come quickly; frequent
    /// reports (a victim is picked from the step counter, which moves at each report); plaintext, chosen explicitly,
    /// since a clustered silo must choose its transport and these tests are about failover, not TLS (see Security/);
    /// parts of the dataset sealed every second or 16 rows, so a fault lands among seals, open segments and adoptions.
    /// </summary>
    public static Dictionary<string, string> FailoverSettings(string root) => new()
    {
        ["OrleansConfusion__Output__PartRows"] = "16",
        ["OrleansConfusion__Output__PartInterval"] = "00:00:01",
        ["OrleansConfusion__Scheduling__CheckpointDirectory"] = Path.Combine(root, "checkpoints"),
        ["OrleansConfusion__Scheduling__StaleAfter"] = "00:00:10",
        ["OrleansConfusion__Scheduling__ReportInterval"] = "00:00:00.100",
        ["Silo__Membership__ProbeTimeout"] = "00:00:02",
        ["Silo__Membership__NumMissedProbesLimit"] = "2",
        ["Silo__Tls__Mode"] = "None",
    };

    public async Task<string> ScrapeAsync() => await Http.GetStringAsync(MetricsUrl);

    public void Kill() => _process.Kill();

    public void Dispose() => _process.Dispose();

    static async Task<SiloProcess> StartAsync(SiloProcess silo)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (silo._process.HasExited) Assert.Fail($"{silo._process.Name} exited with {silo._process.ExitCode}.\n{silo._process.Tail()}");
            try
            {
                using var response = await Http.GetAsync($"http://127.0.0.1:{silo.HttpPort}/health/ready");
                if (response.IsSuccessStatusCode) return silo;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Slow start on a busy machine.
            }

            await Task.Delay(250);
        }

        silo.Dispose();
        Assert.Fail($"{silo._process.Name} was not ready within 90 s.\n{silo._process.Tail()}");
        return silo;
    }
}
