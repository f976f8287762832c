using Microsoft.Extensions.DependencyInjection;
using OrleansConfusion.Cli.Hosting;
using OrleansConfusion.Engine.Training;
using OrleansConfusion.Grains;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Tests;

/// <summary>
/// README, exit codes: 1 is a failure at run time, a failed trial among them. `run` with an embedded silo whose
/// trainer throws for one of the two trials: that trial ends `failed` with the trainer's message in trials.parquet,
/// the other still trains for real, and the command exits 1 saying how many failed.
/// </summary>
public sealed class FailingTrialTests
{
    const string Message = "the trainer broke on purpose";

    /// <summary>Throws for the width-8 trial of <see cref="Specs.Tiny"/>; the width-4 one goes to the real trainer.</summary>
    sealed class OneWidthFails(TorchTrialTrainer real) : ITrialTrainer
    {
        public TrialResult Train(TrialSpec spec, TrialTrainingContext context) =>
            spec.Model.Width == 8 ? throw new InvalidOperationException(Message) : real.Train(spec, context);
    }

    [Fact]
    public async Task A_trial_whose_trainer_throws_is_failed_and_run_exits_1()
    {
        using var temp = new TempDirectory();
        string spec = temp.Write("tiny.yaml", Specs.Tiny);
        string output = temp.Combine("out");
        var factory = new EmbeddedClusterFactory
        {
            // Registered after the silo's own trainer, so this one is the ITrialTrainer the trial grains get.
            ConfigureSilo = silo => silo.Services.AddSingleton<TorchTrialTrainer>().AddSingleton<ITrialTrainer, OneWidthFails>(),
        };
        var cli = new CliHarness(services => services.AddSingleton<IEmbeddedClusterFactory>(factory));

        int code = await cli.InvokeAsync("run", spec, "--out", output);

        Assert.True(code == ExitCodes.Failure, $"exit {code}\n{cli.Stderr}\n{cli.Stdout}");
        Assert.Contains("1 of 2 trial(s) failed", cli.Stderr);
        string trials = DatasetFiles.Glob(Path.Combine(output, "tiny"), DatasetLayout.Trials);
        Assert.Equal(1, Parquet.Scalar($"SELECT count(*) FROM read_parquet('{trials}') WHERE width = 8 AND status = 'failed' AND error LIKE '%{Message}%'"));
        Assert.Equal(1, Parquet.Scalar($"SELECT count(*) FROM read_parquet('{trials}') WHERE width = 4 AND status = 'completed'"));
    }
}
