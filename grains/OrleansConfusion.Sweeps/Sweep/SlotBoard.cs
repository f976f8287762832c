using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// Where trials run and who is late: the running trials by index and by silo, the dispatch units holding slots, and the
/// dispatches the watchdog gave up on (so a late report brings one back). A fuse group's members share one unit, which
/// holds one slot on its silo until the last of them ends. Costs: O(1) per start or stop, O(trials on one silo) per
/// silo question, O(running trials) per watchdog pass.
/// </summary>
public sealed class SlotBoard
{
    readonly Dictionary<int, RunningTrial> _running = [];
    readonly Dictionary<string, SiloTrials> _onSilo = new(StringComparer.Ordinal);

    // The dispatch a re-queued trial had, so a late report from it brings it back (see Sweep.OnProgress) with its
    // attempt already counted. Bounded by the re-queued trials; a new dispatch drops the entry.
    readonly Dictionary<int, RunningTrial> _givenUp = [];
    int _runningUnits;
    int _nextToken = 1;

    public int RunningCount => _running.Count;

    public IEnumerable<RunningTrial> Running => _running.Values;

    /// <summary>Units holding a slot somewhere (a fuse group counts once).</summary>
    public int RunningUnits => _runningUnits;

    public bool TryGetRunning(int index, out RunningTrial trial) => _running.TryGetValue(index, out trial!);

    /// <summary>Names of the silos that have running trials (for the watchdog's membership check).</summary>
    public IEnumerable<string> SilosWithTrials => _onSilo.Where(p => p.Value.Trials.Count > 0).Select(p => p.Key);

    /// <summary>The running trials on <paramref name="silo"/>: O(trials there).</summary>
    public List<int> TrialsOn(string silo) => _onSilo.GetValueOrDefault(silo)?.Trials.ToList() ?? [];

    /// <summary>Running trials not heard from since <paramref name="since"/>: O(running trials).</summary>
    public List<int> SilentSince(DateTimeOffset since) => [.. _running.Values.Where(t => t.LastReportAt < since).Select(t => t.Index)];

    /// <summary>Picks silos for the next dispatches (see <see cref="SiloPicker"/>).</summary>
    public SiloPicker Picker(IReadOnlyList<SiloSlots> silos, int maxConcurrent, int prefetchPerSilo) =>
        new(silos, maxConcurrent, prefetchPerSilo, silo => _onSilo.GetValueOrDefault(silo)?.Units.Count ?? 0, _runningUnits);

    /// <summary>A new dispatch of trial <paramref name="index"/>, with the next token.</summary>
    public RunningTrial Start(int index, string silo, bool waitsForSlot, DateTimeOffset now, DispatchUnit unit)
    {
        var trial = new RunningTrial(index, _nextToken++, silo, waitsForSlot, now, unit);
        Add(trial);
        return trial;
    }

    /// <summary>The dispatch the watchdog gave up on for <paramref name="index"/>, if its token is <paramref name="token"/>.</summary>
    public bool TryGetGivenUp(int index, int token, out RunningTrial trial) =>
        _givenUp.TryGetValue(index, out trial!) && trial.Token == token;

    /// <summary>A given-up dispatch that reported after all: it runs again under its old token.</summary>
    public void Revive(RunningTrial trial) => Add(trial);

    /// <summary>Takes a trial off the board; a given-up dispatch is kept for a late report.</summary>
    public void Stop(int index, bool givenUp)
    {
        if (!_running.Remove(index, out var trial)) return;
        if (givenUp) _givenUp[index] = trial;
        else _givenUp.Remove(index);
        if (--trial.Unit.Running == 0) _runningUnits--;
        _onSilo[trial.Silo].Remove(trial);
    }

    /// <summary>The trial ended for good: no late report can bring its old dispatch back.</summary>
    public void Forget(int index) => _givenUp.Remove(index);

    /// <summary>The trial reports from another silo than predicted (placement chose another one).</summary>
    public void MoveSilo(RunningTrial trial, string silo)
    {
        if (trial.Silo == silo) return;
        _onSilo[trial.Silo].Remove(trial);
        trial.Silo = silo;
        _onSilo.GetOrAdd(silo).Add(trial);
    }

    /// <summary>Units on <paramref name="silo"/> other than <paramref name="except"/>'s that train (a member said so): O(trials on the silo).</summary>
    public int TrainingOn(string silo, RunningTrial except) =>
        _onSilo.GetValueOrDefault(silo)?.Trials.Select(i => _running[i]).Where(t => t.Unit != except.Unit && !t.WaitingForSlot).Select(t => t.Unit).Distinct().Count() ?? 0;

    /// <summary>Trials on <paramref name="silo"/> that said they train and wait only for an outcome to land take its free slots.</summary>
    public void PromoteWaiting(string silo, int slots)
    {
        if (_onSilo.GetValueOrDefault(silo) is not { } onSilo) return;
        var trials = onSilo.Trials.Select(i => _running[i]).ToList();
        int training = trials.Where(t => !t.WaitingForSlot).Select(t => t.Unit).Distinct().Count();
        // A unit that said it trains waits as a whole and takes one slot as a whole.
        foreach (var unit in trials.Where(t => t.WaitingForSlot && t.Status?.State == TrialState.Running)
                     .OrderBy(t => t.LastReportAt).Select(t => t.Unit).Distinct().ToList())
        {
            if (training >= slots) break;
            foreach (var trial in trials.Where(t => t.Unit == unit)) trial.WaitingForSlot = false;
            training++;
        }
    }

    /// <summary>Every unit with a running member (for a cancel).</summary>
    public List<DispatchUnit> Units() => [.. _running.Values.Select(t => t.Unit).Distinct()];

    void Add(RunningTrial trial)
    {
        _running[trial.Index] = trial;
        _givenUp.Remove(trial.Index);
        if (trial.Unit.Running++ == 0) _runningUnits++;
        _onSilo.GetOrAdd(trial.Silo).Add(trial);
    }
}
