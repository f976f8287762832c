namespace OrleansConfusion.Sweeps;

/// <summary>The running trials on one silo, and the units they belong to (one slot each, however many members are there).</summary>
internal sealed class SiloTrials
{
    public HashSet<int> Trials { get; } = [];

    public Dictionary<DispatchUnit, int> Units { get; } = [];

    public void Add(RunningTrial trial)
    {
        if (!Trials.Add(trial.Index)) return;
        Units[trial.Unit] = Units.GetValueOrDefault(trial.Unit) + 1;
    }

    public void Remove(RunningTrial trial)
    {
        if (!Trials.Remove(trial.Index)) return;
        if (--Units[trial.Unit] == 0) Units.Remove(trial.Unit);
    }
}
