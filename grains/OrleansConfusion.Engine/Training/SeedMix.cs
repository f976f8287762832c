namespace OrleansConfusion.Engine.Training;

/// <summary>
/// Derives independent, reproducible seeds from a trial seed (SplitMix64 finaliser).
/// HashCode.Combine would not do: it is randomised per process.
/// </summary>
public static class SeedMix
{
    public static int Combine(long seed, long stream, long index)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)stream * 0xBF58476D1CE4E5B9UL + (ulong)index * 0x94D049BB133111EBUL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}
