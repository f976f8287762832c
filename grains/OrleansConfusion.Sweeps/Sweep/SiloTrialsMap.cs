namespace OrleansConfusion.Sweeps;

internal static class SiloTrialsMap
{
    public static SiloTrials GetOrAdd(this Dictionary<string, SiloTrials> map, string silo)
    {
        if (!map.TryGetValue(silo, out var trials)) map[silo] = trials = new SiloTrials();
        return trials;
    }
}
