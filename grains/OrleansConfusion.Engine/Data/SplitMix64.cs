namespace OrleansConfusion.Engine.Data;

/// <summary>
/// A tiny seeded generator we own, so that subsets and synthetic data are bit-identical across runs,
/// threads and .NET versions (System.Random's algorithm is not a documented contract), and so that data
/// loading never advances TorchSharp's global generator, which seeds the model initialisation.
/// </summary>
internal sealed class SplitMix64(ulong seed)
{
    const ulong Gamma = 0x9E3779B97F4A7C15UL;
    ulong state = seed;

    /// <summary>Independent generator for one purpose (stream) of a user seed, e.g. inputs vs. labels.</summary>
    public static SplitMix64 ForStream(long seed, ulong stream) => new(Mix(unchecked((ulong)seed + Mix(stream + Gamma))));

    public ulong NextUInt64() => Mix(state += Gamma);

    /// <summary>Uniform integer in [0, bound) without modulo bias (Lemire's method with rejection).</summary>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        ulong b = (ulong)bound;
        ulong threshold = (0UL - b) % b;
        while (true)
        {
            ulong x = NextUInt64();
            ulong high = Math.BigMul(x, b, out ulong low);
            if (low >= threshold) return (int)high;
        }
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal draw (Marsaglia polar method: only log and sqrt, no trigonometry).</summary>
    public double NextGaussian()
    {
        while (true)
        {
            double u = 2 * NextDouble() - 1, v = 2 * NextDouble() - 1;
            double s = u * u + v * v;
            if (s > 0 && s < 1) return u * Math.Sqrt(-2 * Math.Log(s) / s);
        }
    }

    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
