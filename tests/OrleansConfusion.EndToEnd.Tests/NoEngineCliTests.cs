using OrleansConfusion.EndToEnd.Tests.Infrastructure;

namespace OrleansConfusion.EndToEnd.Tests;

/// <summary>
/// The CLI built without the engine (<c>-p:WithEngine=false</c>, #27): its output holds no libtorch or TorchSharp file,
/// and its cluster commands work against a real silo from there. `run` says it needs the engine and exits 2.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class NoEngineCliTests : IDisposable
{
    readonly TempDirectory _dir = new("oc-e2e-noengine-");

    [Fact]
    public async Task Cluster_commands_run_from_an_output_without_any_torch_file()
    {
        // Built as a user would, into its own artifacts folder (artifacts/noengine), in this run's configuration.
        using (var build = new ManagedProcess("dotnet build -p:WithEngine=false", "dotnet",
            ["build", RepoPaths.File("client", "OrleansConfusion.Cli.csproj"), "-c", RepoPaths.Pivot, "-p:WithEngine=false", "-nologo", "-v", "q"]))
        {
            int built = await build.WaitForExitAsync(TimeSpan.FromMinutes(8));
            Assert.True(built == 0, $"the no-engine build exited {built}\n{build.Tail(40)}");
        }
        string folder = RepoPaths.File("artifacts", "noengine", "bin", "OrleansConfusion.Cli", RepoPaths.Pivot);
        string cli = Path.Combine(folder, "confusion.dll");
        Assert.True(File.Exists(cli), $"{cli} is missing");
        var torch = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f).Contains("torch", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(torch.Count == 0, "the no-engine output holds torch files:\n" + string.Join('\n', torch));

        async Task<(int ExitCode, string Output)> Cli(params string[] args)
        {
            using var process = new ManagedProcess("confusion (no engine) " + string.Join(' ', args), "dotnet", [cli, .. args]);
            int exitCode = await process.WaitForExitAsync(TimeSpan.FromMinutes(3));
            return (exitCode, process.Tail(100));
        }

        var help = await Cli("status", "--help");
        Assert.True(help.ExitCode == 0, help.Output);
        Assert.Contains("Usage:", help.Output);

        using var silo = await SiloProcess.StartLocalhostAsync(_dir.Path, new Dictionary<string, string>());
        string cluster = $"localhost:{silo.GatewayPort}";
        string spec = SweepSpecs.Write(_dir.Path, "noengine", [8, 16], steps: 200, measureEvery: 100);
        var submit = await Cli("submit", spec, "--cluster", cluster, "--out", "runs");
        Assert.True(submit.ExitCode == 0, submit.Output);
        var status = await Cli("status", "noengine", "--cluster", cluster);
        Assert.True(status.ExitCode == 0, status.Output);
        Assert.Contains("noengine", status.Output);
        var watch = await Cli("watch", "noengine", "--cluster", cluster, "--json");
        Assert.True(watch.ExitCode == 0, watch.Output);
        Assert.Contains("\"completed\"", watch.Output);

        var run = await Cli("run", spec);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("built without the engine", run.Output);
    }

    public void Dispose() => _dir.Dispose();
}
