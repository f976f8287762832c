using OrleansConfusion.EndToEnd.Tests.Infrastructure;

namespace OrleansConfusion.EndToEnd.Tests.Security;

/// <summary>
/// A silo process that is expected not to become ready (a rogue certificate, a missing password or setting), so
/// unlike <see cref="SiloProcess"/> its start does not wait for readiness; the test watches it.
/// </summary>
public sealed class RawSilo : IDisposable
{
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    RawSilo(string name, Dictionary<string, string> env, string workingDirectory)
    {
        HttpPort = FreePort.Next();
        SiloPort = FreePort.Next();
        int siloPort = SiloPort, gatewayPort = FreePort.Next();
        var all = new Dictionary<string, string>
        {
            ["Urls"] = $"http://127.0.0.1:{HttpPort}",
            ["Silo__SiloPort"] = siloPort.ToString(),
            ["Silo__GatewayPort"] = gatewayPort.ToString(),
            ["Silo__PrimarySiloPort"] = siloPort.ToString(),
            ["OrleansConfusion__Scheduling__CpuSlots"] = "1",
            ["DOTNET_gcServer"] = "0",
        };
        foreach (var (key, value) in env) all[key] = value;
        Process = new ManagedProcess(name, "dotnet", [RepoPaths.SiloDll], all, workingDirectory);
    }

    public int HttpPort { get; }

    /// <summary>The silo-to-silo port: other silos' connection attempts to it name it in their logs.</summary>
    public int SiloPort { get; }
    public ManagedProcess Process { get; }

    public static RawSilo StartRedis(string name, int redisPort, string workingDirectory, Dictionary<string, string> env)
    {
        var all = new Dictionary<string, string>(env)
        {
            ["Silo__Clustering"] = "Redis",
            ["ConnectionStrings__Redis"] = $"127.0.0.1:{redisPort}",
        };
        return new RawSilo(name, all, workingDirectory);
    }

    public static RawSilo Start(string name, string workingDirectory, Dictionary<string, string> env) => new(name, env, workingDirectory);

    public async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await Http.GetAsync($"http://127.0.0.1:{HttpPort}/health/ready");
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => Process.Dispose();
}
