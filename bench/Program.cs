using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using OrleansConfusion.Bench;

// Prints `name: value` lines. Usage: dotnet run -c Release --project bench [-- --quick] [--only engine|cluster|scale|fusion]
// No --only runs engine and cluster. `--only scale` (opt-in: about half an hour on 2 cores today) is the
// coordinator's scaling (issue #11): no-op sweeps of 1k and 100k trials and 16-row sweeps of 10k and 100k, and 100k
// no-op trials from a search space (4 training axes and a sampled learning rate, issue #24);
// `--only scale --trials N` runs size N only, without and with rows (`--rows 0` or `--rows 16`: only that one);
// `--timeout-min M` bounds each sweep (20).
// `--only fusion` (opt-in, issue #15) is seed fusion: 5 seeds as 5 unfused trials against one fused group, and (issue #24)
// 4 learning rates × 5 seeds as 20 trials against one group.
// Internal: --only quick-sweeps is the child process the cluster benchmark starts for examples/quick.yaml, and
// --only scale-run --trials N --rows R --out DIR the one the scale benchmark starts per size.
bool quick = args.Contains("--quick");
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
string? only = Option("--only");
int? trials = Option("--trials") is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : null;
// --torch-threads N sets libtorch's intra-op threads first. On this shared 2-core machine (load 30-45 from other
// sessions) two threads made every small op 50x slower (a 16-wide MLP's gradient pass: 70 ms against 1 ms with one
// thread, measured 2026-12-01), so the fusion numbers are taken at both.
if (Option("--torch-threads") is { } torchThreads) TorchSharp.torch.set_num_threads(int.Parse(torchThreads, CultureInfo.InvariantCulture));
var timeout = TimeSpan.FromMinutes(Option("--timeout-min") is { } m ? double.Parse(m, CultureInfo.InvariantCulture) : 20);

void Report(string name, double value) =>
    Console.WriteLine($"{name}: {value.ToString("0.###", CultureInfo.InvariantCulture)}");

if (only == "quick-sweeps")
{
    await ClusterBenchmarks.RunQuickSweepsAsync(Report, RepoRoot());
    return 0;
}
if (only == "scale-run")
{
    await ScaleBenchmarks.RunOneAsync(Report, trials!.Value, int.Parse(Option("--rows")!, CultureInfo.InvariantCulture), Option("--out")!, timeout, args.Contains("--axes"));
    return 0;
}
if (only == "scale")
    return await ScaleBenchmarks.RunAsync(Report, trials, Option("--rows") is { } rows ? int.Parse(rows, CultureInfo.InvariantCulture) : null, timeout, RunSelfAsync);
Console.WriteLine($"# cores: {Environment.ProcessorCount}, torch threads: {TorchSharp.torch.get_num_threads()}, " +
    $"oneDNN ISA cap: {OrleansConfusion.Engine.Configuration.OneDnnIsaCap.Applied ?? "none"}, quick: {quick}");
// The cluster first: its quick.yaml child process then runs while this one is idle.
if (only is null or "cluster") await ClusterBenchmarks.RunAsync(Report, quick, RunQuickSweepsProcessAsync);
if (only is null or "engine") EngineBenchmarks.Run(Report, quick);
if (only == "fusion")
{
    FusionBenchmarks.Run(Report, quick);
    await FusionBenchmarks.RunQuickSweepAsync(Report, RepoRoot(), quick);
}

return 0;

// This benchmark again, as `--only quick-sweeps`, its lines passed through.
static async Task RunQuickSweepsProcessAsync()
{
    int exit = await RunSelfAsync(["--only", "quick-sweeps"], Console.WriteLine, Timeout.InfiniteTimeSpan);
    if (exit != 0) throw new InvalidOperationException($"the quick.yaml benchmark process exited with {exit}");
}

// This benchmark's own executable as a fresh child process, each of its lines handed to onLine; killed past
// killAfter. Returns its exit code.
static async Task<int> RunSelfAsync(IReadOnlyList<string> arguments, Action<string> onLine, TimeSpan killAfter)
{
    string host = Environment.ProcessPath!;
    var start = new ProcessStartInfo(host) { RedirectStandardOutput = true };
    // Under `dotnet bench.dll` the host is dotnet itself and needs the assembly; the apphost does not.
    if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
    foreach (string argument in arguments) start.ArgumentList.Add(argument);
    using var child = Process.Start(start)!;
    using var kill = new CancellationTokenSource(killAfter);
    try
    {
        while (await child.StandardOutput.ReadLineAsync(kill.Token) is { } line) onLine(line);
        await child.WaitForExitAsync(kill.Token);
    }
    catch (OperationCanceledException) when (kill.IsCancellationRequested)
    {
        Console.WriteLine($"# killed `{string.Join(' ', arguments)}` after {killAfter.TotalMinutes:0.#} min");
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();
        return 137;
    }
    return child.ExitCode;
}

// The repository root holds OrleansConfusion.sln; the cluster benchmark reads examples/quick.yaml there.
static string RepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "OrleansConfusion.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}
