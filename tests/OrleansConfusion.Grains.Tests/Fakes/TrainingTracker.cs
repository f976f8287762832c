using System.Collections.Concurrent;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// Process-wide record of fake trainings (all silos of the in-process cluster share it): behaviour per
/// sweep, and how many trainings ran at once, overall and per silo.
/// </summary>
public static class TrainingTracker
{
    static readonly ConcurrentDictionary<string, FakeBehavior> Behaviors = new();
    static readonly ConcurrentDictionary<string, SweepTracker> Sweeps = new();

    public static void Register(string sweepId, FakeBehavior behavior)
    {
        Behaviors[sweepId] = behavior;
        Sweeps[sweepId] = new SweepTracker();
    }

    public static FakeBehavior? BehaviorFor(string sweepId) => Behaviors.GetValueOrDefault(sweepId);

    public static SweepTracker For(string sweepId) => Sweeps.GetOrAdd(sweepId, _ => new SweepTracker());
}
