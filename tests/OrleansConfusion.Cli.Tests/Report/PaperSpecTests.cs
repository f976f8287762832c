using OrleansConfusion.Cli.Spec;

namespace OrleansConfusion.Cli.Tests.Report;

/// <summary>
/// The reproduction sweeps (examples/paper-*.yaml) load with the CLI's own loader and follow the
/// paper's protocol where the budget allows it: SGD without momentum, batch 128, 5 seeds as the paper, a
/// step learning-rate schedule, the paper's 100 random pairs beside all pairs of K >= 100 mini-batch
/// gradients, the per-sample Gram, measured every epoch or every N steps, and a header that states the
/// hypothesis, the scaling and the cost.
/// </summary>
public sealed class PaperSpecTests
{
    static string ExamplesDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OrleansConfusion.sln")))
                return Path.Combine(dir.FullName, "examples");
        throw new DirectoryNotFoundException("repository root (OrleansConfusion.sln) not found above " + AppContext.BaseDirectory);
    }

    static List<string> PaperSpecFiles() =>
        [.. Directory.EnumerateFiles(ExamplesDirectory(), "paper-*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    public static TheoryData<string> PaperSpecs() => [.. PaperSpecFiles()];

    [Fact]
    public void Every_finding_has_a_fashion_mnist_and_a_sphere_sweep()
    {
        var names = PaperSpecFiles();
        foreach (string finding in new[] { "paper-width", "paper-depth", "paper-orthogonal", "paper-bn-skip" })
        {
            Assert.Contains($"{finding}.yaml", names);
            Assert.Contains($"{finding}-sphere.yaml", names);
        }
    }

    [Theory]
    [MemberData(nameof(PaperSpecs))]
    public void Paper_spec_loads_and_follows_the_protocol(string file)
    {
        string path = Path.Combine(ExamplesDirectory(), file);

        var result = new SweepSpecLoader(new CoordinatorSpecPlanner()).Load(path);

        Assert.True(result.IsValid, string.Join("\n", result.Errors.Select(e => e.ToString())));
        Assert.Empty(result.Rejected);
        var spec = result.Spec!;
        Assert.Equal(Path.GetFileNameWithoutExtension(file), spec.Name);
        Assert.True(spec.Seeds.Length >= 5, $"{file}: {spec.Seeds.Length} seeds");
        Assert.Equal(0, spec.Training.Momentum);
        Assert.Equal(0, spec.Training.WeightDecay);
        Assert.Equal(128, spec.Training.BatchSize);
        Assert.NotEmpty(spec.Training.LrDecayEpochs);
        Assert.True(spec.Measurement.EachEpoch || spec.Measurement.EveryNSteps > 0);
        Assert.True(spec.Measurement.PaperPairs >= 100, $"{file}: {spec.Measurement.PaperPairs} random pairs");
        Assert.True(spec.Measurement.PaperBatches >= 100, $"{file}: K = {spec.Measurement.PaperBatches}");
        Assert.Equal(128, spec.Measurement.PaperBatch);
        Assert.True(spec.Measurement.PerSampleM >= 2);
        Assert.Equal(spec.Name.EndsWith("-sphere", StringComparison.Ordinal) ? "sphere" : "fashion-mnist", spec.Dataset.Name);
        string text = File.ReadAllText(path);
        Assert.StartsWith("# " + spec.Name + ":", text);
        Assert.Contains("Hypothesis", text);
        Assert.Contains("Scaling", text);
        Assert.Contains("# Cost:", text);
    }
}
