namespace OrleansConfusion.Cli.Report;

/// <summary>
/// The trend table: for each finding F1–F4 of PAPER.md that the sweep's axes can test, Spearman's ρ
/// between the axis and an end-of-training statistic on every slice, a 95% bootstrap interval over
/// seeds and a verdict.
/// </summary>
internal static class TrendAnalysis
{
    public const int Resamples = 1000;
    public const int BootstrapSeed = 20200601;

    /// <summary>|ρ| at most this, with an interval containing 0, counts as "no trend".</summary>
    public const double FlatRho = 0.3;

    /// <summary>
    /// Seeds every axis value of a slice needs for a verdict other than inconclusive. With 2, a resample can
    /// only repeat or swap an axis value's two values, so the interval is far narrower than the seed noise:
    /// quick.yaml's 2 seeds gave F1 "reproduced" at ρ 0.60, [0.49, 1.00], from 6 trials.
    /// </summary>
    public const int MinSeedsForVerdict = 3;

    const string Orthogonal = "orthogonal";

    public static IReadOnlyList<TrendRow> Analyse(SweepData data)
    {
        var rows = new List<TrendRow>();
        var varying = data.VaryingAxes;
        var stats = AvailableStatistics(data);
        bool Has(TrendStatistic s) => stats.Contains(s);

        if (varying.Contains(SweepAxes.Width))
            foreach (var slice in Slice.Along(data.Trials, SweepAxes.Width, varying).Where(s => s.FixedValue(SweepAxes.Init) != Orthogonal))
            {
                if (Has(TrendStatistic.FinalMinCosine)) rows.Add(Row("F1", "wider: less confusion", slice, TrendStatistic.FinalMinCosine, TrendExpectation.Increasing));
                if (Has(TrendStatistic.FinalEta)) rows.Add(Row("F1", "wider: less confusion", slice, TrendStatistic.FinalEta, TrendExpectation.Decreasing));
                if (Has(TrendStatistic.FinalPerSampleMinCosine)) rows.Add(Row("F1", "wider: less confusion", slice, TrendStatistic.FinalPerSampleMinCosine, TrendExpectation.Increasing));
                if (Has(TrendStatistic.FinalTrainLoss)) rows.Add(Row("F1", "wider: trains faster", slice, TrendStatistic.FinalTrainLoss, TrendExpectation.Decreasing));
                if (Has(TrendStatistic.StepsToTargetLoss)) rows.Add(Row("F1", "wider: trains faster", slice, TrendStatistic.StepsToTargetLoss, TrendExpectation.Decreasing));
            }

        if (varying.Contains(SweepAxes.Depth))
        {
            var depthSlices = Slice.Along(data.Trials, SweepAxes.Depth, varying);
            foreach (var slice in depthSlices.Where(s => s.FixedValue(SweepAxes.Init) != Orthogonal && !BothOn(s)))
            {
                if (Has(TrendStatistic.FinalMinCosine)) rows.Add(Row("F2", "deeper: more confusion", slice, TrendStatistic.FinalMinCosine, TrendExpectation.Decreasing));
                if (Has(TrendStatistic.FinalEta)) rows.Add(Row("F2", "deeper: more confusion", slice, TrendStatistic.FinalEta, TrendExpectation.Increasing));
                if (Has(TrendStatistic.FinalPerSampleMinCosine)) rows.Add(Row("F2", "deeper: more confusion", slice, TrendStatistic.FinalPerSampleMinCosine, TrendExpectation.Decreasing));
                if (Has(TrendStatistic.FinalTrainLoss)) rows.Add(Row("F2", "deeper: trains slower", slice, TrendStatistic.FinalTrainLoss, TrendExpectation.Increasing));
                if (Has(TrendStatistic.StepsToTargetLoss)) rows.Add(Row("F2", "deeper: trains slower", slice, TrendStatistic.StepsToTargetLoss, TrendExpectation.Increasing));
            }

            // F3: deep linear networks. The orthogonal rows carry the claim; other inits are the contrast.
            foreach (var slice in depthSlices.Where(s => s.FixedValue(SweepAxes.Activation) == "identity")
                         .OrderBy(s => s.FixedValue(SweepAxes.Init) == Orthogonal ? 0 : 1))
            {
                bool orthogonal = slice.FixedValue(SweepAxes.Init) == Orthogonal;
                string claim = orthogonal ? "linear, orthogonal init: depth-independent" : $"contrast: linear, {slice.FixedValue(SweepAxes.Init)} init";
                if (Has(TrendStatistic.FinalEta)) rows.Add(Row("F3", claim, slice, TrendStatistic.FinalEta, orthogonal ? TrendExpectation.Flat : TrendExpectation.Increasing));
                if (Has(TrendStatistic.FinalPerSampleMinCosine)) rows.Add(Row("F3", claim, slice, TrendStatistic.FinalPerSampleMinCosine, orthogonal ? TrendExpectation.Flat : TrendExpectation.Decreasing));
                if (Has(TrendStatistic.FinalMinCosine)) rows.Add(Row("F3", claim, slice, TrendStatistic.FinalMinCosine, orthogonal ? TrendExpectation.Flat : TrendExpectation.Decreasing));
            }

            // F4: only when the sweep crosses batch norm with skip connections.
            if (varying.Contains(SweepAxes.BatchNorm) && varying.Contains(SweepAxes.Skip))
                foreach (var slice in depthSlices.Where(s => s.FixedValue(SweepAxes.Init) != Orthogonal).OrderBy(s => BothOn(s) ? 0 : 1))
                {
                    bool both = BothOn(slice);
                    string claim = both ? "bn + skip: confusion stays low with depth" : $"contrast: {Combination(slice)}";
                    if (Has(TrendStatistic.FinalEta)) rows.Add(Row("F4", claim, slice, TrendStatistic.FinalEta, both ? TrendExpectation.Flat : TrendExpectation.Increasing));
                    if (Has(TrendStatistic.FinalPerSampleMinCosine)) rows.Add(Row("F4", claim, slice, TrendStatistic.FinalPerSampleMinCosine, both ? TrendExpectation.Flat : TrendExpectation.Decreasing));
                    if (Has(TrendStatistic.FinalMinCosine)) rows.Add(Row("F4", claim, slice, TrendStatistic.FinalMinCosine, both ? TrendExpectation.Flat : TrendExpectation.Decreasing));
                }
        }
        // F4, "each alone helps": switching batch norm (or skip) on lowers confusion, at the deepest depth.
        foreach (string axis in new[] { SweepAxes.BatchNorm, SweepAxes.Skip }.Where(varying.Contains))
        {
            var deepest = Slice.Along(data.Trials, axis, varying)
                .Where(s => s.FixedValue(SweepAxes.Init) != Orthogonal)
                .GroupBy(s => string.Join("|", s.Fixed.Where(kv => kv.Key != SweepAxes.Depth).Select(kv => $"{kv.Key}={kv.Value}")))
                .Select(g => g.OrderByDescending(s => SweepAxes.Numeric(SweepAxes.Depth, s.FixedValue(SweepAxes.Depth))).First());
            string claim = axis == SweepAxes.BatchNorm ? "batch norm on: less confusion (deepest)" : "skip on: less confusion (deepest)";
            foreach (var slice in deepest)
            {
                if (Has(TrendStatistic.FinalEta)) rows.Add(Row("F4", claim, slice, TrendStatistic.FinalEta, TrendExpectation.Decreasing));
                if (Has(TrendStatistic.FinalPerSampleMinCosine)) rows.Add(Row("F4", claim, slice, TrendStatistic.FinalPerSampleMinCosine, TrendExpectation.Increasing));
                if (Has(TrendStatistic.FinalMinCosine)) rows.Add(Row("F4", claim, slice, TrendStatistic.FinalMinCosine, TrendExpectation.Increasing));
            }
        }
        return rows;
    }

    /// <summary>Says which rows are inconclusive only for want of seeds, and how many would do.</summary>
    public static IReadOnlyList<string> Notes(IReadOnlyList<TrendRow> rows)
    {
        var few = rows.Where(r => r.AxisValues >= 2 && r.MinSeeds < MinSeedsForVerdict).ToList();
        if (few.Count == 0) return [];
        return
        [
            $"{few.Count} of {rows.Count} trend row(s) are inconclusive because some axis value has fewer than {MinSeedsForVerdict} seeds " +
            $"(fewest here: {few.Min(r => r.MinSeeds)}); a verdict needs at least {MinSeedsForVerdict} per axis value. " +
            $"Their ρ and interval are shown but not judged. Rerun with more seeds (e.g. seeds: {{count: {MinSeedsForVerdict}}}) for a verdict.",
        ];
    }

    static HashSet<TrendStatistic> AvailableStatistics(SweepData data)
    {
        var set = new HashSet<TrendStatistic>();
        foreach (var s in Enum.GetValues<TrendStatistic>())
            if (data.Trials.Any(t => t.Statistic(s) is not null)) set.Add(s);
        return set;
    }

    static bool BothOn(Slice s) => s.FixedValue(SweepAxes.BatchNorm) == "true" && s.FixedValue(SweepAxes.Skip) == "true";

    public static string Combination(Slice s) => (s.FixedValue(SweepAxes.BatchNorm) == "true", s.FixedValue(SweepAxes.Skip) == "true") switch
    {
        (true, true) => "bn + skip",
        (true, false) => "bn only",
        (false, true) => "skip only",
        _ => "plain",
    };

    public static TrendRow Row(string finding, string claim, Slice slice, TrendStatistic statistic, TrendExpectation expected)
    {
        var groups = slice.Groups
            .Select(g => (Axis: g.Numeric, Values: (IReadOnlyList<double>)[.. g.Trials.Select(t => t.Statistic(statistic)).OfType<double>()]))
            .Where(g => g.Values.Count > 0 && !double.IsNaN(g.Axis))
            .ToList();
        int trials = groups.Sum(g => g.Values.Count);
        int minSeeds = groups.Count == 0 ? 0 : groups.Min(g => g.Values.Count);
        var result = groups.Count >= 2
            ? RankStatistics.SpearmanBootstrap(groups, Resamples, BootstrapSeed)
            : new BootstrapResult(double.NaN, double.NaN, double.NaN, 0);
        var verdict = Decide(expected, result, groups.Count, minSeeds);
        var effect = RankStatistics.ExtremeDifferenceBootstrap(groups, Resamples, BootstrapSeed);
        return new TrendRow(finding, claim, slice.Axis, statistic, slice.HeldFixed, expected, trials, groups.Count, minSeeds,
            result.Rho, result.Low, result.High, verdict, effect.Difference, effect.Low, effect.High);
    }

    /// <summary>
    /// Increasing/Decreasing: the interval excludes 0 on the expected side → reproduced, on the other
    /// side → not reproduced, else inconclusive. Flat: the interval contains 0 and |ρ| ≤ <see cref="FlatRho"/>
    /// → reproduced; it excludes 0 → not reproduced; else inconclusive. Fewer than two axis values, or
    /// fewer than <see cref="MinSeedsForVerdict"/> seeds at some axis value: inconclusive.
    /// </summary>
    public static TrendVerdict Decide(TrendExpectation expected, BootstrapResult r, int axisValues, int minSeeds)
    {
        if (axisValues < 2 || minSeeds < MinSeedsForVerdict || double.IsNaN(r.Rho) || double.IsNaN(r.Low) || double.IsNaN(r.High))
            return TrendVerdict.Inconclusive;
        bool above = r.Low > 0, below = r.High < 0;
        return expected switch
        {
            TrendExpectation.Increasing => above ? TrendVerdict.Reproduced : below ? TrendVerdict.NotReproduced : TrendVerdict.Inconclusive,
            TrendExpectation.Decreasing => below ? TrendVerdict.Reproduced : above ? TrendVerdict.NotReproduced : TrendVerdict.Inconclusive,
            _ => above || below ? TrendVerdict.NotReproduced : Math.Abs(r.Rho) <= FlatRho ? TrendVerdict.Reproduced : TrendVerdict.Inconclusive,
        };
    }
}
