using OrleansConfusion.Cli.Results;
using OrleansConfusion.Cli.Views;
using OrleansConfusion.Grains.Abstractions;
using Spectre.Console.Testing;

namespace OrleansConfusion.Cli.Tests;

/// <summary>Views rendered into Spectre's TestConsole (non-interactive, so progress is plain lines).</summary>
public sealed class ViewTests
{
    static TestConsole Console()
    {
        var console = new TestConsole();
        console.Profile.Width = 200;
        return console;
    }

    [Fact]
    public void Summary_table_shows_each_trial_and_marks_missing_values()
    {
        var console = Console();
        console.Write(SummaryTable.Build(
        [
            new TrialSummary { Label = "mlp w16 d2 he_normal relu s0", Status = "completed", FinalLoss = 0.51234, FinalAccuracy = 0.8, MinCosine = -0.25, Eta = 0.125 },
            new TrialSummary { Label = "mlp w[256] d2", Status = "failed", Error = "out of memory" },
        ]));

        string text = console.Output;
        Assert.Contains("mlp w16 d2 he_normal relu s0", text);
        Assert.Contains("0.5123", text);
        Assert.Contains("80.0%", text);
        Assert.Contains("-0.2500", text);
        Assert.Contains("mlp w[256] d2", text); // markup in labels is escaped, not interpreted
        Assert.Contains("failed (out of memory)", text);
        Assert.Contains("–", text);
    }

    [Fact]
    public void Status_table_lists_counts_and_running_trials()
    {
        var console = Console();
        console.Write(StatusTable.Build(new SweepStatus
        {
            SweepId = "quick", State = SweepState.Running, Total = 6, Completed = 2, Running = 1, Queued = 3,
            ActiveTrials = [new TrialStatus { TrialId = "abc", Label = "mlp w64 d2", Step = 10, TotalSteps = 40, Epoch = 1, LastLoss = 1.5, Silo = "s1" }],
        }));

        Assert.Contains("2/6 finished", console.Output);
        Assert.Contains("mlp w64 d2", console.Output);
        Assert.Contains("10/40", console.Output);
    }

    [Fact]
    public async Task Progress_falls_back_to_plain_lines_when_not_interactive()
    {
        var console = Console();
        var view = new SweepProgressView(console);
        var script = new Queue<SweepStatus>(
        [
            new SweepStatus { SweepId = "s", State = SweepState.Running, Total = 2, Running = 1, Queued = 1, ActiveTrials = [new TrialStatus { TrialId = "a", Label = "mlp w4", Step = 1, TotalSteps = 4 }] },
            new SweepStatus { SweepId = "s", State = SweepState.Completed, Total = 2, Completed = 2 },
        ]);

        var final = await view.FollowAsync(_ => Task.FromResult(script.Dequeue()), CancellationToken.None);

        Assert.Equal(SweepState.Completed, final.State);
        Assert.Contains("s: 0/2 finished (1 running, 1 queued, 0 failed); mlp w4 1/4", console.Output);
        Assert.Contains("s: 2/2 finished", console.Output);
    }
}
