using System.Globalization;
using OrleansConfusion.Bench;

// Prints `name: value` lines. Usage: dotnet run -c Release --project bench [-- --quick] [--only engine|cluster]
bool quick = args.Contains("--quick");
string? only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();

void Report(string name, double value) =>
    Console.WriteLine($"{name}: {value.ToString("0.###", CultureInfo.InvariantCulture)}");

Console.WriteLine($"# cores: {Environment.ProcessorCount}, torch threads: {TorchSharp.torch.get_num_threads()}, quick: {quick}");
if (only is null or "engine") EngineBenchmarks.Run(Report, quick);
if (only is null or "cluster") await ClusterBenchmarks.RunAsync(Report, quick, RepoRoot());

// The repository root holds OrleansConfusion.sln; the cluster benchmark reads examples/quick.yaml there.
static string RepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "OrleansConfusion.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}
