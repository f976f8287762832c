using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using OrleansConfusion.Bench;

// Prints `name: value` lines. Usage: dotnet run -c Release --project bench [-- --quick] [--only engine|cluster]
// (--only quick-sweeps is the child process the cluster benchmark starts for examples/quick.yaml).
bool quick = args.Contains("--quick");
string? only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();

void Report(string name, double value) =>
    Console.WriteLine($"{name}: {value.ToString("0.###", CultureInfo.InvariantCulture)}");

if (only == "quick-sweeps")
{
    await ClusterBenchmarks.RunQuickSweepsAsync(Report, RepoRoot());
    return;
}
Console.WriteLine($"# cores: {Environment.ProcessorCount}, torch threads: {TorchSharp.torch.get_num_threads()}, " +
    $"oneDNN ISA cap: {OrleansConfusion.Engine.Configuration.OneDnnIsaCap.Applied ?? "none"}, quick: {quick}");
// The cluster first: its quick.yaml child process then runs while this one is idle.
if (only is null or "cluster") await ClusterBenchmarks.RunAsync(Report, quick, RunQuickSweepsProcessAsync);
if (only is null or "engine") EngineBenchmarks.Run(Report, quick);

// This benchmark again, as `--only quick-sweeps`, its lines passed through.
static async Task RunQuickSweepsProcessAsync()
{
    string host = Environment.ProcessPath!;
    var start = new ProcessStartInfo(host) { RedirectStandardOutput = true };
    // Under `dotnet bench.dll` the host is dotnet itself and needs the assembly; the apphost does not.
    if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
    start.ArgumentList.Add("--only");
    start.ArgumentList.Add("quick-sweeps");
    using var child = Process.Start(start)!;
    while (await child.StandardOutput.ReadLineAsync() is { } line) Console.WriteLine(line);
    await child.WaitForExitAsync();
    if (child.ExitCode != 0) throw new InvalidOperationException($"the quick.yaml benchmark process exited with {child.ExitCode}");
}

// The repository root holds OrleansConfusion.sln; the cluster benchmark reads examples/quick.yaml there.
static string RepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "OrleansConfusion.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}
