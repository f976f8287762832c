namespace OrleansConfusion.Sweeps;

/// <summary>
/// Quasi-random points in the unit cube [0, 1)^d: the Halton sequence (radical inverses in the first d primes) from index
/// 1, each coordinate shifted by a random offset modulo 1 (a Cranley–Patterson rotation) drawn from the sweep's
/// sample seed. N points cover the box far more evenly than N independent draws, and the same seed gives the same points.
/// Written here because no served library has a low-discrepancy sequence (MathNet.Numerics has none; checked
/// 2026-12-07); it is 30 lines, and its unit tests check the known first values and the spread.
/// </summary>
public static class HaltonPoints
{
    static readonly int[] Primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97];

    /// <summary>The largest number of sampled fields one sweep may have.</summary>
    public static int MaxDimensions => Primes.Length;

    /// <summary><paramref name="count"/> points of <paramref name="dimensions"/> coordinates; unshifted when <paramref name="seed"/> is null.</summary>
    public static double[][] Generate(int count, int dimensions, long? seed)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimensions, MaxDimensions);
        var shift = new double[dimensions];
        if (seed is { } s)
        {
            var random = new Random(unchecked((int)(s ^ (s >> 32)) ^ 0x5EED));
            for (int d = 0; d < dimensions; d++) shift[d] = random.NextDouble();
        }
        var points = new double[count][];
        for (int i = 0; i < count; i++)
        {
            points[i] = new double[dimensions];
            for (int d = 0; d < dimensions; d++)
            {
                double x = RadicalInverse(i + 1, Primes[d]) + shift[d];
                points[i][d] = x >= 1 ? x - 1 : x;
            }
        }
        return points;
    }

    /// <summary>The digits of <paramref name="index"/> in <paramref name="radix"/>, mirrored about the radix point.</summary>
    public static double RadicalInverse(long index, int radix)
    {
        double result = 0, fraction = 1.0 / radix;
        for (long n = index; n > 0; n /= radix, fraction /= radix) result += (n % radix) * fraction;
        return result;
    }
}
