using System.Collections.Concurrent;

namespace OrleansConfusion.Grains.Tests;

/// <summary>Concurrency seen by the fake trainer for one sweep.</summary>
public sealed class SweepTracker
{
    readonly Lock _lock = new();
    readonly Dictionary<string, int> _perSilo = [];
    int _running;

    public int MaxRunning { get; private set; }

    public ConcurrentDictionary<string, int> MaxPerSilo { get; } = new();

    public ConcurrentBag<string> SilosUsed { get; } = [];

    public int Started;

    /// <summary>Trainings waiting at their <see cref="FakeBehavior.Gate"/> now.</summary>
    public int Blocked;

    /// <summary>The trial ids of each fused group the fake trained (one slot for all of them).</summary>
    public ConcurrentBag<string[]> FusedGroups { get; } = [];

    /// <summary>Each attempt's <see cref="TrialTrainingContext.DeliveredThroughStep"/> at its start, by (trial id, attempt).</summary>
    public ConcurrentDictionary<(string Trial, int Attempt), long> ResumeThrough { get; } = new();

    public IDisposable Enter(string silo)
    {
        lock (_lock)
        {
            _running++;
            MaxRunning = Math.Max(MaxRunning, _running);
            _perSilo[silo] = _perSilo.GetValueOrDefault(silo) + 1;
            MaxPerSilo.AddOrUpdate(silo, _perSilo[silo], (_, old) => Math.Max(old, _perSilo[silo]));
        }
        SilosUsed.Add(silo);
        Interlocked.Increment(ref Started);
        return new Exit(this, silo);
    }

    void Leave(string silo)
    {
        lock (_lock)
        {
            _running--;
            _perSilo[silo]--;
        }
    }

    sealed class Exit(SweepTracker tracker, string silo) : IDisposable
    {
        public void Dispose() => tracker.Leave(silo);
    }
}
