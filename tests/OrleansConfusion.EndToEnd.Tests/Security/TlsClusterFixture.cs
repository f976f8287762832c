using OrleansConfusion.EndToEnd.Tests.Infrastructure;
using OrleansConfusion.Tests;

namespace OrleansConfusion.EndToEnd.Tests.Security;

/// <summary>
/// Two silo processes clustered through a redis-server that requires a password, every Orleans connection
/// under mutual TLS with certificates from <see cref="Authority"/>. <see cref="Stranger"/> is a second CA,
/// unknown to the cluster, with a client and a silo certificate of its own.
/// </summary>
public sealed class TlsClusterFixture : IAsyncLifetime
{
    public TempDirectory Dir { get; } = new("oc-sec-tls-");
    public TlsMaterial Authority { get; private set; } = null!;
    public TlsMaterial Stranger { get; private set; } = null!;
    public RedisServer Redis { get; private set; } = null!;
    public List<SiloProcess> Silos { get; } = [];
    public string Base => Dir.Combine("base");
    public string Cluster => $"redis://127.0.0.1:{Redis.Port}";

    /// <summary>The env every silo of this cluster gets apart from its certificate.</summary>
    public Dictionary<string, string> CommonSiloEnv() => new()
    {
        ["Silo__RedisPassword"] = Redis.Password!,
        ["OrleansConfusion__Output__BaseDirectory"] = Base,
        ["OrleansConfusion__Scheduling__CheckpointDirectory"] = Path.Combine(Base, "checkpoints"),
    };

    /// <summary>CLI env: a certificate of <paramref name="material"/> trusting <paramref name="trust"/>, plus the Redis password.</summary>
    public Dictionary<string, string> CliEnv(TlsMaterial? material, TlsMaterial? trust = null)
    {
        var env = material?.CliEnv("client", trust) ?? [];
        env["CONFUSION_REDIS_PASSWORD"] = Redis.Password!;
        return env;
    }

    public string Tails() => string.Join('\n', Silos.Select(s => s.Process.Tail(20)));

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Base);
        Authority = await TlsMaterial.CreateAsync("silo0", "silo1", "client");
        Stranger = await TlsMaterial.CreateAsync("client", "rogue");
        Redis = await RedisServer.StartWithPasswordAsync();
        for (var i = 0; i < 2; i++)
        {
            var env = CommonSiloEnv();
            foreach (var (k, v) in Authority.SiloEnv($"silo{i}")) env[k] = v;
            Silos.Add(await SiloProcess.StartRedisAsync($"silo{i}", Redis.Port, Dir.Path, env));
        }
    }

    public Task DisposeAsync()
    {
        // Silos before Redis: a silo leaving the cluster writes to the membership table.
        foreach (var silo in Silos) silo.Dispose();
        Redis?.Dispose();
        Authority?.Dispose();
        Stranger?.Dispose();
        Dir.Dispose();
        return Task.CompletedTask;
    }
}
