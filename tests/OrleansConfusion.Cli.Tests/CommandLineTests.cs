using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OrleansConfusion.Cli.Commands;
using Spectre.Console.Testing;

namespace OrleansConfusion.Cli.Tests;

/// <summary>Parsing, help and exit codes through the DI-resolved root command.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("run", "--help")]
    [InlineData("submit", "--help")]
    [InlineData("status", "--help")]
    [InlineData("watch", "--help")]
    [InlineData("cancel", "--help")]
    [InlineData("results", "--help")]
    [InlineData("report", "--help")]
    public async Task Help_exits_0(params string[] args)
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.Ok, await cli.InvokeAsync(args));
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("run")]
    [InlineData("status")]
    [InlineData("run", "x.yaml", "--max-concurrent", "-1")]
    [InlineData("run", "x.yaml", "--max-concurrent", "lots")]
    [InlineData("run", "x.yaml", "--fuse-seeds", "maybe")]
    [InlineData("run", "x.yaml", "--fuse-seeds")]
    [InlineData("submit", "x.yaml", "--fuse-seeds", "sometimes")]
    [InlineData("status", "x", "--cluster", "bogus://host")]
    [InlineData("status", "x", "--cluster", "localhost:99999")]
    public async Task Bad_command_lines_exit_2(params string[] args)
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.BadInput, await cli.InvokeAsync(args));
    }

    [Theory]
    [InlineData("run", "x.yaml")]
    [InlineData("submit", "x.yaml")]
    [InlineData("results", "x")]
    [InlineData("report", "runs/x")]
    public void Every_command_with_an_output_folder_takes_its_short_form(params string[] args)
    {
        using var provider = new ServiceCollection().AddConfusionCli(new TestConsole(), new TestConsole()).BuildServiceProvider();
        var root = provider.GetRequiredService<ConfusionRootCommand>();

        var parsed = root.Parse([.. args, "-o", "somewhere"]);

        Assert.Empty(parsed.Errors);
        var option = parsed.CommandResult.Command.Options.Single(o => o.Name == "--out");
        Assert.Contains("-o", option.Aliases);
        Assert.Equal("somewhere", parsed.GetValue<string>("--out"));
    }

    [Fact]
    public async Task Unreachable_cluster_exits_3_quickly_naming_the_address()
    {
        var cli = new CliHarness();
        var clock = Stopwatch.StartNew();

        int code = await cli.InvokeAsync("status", "nothing", "--cluster", "localhost:1");

        Assert.Equal(ExitCodes.ClusterUnreachable, code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Contains("cannot reach the cluster at localhost:1", cli.Stderr);
    }

    [Fact]
    public async Task Unreachable_redis_exits_3_quickly()
    {
        var cli = new CliHarness();
        var clock = Stopwatch.StartNew();

        int code = await cli.InvokeAsync("cancel", "nothing", "--cluster", "redis://127.0.0.1:1");

        Assert.Equal(ExitCodes.ClusterUnreachable, code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Contains("redis://127.0.0.1:1", cli.Stderr);
    }

    [Fact]
    public async Task Results_of_a_missing_sweep_is_bad_input()
    {
        using var temp = new TempDirectory();
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.BadInput, await cli.InvokeAsync("results", "nothing", "--out", temp.Path));
        Assert.Contains("no trials.parquet", cli.Stderr);
    }
}
