using System.CommandLine;
using System.Text.Json.Serialization;
using OrleansConfusion.Cli.Report;
using Parquet.Serialization;
using Spectre.Console.Testing;

namespace OrleansConfusion.Cli.Tests.Report;

public sealed class ReportCommandTests
{
    static async Task<(int ExitCode, string Output)> InvokeAsync(params string[] args)
    {
        var console = new TestConsole().Width(1000);
        var root = new RootCommand { ReportCommand.Create(console) };
        int code = await root.Parse(["report", .. args]).InvokeAsync();
        return (code, console.Output);
    }

    static void AssertNothingWritten(SyntheticSweep sweep)
    {
        Assert.False(Directory.Exists(sweep.ReportPath), "a report folder was left behind");
        Assert.Empty(Directory.EnumerateDirectories(sweep.Directory, ".report.tmp-*"));
    }

    [Fact]
    public async Task Writes_the_report_to_the_default_folder_and_exits_0()
    {
        using var sweep = await Sweeps.PlantedWidthAsync();

        var (code, output) = await InvokeAsync(sweep.Directory);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.True(File.Exists(Path.Combine(sweep.ReportPath, "report.md")));
        Assert.Contains("reproduced", output);
        Assert.Contains(Path.Combine(sweep.ReportPath, "report.md"), output);
    }

    [Theory]
    [InlineData("--out")]
    [InlineData("-o")]
    public async Task Out_option_chooses_the_folder(string option)
    {
        using var sweep = await Sweeps.PureNoiseAsync();
        string target = Path.Combine(sweep.Root, "elsewhere", "figures");

        var (code, _) = await InvokeAsync(sweep.Directory, option, target);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.True(File.Exists(Path.Combine(target, "trends.csv")));
        Assert.False(Directory.Exists(sweep.ReportPath));
    }

    [Fact]
    public async Task Missing_folder_is_bad_input()
    {
        using var sweep = new SyntheticSweep();
        string missing = Path.Combine(sweep.Root, "no-such-sweep");

        var (code, output) = await InvokeAsync(missing);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(missing, output);
        Assert.Contains("not found", output);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task Missing_metrics_file_is_bad_input()
    {
        using var sweep = await Sweeps.PureNoiseAsync();
        File.Delete(sweep.MetricsPath);

        var (code, output) = await InvokeAsync(sweep.Directory);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(DatasetFiles.Glob(sweep.Directory, DatasetLayout.Metrics), output);
        Assert.Contains("no sealed part", output);
        AssertNothingWritten(sweep);
    }

    public sealed class OtherRow
    {
        [JsonPropertyName("trial_id")] public string TrialId { get; set; } = "";
        [JsonPropertyName("name")] public string Name { get; set; } = "";
        [JsonPropertyName("value")] public double Value { get; set; }
    }

    [Fact]
    public async Task File_of_another_schema_names_the_missing_columns()
    {
        using var sweep = await Sweeps.PureNoiseAsync();
        await ParquetSerializer.SerializeAsync(new[] { new OtherRow { TrialId = "x", Name = "a", Value = 1 } }, sweep.TrialsPath);

        var (code, output) = await InvokeAsync(sweep.Directory);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(sweep.TrialsPath, output);
        Assert.Contains("missing required columns seed, architecture, width, depth, init, batch_norm, skip, activation", output);
        AssertNothingWritten(sweep);
    }

    [Fact]
    public async Task Metrics_without_confusion_columns_is_bad_input()
    {
        using var sweep = await Sweeps.PureNoiseAsync();
        await ParquetSerializer.SerializeAsync(new[] { new OtherRow { TrialId = "x", Name = "a", Value = 1 } }, sweep.MetricsPath);

        var (code, output) = await InvokeAsync(sweep.Directory);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(sweep.MetricsPath, output);
        Assert.Contains("missing required columns step, epoch", output);
        AssertNothingWritten(sweep);
    }

    [Fact]
    public async Task A_file_that_is_not_parquet_is_bad_input()
    {
        using var sweep = await Sweeps.PureNoiseAsync();
        File.WriteAllText(sweep.MetricsPath, "trial_id,step\nx,1\n");

        var (code, output) = await InvokeAsync(sweep.Directory);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(sweep.MetricsPath, output);
        Assert.Contains("not a readable Parquet file", output);
        AssertNothingWritten(sweep);
    }

    [Fact]
    public async Task Empty_sweep_is_bad_input()
    {
        using var sweep = new SyntheticSweep("empty");
        await sweep.WriteAsync();

        var (code, output) = await InvokeAsync(sweep.Directory);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(DatasetFiles.Glob(sweep.Directory, DatasetLayout.Trials), output);
        Assert.Contains("empty sweep", output);
        AssertNothingWritten(sweep);
    }

    [Fact]
    public async Task Sweep_with_no_completed_trial_is_bad_input()
    {
        using var sweep = new SyntheticSweep("all-failed");
        sweep.AddTrials(SyntheticSweep.Trial with { Width = 8, Depth = 1, Status = "failed" }, [0, 1], 2, (_, _) => new Planted(-0.5, 0.5, 1));
        await sweep.WriteAsync();

        var (code, output) = await InvokeAsync(sweep.Directory);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("no completed trials", output);
        Assert.Contains("2 failed", output);
        AssertNothingWritten(sweep);
    }

    [Fact]
    public async Task Out_folder_that_holds_something_else_is_not_overwritten()
    {
        using var sweep = await Sweeps.PureNoiseAsync();
        string precious = Path.Combine(sweep.Root, "precious");
        Directory.CreateDirectory(precious);
        File.WriteAllText(Path.Combine(precious, "notes.txt"), "keep me");

        var (code, output) = await InvokeAsync(sweep.Directory, "--out", precious);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(precious, output);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(precious, "notes.txt")));
    }
}
