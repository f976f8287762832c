using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// What a trial grain does with a start (one trial, or a fuse group's seeds): which trials it trains, from which
/// delivered step, and which it only reports again because they finished and the coordinator missed just the outcome.
/// </summary>
internal sealed record TrialStart(TrialLane[] Lanes, TrialLane[] Resend, (TrialLane Lane, long Delivered)[] Train)
{
    /// <summary>
    /// A trial finished earlier and the coordinator holds every row it measured: it missed only the outcome, so the
    /// outcome is sent again. Otherwise (rows lost with a coordinator, or a failed or cancelled run) the trial trains
    /// again, from its newest checkpoint whose rows the coordinator holds.
    /// </summary>
    public static TrialStart Decide(IReadOnlyList<TrialLane> current, TrialSpec[] specs, int[] attempts, long[] deliveredThroughStep)
    {
        var lanes = new TrialLane[specs.Length];
        var resend = new List<TrialLane>();
        var train = new List<(TrialLane, long)>();
        for (int i = 0; i < specs.Length; i++)
        {
            var known = current.FirstOrDefault(l => l.Spec.TrialId == specs[i].TrialId);
            if (known is { Outcome: { State: TrialState.Completed or TrialState.Diverged } outcome } && deliveredThroughStep[i] >= outcome.LastMeasuredStep)
            {
                known.Attempt = attempts[i];
                resend.Add(lanes[i] = known);
            }
            else
            {
                lanes[i] = new TrialLane(specs[i]) { Attempt = attempts[i] };
                train.Add((lanes[i], deliveredThroughStep[i]));
            }
        }
        return new TrialStart(lanes, [.. resend], [.. train]);
    }

    /// <summary>
    /// A start while the grain still trains is a re-drive of trials that were only slow to report: they keep training
    /// under the new attempts. A start naming a trial this grain does not train is refused.
    /// </summary>
    public static void Rejoin(IReadOnlyList<TrialLane> training, TrialSpec[] specs, int[] attempts, string grainKey)
    {
        var lanes = specs.Select(s => training.FirstOrDefault(l => l.Spec.TrialId == s.TrialId)
            ?? throw new InvalidOperationException($"grain {grainKey} is training other trials; trial {s.TrialId} cannot join them")).ToArray();
        for (int i = 0; i < lanes.Length; i++) lanes[i].Attempt = attempts[i];
    }
}
