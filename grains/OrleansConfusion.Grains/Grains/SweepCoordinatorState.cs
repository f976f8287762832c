using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// A sweep's persisted state. Small, and the same size for 10 trials or 1,000,000: the plan is rebuilt from the spec
/// (trial ids are deterministic), and progress lives in the output's append-only records (see <see cref="SweepOutput"/>).
/// </summary>
[GenerateSerializer]
public sealed class SweepCoordinatorState
{
    [Id(0)] public SweepSpec? Spec { get; set; }
    [Id(3)] public SweepState State { get; set; } = SweepState.NotFound;
    [Id(4)] public DateTimeOffset? StartedAt { get; set; }
    [Id(5)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(6)] public string OutputDirectory { get; set; } = "";

    /// <summary>The first <see cref="SweepCoordinatorGrain.RejectedShown"/> rejected grid points; <see cref="RejectedCount"/> counts them all.</summary>
    [Id(7)] public string[] Rejected { get; set; } = [];
    [Id(8)] public bool CancelRequested { get; set; }

    /// <summary>The generation of the activation that owns the sweep: each claims the next, so a stale one is fenced by the etag.</summary>
    [Id(9)] public int Generation { get; set; }
    [Id(10)] public int RejectedCount { get; set; }

    /// <summary>Why the sweep failed (its output could not be written), or null.</summary>
    [Id(11)] public string? Error { get; set; }

    /// <summary>A (re)submit: the sweep runs again from this spec, in this folder, claimed by <paramref name="generation"/>.</summary>
    public void Accept(SweepSpec spec, string directory, SweepPlan plan, int generation, int rejectedShown)
    {
        (Spec, OutputDirectory, CancelRequested, State, FinishedAt, Generation, Error) = (spec, directory, false, SweepState.Running, null, generation, null);
        Rejected = [.. plan.Rejected.Take(rejectedShown).Select(r => r.ToString())];
        RejectedCount = plan.Rejected.Count;
        StartedAt ??= DateTimeOffset.UtcNow;
    }

    /// <summary>What the sweep shows of itself besides its trials.</summary>
    public SweepStatus Header(string sweepId) => new()
    {
        SweepId = sweepId, State = Spec is null ? SweepState.NotFound : State, OutputDirectory = OutputDirectory, StartedAt = StartedAt, FinishedAt = FinishedAt,
        Error = Error,
    };
}
