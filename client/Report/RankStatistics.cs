namespace OrleansConfusion.Cli.Report;

/// <summary>Means, spreads, Spearman's rank correlation and its seed bootstrap.</summary>
internal static class RankStatistics
{
    public static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Average();

    /// <summary>Sample standard deviation (n − 1); 0 for a single value.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>Ranks starting at 1; tied values share the mean of their ranks.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        int start = 0;
        while (start < order.Length)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }

    /// <summary>Spearman's ρ: Pearson's correlation of the ranks. NaN when either side is constant.</summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException("x and y differ in length");
        if (x.Count < 2) return double.NaN;
        return Pearson(Ranks(x), Ranks(y));
    }

    static double Pearson(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average();
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa <= 0 || sbb <= 0 ? double.NaN : sab / Math.Sqrt(saa * sbb);
    }

    /// <summary>
    /// Spearman's ρ between an axis and a per-trial statistic, with a percentile bootstrap interval
    /// over seeds: each resample redraws, with replacement, as many trials as each axis value has,
    /// from that axis value's own trials. Resamples whose ρ is undefined are dropped.
    /// </summary>
    public static BootstrapResult SpearmanBootstrap(
        IReadOnlyList<(double Axis, IReadOnlyList<double> Values)> groups, int resamples, int seed, double confidence = 0.95)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var (axis, values) in groups)
            foreach (double v in values) { xs.Add(axis); ys.Add(v); }
        double rho = Spearman(xs, ys);

        var random = new Random(seed);
        var draws = new List<double>(resamples);
        var bx = new double[xs.Count];
        var by = new double[ys.Count];
        for (int r = 0; r < resamples; r++)
        {
            int k = 0;
            foreach (var (axis, values) in groups)
                for (int i = 0; i < values.Count; i++, k++)
                {
                    bx[k] = axis;
                    by[k] = values[random.Next(values.Count)];
                }
            double b = Spearman(bx, by);
            if (!double.IsNaN(b)) draws.Add(b);
        }
        if (draws.Count == 0) return new BootstrapResult(rho, double.NaN, double.NaN, 0);
        draws.Sort();
        double tail = (1 - confidence) / 2;
        return new BootstrapResult(rho, Quantile(draws, tail), Quantile(draws, 1 - tail), draws.Count);
    }

    /// <summary>
    /// Mean at the largest axis value minus mean at the smallest, with a percentile bootstrap interval:
    /// each resample redraws, with replacement, each of the two extreme groups from its own trials (the
    /// same resampling as <see cref="SpearmanBootstrap"/>). ρ says whether the statistic moves with the
    /// axis; this says by how much, in the statistic's own units.
    /// </summary>
    public static EffectSize ExtremeDifferenceBootstrap(
        IReadOnlyList<(double Axis, IReadOnlyList<double> Values)> groups, int resamples, int seed, double confidence = 0.95)
    {
        var usable = groups.Where(g => g.Values.Count > 0).ToList();
        if (usable.Select(g => g.Axis).Distinct().Count() < 2) return new EffectSize(double.NaN, double.NaN, double.NaN);
        var low = usable.MinBy(g => g.Axis).Values;
        var high = usable.MaxBy(g => g.Axis).Values;
        double difference = high.Average() - low.Average();

        var random = new Random(seed);
        var draws = new double[resamples];
        for (int r = 0; r < resamples; r++)
            draws[r] = Resampled(high, random) - Resampled(low, random);
        Array.Sort(draws);
        double tail = (1 - confidence) / 2;
        return new EffectSize(difference, Quantile(draws, tail), Quantile(draws, 1 - tail));

        static double Resampled(IReadOnlyList<double> values, Random random)
        {
            double sum = 0;
            for (int i = 0; i < values.Count; i++) sum += values[random.Next(values.Count)];
            return sum / values.Count;
        }
    }

    /// <summary>Linear interpolation between closest ranks, on sorted data.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        double pos = q * (sorted.Count - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
