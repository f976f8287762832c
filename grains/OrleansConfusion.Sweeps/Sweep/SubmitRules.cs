using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>What a coordinator refuses at submit, before anything is stored or created, and what it answers when it accepts.</summary>
public static class SubmitRules
{
    /// <summary>An invalid spec, or one submitted to another sweep's coordinator.</summary>
    public static void ThrowIfInvalid(SweepSpec spec, SweepPlan plan, string sweepId)
    {
        if (!plan.IsValid)
            throw new ArgumentException($"sweep spec '{spec.Name}' is invalid:{Environment.NewLine} - {string.Join(Environment.NewLine + " - ", plan.Errors)}");
        if (spec.Name != sweepId)
            throw new ArgumentException($"spec name '{spec.Name}' does not match the coordinator's sweep id '{sweepId}'");
    }

    /// <summary>
    /// A sweep's rows live in its folder: resubmitting it to another (<paramref name="directory"/> against the stored
    /// <paramref name="storedDirectory"/>, null for a new sweep) would start over without them.
    /// </summary>
    public static void ThrowIfMoved(string sweepId, string? storedDirectory, string directory)
    {
        if (storedDirectory is not null && storedDirectory != directory)
            throw new SpecRejectedException("output_dir",
                $"sweep '{sweepId}' already writes to '{storedDirectory}', and its rows are there; resubmitting it to '{directory}' " +
                "would start over without them. Resubmit with the same output folder, or give the sweep another name");
    }

    public static SweepSubmission Submission(string sweepId, SweepPlan plan, Sweep sweep, string[] rejected, string directory)
    {
        var (fuseGroups, fusedTrials) = plan.Fused();
        return new SweepSubmission
        {
            SweepId = sweepId,
            FuseGroups = fuseGroups,
            FusedTrials = fusedTrials,
            Trials = sweep.Count,
            AlreadyFinished = sweep.Ledger.CountOf(TrialState.Completed) + sweep.Ledger.CountOf(TrialState.Diverged),
            Rejected = rejected,
            OutputDirectory = directory,
        };
    }
}
