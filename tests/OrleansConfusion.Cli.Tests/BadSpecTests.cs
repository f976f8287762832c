namespace OrleansConfusion.Cli.Tests;

/// <summary>
/// Every kind of bad spec stops `run` with exit code 2 before anything starts: the message names the
/// place (file:line:col) and the field, and no output directory appears.
/// </summary>
public sealed class BadSpecTests
{
    public static TheoryData<string, string, string, string?> Cases => new()
    {
        // name, spec text, expected message fragment, expected "line:col" (null: no single place)
        { "malformed yaml", Specs.TinyWith("width: [4, 8]", "width: [4, 8"), "malformed YAML", null },
        { "unknown key", Specs.TinyWith("width: [4, 8]", "widht: [4, 8]"), "unknown key 'widht'; did you mean 'width'?", "7:3" },
        { "unknown top-level key", Specs.TinyWith("seeds: [0]", "seed: [0]"), "did you mean 'seeds'?", "10:1" },
        { "wrong type", Specs.TinyWith("depth: 1", "depth: deep"), "grid.depth: expected an integer, got 'deep'", "8:10" },
        { "wrong bool", Specs.TinyWith("init: he_normal", "batch_norm: maybe"), "grid.batch_norm: expected true or false", "9:15" },
        { "empty axis", Specs.TinyWith("width: [4, 8]", "width: []"), "grid.width: empty axis", "7:10" },
        { "negative width", Specs.TinyWith("width: [4, 8]", "width: [4, -8]"), "grid.width[1]: must be >= 1 (got -8)", "7:14" },
        { "bad init name", Specs.TinyWith("init: he_normal", "init: he_normall"), "did you mean 'he_normal'?", "9:9" },
        { "unknown dataset", Specs.TinyWith("name: sphere", "name: imagenet"), "dataset.name: 'imagenet' is not one of", "3:9" },
        { "missing mnist path", Specs.TinyWith("  name: sphere\n  sphere: {dimension: 8, train_samples: 64, test_samples: 32, classes: 3}", "  name: mnist\n  path: /nonexistent/mnist"), "dataset.path: directory not found: /nonexistent/mnist", "4:9" },
        { "mnist without path", Specs.TinyWith("  name: sphere\n  sphere: {dimension: 8, train_samples: 64, test_samples: 32, classes: 3}", "  name: mnist"), "dataset mnist needs a path", "3:9" },
        { "bare number seeds", Specs.TinyWith("seeds: [0]", "seeds: 3"), "expected a list of seeds", "10:8" },
        { "duplicate seeds", Specs.TinyWith("seeds: [0]", "seeds: [1, 1]"), "seeds: value 1 appears more than once", "10:8" },
        { "zero seed count", Specs.TinyWith("seeds: [0]", "seeds: {count: 0}"), "seeds.count: must be in [1, 1000]", "10:16" },
        { "lr zero", Specs.TinyWith("lr: 0.1", "lr: 0"), "training.lr: must be > 0", "12:7" },
        { "batch size zero", Specs.TinyWith("batch_size: 16", "batch_size: 0"), "training.batch_size: must be >= 1 (got 0)", "13:15" },
        { "momentum out of range", Specs.TinyWith("lr: 0.1", "lr: 0.1\n  momentum: 1.5"), "training.momentum: must be in [0, 1)", "13:13" },
        { "per-sample m one", Specs.TinyWith("per_sample_m: 8", "per_sample_m: 1"), "measurement.per_sample_m: must be 0 (off) or >= 2", "18:17" },
        { "all-pairs batches one", Specs.TinyWith("paper_batch: 8", "paper_batch: 8\n  paper_batches: 1"), "measurement.paper_batches: must be 0 (off) or >= 2", "18:18" },
        { "all-pairs batches too many", Specs.TinyWith("paper_batch: 8", "paper_batch: 8\n  paper_batches: 5000"), "measurement.paper_batches", "18:18" },
        { "bad sweep name", Specs.TinyWith("name: tiny", "name: My Sweep"), "must be lower-case letters", "1:7" },
        { "sphere block on image data", Specs.TinyWith("name: sphere", "name: fashion-mnist"), "dataset.sphere: only used with dataset name 'sphere'", "4:11" },
        { "wrn depth not 6n+4 only", Specs.TinyWith("  name: sphere\n  sphere: {dimension: 8, train_samples: 64, test_samples: 32, classes: 3}", "  name: fashion-mnist\n  train_subset: 64")
            .Replace("architecture: mlp", "architecture: wrn").Replace("depth: 1", "depth: 12"), "6n+4", null },
        { "fuse_seeds not a bool", Specs.TinyWith("seeds: [0]", "seeds: [0]\nfuse_seeds: sometimes"), "fuse_seeds: expected true or false", "11:13" },
        { "empty file", "", "the spec is empty", null },
        // Search spaces (#24): the planner judges the axes, and its errors come back at the field's place.
        { "log_uniform bounds reversed", Specs.TinyWith("lr: 0.1", "lr: {log_uniform: [1, 0.001]}") + "\nsamples: 4", "training.lr: log_uniform bounds [1, 0.001] are in the wrong order", "12:7" },
        { "log_uniform not positive", Specs.TinyWith("lr: 0.1", "lr: {log_uniform: [0, 1]}") + "\nsamples: 4", "training.lr: log_uniform bounds [0, 1] must both be > 0", "12:7" },
        { "samples missing", Specs.TinyWith("lr: 0.1", "lr: {uniform: [0.01, 0.1]}"), "samples: missing or < 1", "1:1" },
        { "samples zero", Specs.TinyWith("lr: 0.1", "lr: {uniform: [0.01, 0.1]}") + "\nsamples: 0", "samples: must be >= 1", null },
        { "derived names an unknown axis", Specs.TinyWith("lr: 0.1", "lr: {value: 0.1, times: {dpth: -1}}"), "training.lr: times names 'dpth', which is not a numeric axis; did you mean 'depth'?", "12:7" },
        { "derived value invalid at a point", Specs.TinyWith("lr: 0.1", "lr: 0.1\n  momentum: {value: 0.2, times: {width: 1}}"), "training.momentum: at mlp w8 d1 he_normal relu momentum=1.6: momentum must be in [0, 1)", "13:13" },
        { "unknown distribution", Specs.TinyWith("lr: 0.1", "lr: {gaussian: [0, 1]}"), "unknown key 'gaussian'", null },
        { "lr list with a bad value", Specs.TinyWith("lr: 0.1", "lr: [0.1, -1]"), "training.lr[1]: must be > 0", "12:13" },
        { "report by not a column", Specs.Tiny + "\nreport:\n  best: width\n  by: final_los", "report.by: 'final_los' is not a numeric column of trials/; did you mean 'final_loss'?", "23:7" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_spec_exits_2_names_the_place_and_writes_nothing(string name, string yaml, string message, string? place)
    {
        using var temp = new TempDirectory();
        string spec = temp.Write("bad.yaml", yaml);
        string output = temp.Combine("out");
        var cli = new CliHarness();

        int code = await cli.InvokeAsync("run", spec, "--out", output);

        Assert.True(code == ExitCodes.BadInput, $"{name}: exit {code}\n{cli.Stderr}");
        Assert.Contains(message, cli.Stderr);
        if (place is not null) Assert.Contains($"{spec}:{place}:", cli.Stderr);
        else Assert.Contains(spec, cli.Stderr);
        Assert.False(Directory.Exists(output), $"{name}: {output} was created");
    }

    [Fact]
    public async Task All_errors_are_reported_at_once()
    {
        using var temp = new TempDirectory();
        string spec = temp.Write("bad.yaml", Specs.TinyWith("width: [4, 8]", "width: [0, 8]").Replace("lr: 0.1", "lr: -1").Replace("epochs: 1", "epoch: 1"));
        var cli = new CliHarness();

        Assert.Equal(ExitCodes.BadInput, await cli.InvokeAsync("run", spec, "--out", temp.Combine("out")));

        Assert.Contains("3 problem(s)", cli.Stderr);
        Assert.Contains("grid.width[0]", cli.Stderr);
        Assert.Contains("training.lr", cli.Stderr);
        Assert.Contains("did you mean 'epochs'?", cli.Stderr);
    }

    [Fact]
    public async Task Missing_spec_file_is_bad_input()
    {
        using var temp = new TempDirectory();
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.BadInput, await cli.InvokeAsync("run", temp.Combine("nope.yaml"), "--out", temp.Combine("out")));
        Assert.Contains("spec file not found", cli.Stderr);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("submit")]
    public async Task A_directory_given_as_the_spec_is_named_as_a_directory(string command)
    {
        using var temp = new TempDirectory();
        temp.Write("b.yaml", Specs.Tiny);
        temp.Write("a.yml", Specs.Tiny);
        var cli = new CliHarness();

        int code = await cli.InvokeAsync(command, temp.Path, "--out", temp.Combine("out"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"{temp.Path}: is a directory, not a spec file; give one of the specs in it, e.g. {temp.Combine("a.yml")} (it holds a.yml, b.yaml)", cli.Stderr);
        Assert.DoesNotContain("not found", cli.Stderr);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public async Task A_directory_without_specs_says_so()
    {
        using var temp = new TempDirectory();
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.BadInput, await cli.InvokeAsync("run", temp.Path));
        Assert.Contains("is a directory, not a spec file (it holds no .yaml or .yml file)", cli.Stderr);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("fuse_seeds: false\n", false)]
    [InlineData("fuse_seeds: true\n", true)]
    public void Fuse_seeds_is_read_and_unset_means_the_default(string line, bool? expected)
    {
        using var temp = new TempDirectory();
        string spec = temp.Write("fuse.yaml", Specs.Tiny + "\n" + line);
        var result = new Spec.SweepSpecLoader(new Spec.CoordinatorSpecPlanner()).Load(spec);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(expected, result.Spec!.FuseSeeds);
    }

    [Fact]
    public async Task Partly_rejected_grid_is_reported_but_valid()
    {
        using var temp = new TempDirectory();
        string spec = temp.Write("wrn.yaml", Specs.TinyWith("  name: sphere\n  sphere: {dimension: 8, train_samples: 64, test_samples: 32, classes: 3}", "  name: fashion-mnist\n  train_subset: 64")
            .Replace("architecture: mlp", "architecture: wrn").Replace("depth: 1", "depth: [10, 12]"));
        var loader = new Spec.SweepSpecLoader(new Spec.CoordinatorSpecPlanner());

        var result = loader.Load(spec);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(2, result.Trials);
        Assert.Equal(2, result.Rejected.Count);
        Assert.All(result.Rejected, r => Assert.Contains("d12", r));
    }
}
