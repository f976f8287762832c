namespace OrleansConfusion.Sweeps;

/// <summary>
/// Chooses the silo of each next dispatch unit: a free slot first (on the silo with the most free slots), then, once
/// every slot is taken, up to the prefetch count more onto each full silo (the one least over first), where the unit
/// waits for that silo's next free slot. A unit prefetched onto a silo with a free slot would start at once, so none is
/// prefetched while the sweep's cap is below the cluster's slots. Cost: O(silos) per pick.
/// </summary>
public sealed class SiloPicker
{
    readonly List<SiloSlots> _usable;
    readonly Dictionary<string, int> _busy;
    readonly int _cap;
    readonly int _prefetch;
    int _training;

    /// <param name="busy">Units already on a silo.</param>
    /// <param name="runningUnits">Units running anywhere, silos outside <paramref name="silos"/> included.</param>
    internal SiloPicker(IReadOnlyList<SiloSlots> silos, int maxConcurrent, int prefetchPerSilo, Func<string, int> busy, int runningUnits)
    {
        _usable = [.. silos.Where(s => s.Slots > 0)];
        _cap = maxConcurrent > 0 ? maxConcurrent : int.MaxValue;
        _prefetch = _cap < _usable.Sum(s => s.Slots) ? 0 : prefetchPerSilo;
        _busy = _usable.ToDictionary(s => s.Name, s => busy(s.Name), StringComparer.Ordinal);
        // A unit counts once per silo its members report from (they report one), so this cannot go below 0 but for a unit caught mid-move.
        int onOthers = Math.Max(0, runningUnits - _busy.Values.Sum());
        _training = _usable.Sum(s => Math.Min(_busy[s.Name], s.Slots)) + onOthers;
    }

    /// <summary>The silo for the next unit and whether it waits there for a slot; false when none may take one now.</summary>
    public bool TryPick(out string silo, out bool waitsForSlot)
    {
        SiloSlots? chosen = null;
        if (_training < _cap)
        {
            foreach (var s in _usable)
                if (_busy[s.Name] < s.Slots && (chosen is null || s.Slots - _busy[s.Name] > chosen.Value.Slots - _busy[chosen.Value.Name])) chosen = s;
        }
        waitsForSlot = chosen is null;
        if (waitsForSlot)
        {
            foreach (var s in _usable)
                if (_busy[s.Name] >= s.Slots && _busy[s.Name] < s.Slots + _prefetch
                    && (chosen is null || _busy[s.Name] - s.Slots < _busy[chosen.Value.Name] - chosen.Value.Slots)) chosen = s;
        }
        silo = chosen?.Name ?? "";
        if (chosen is null) return false;
        if (!waitsForSlot) _training++;
        _busy[silo]++;
        return true;
    }
}
