using System.Globalization;
using OrleansConfusion.Bench;

// Prints `name: value` lines. Usage: dotnet run -c Release --project bench [-- --quick] [--only engine]
bool quick = args.Contains("--quick");
string? only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();

void Report(string name, double value) =>
    Console.WriteLine($"{name}: {value.ToString("0.###", CultureInfo.InvariantCulture)}");

Console.WriteLine($"# cores: {Environment.ProcessorCount}, torch threads: {TorchSharp.torch.get_num_threads()}, quick: {quick}");
if (only is null or "engine") EngineBenchmarks.Run(Report, quick);
