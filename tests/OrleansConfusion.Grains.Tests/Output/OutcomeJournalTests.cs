using Microsoft.Extensions.Logging.Abstractions;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>The outcome journal survives a process killed mid-append: the torn line is skipped, later lines are kept.</summary>
public sealed class OutcomeJournalTests
{
    [Fact]
    public async Task A_torn_last_line_is_skipped_and_later_outcomes_are_kept()
    {
        using var temp = new TempDirectory("oc-journal");
        string dir = temp.Path;
        var output = new SweepOutput(dir, NullLogger.Instance);
        await output.WriteOutcomeAsync(Trial("a"), Outcome("a", TrialState.Completed));
        await output.WriteOutcomeAsync(Trial("b"), Outcome("b", TrialState.Diverged));
        await File.AppendAllTextAsync(output.OutcomesJournalPath, "{\"trial_id\":\"c\",\"sta"); // killed mid-append

        var reloaded = new SweepOutput(dir, NullLogger.Instance);
        await reloaded.LoadAsync();
        Assert.Equal(["a", "b"], reloaded.Outcomes.Keys.Order());
        Assert.Equal(TrialState.Diverged, reloaded.Outcomes["b"].State);

        await reloaded.WriteOutcomeAsync(Trial("c"), Outcome("c", TrialState.Completed));
        var again = new SweepOutput(dir, NullLogger.Instance);
        await again.LoadAsync();
        Assert.Equal(["a", "b", "c"], again.Outcomes.Keys.Order());
    }

    static TrialSpec Trial(string id) => new() { SweepId = "s", TrialId = id, Model = new ModelSpec { Width = 8, Depth = 1 } };

    static TrialOutcome Outcome(string id, TrialState state) => new()
    {
        TrialId = id, State = state, Steps = 10, FinalLoss = double.NaN, WallSeconds = 1.5, FinishedAt = DateTimeOffset.UtcNow,
    };
}
