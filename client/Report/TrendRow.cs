using System.Globalization;

namespace OrleansConfusion.Cli.Report;

/// <summary>
/// One line of the trend table: a finding's claim about one statistic along one axis, on one slice
/// of the sweep (the other axes held fixed), with Spearman's ρ, its seed-bootstrap interval and a verdict,
/// and the effect size: the statistic's mean at the largest axis value minus at the smallest, with its
/// seed-bootstrap interval.
/// </summary>
public sealed record TrendRow(
    string Finding,
    string Claim,
    string Axis,
    TrendStatistic Statistic,
    string HeldFixed,
    TrendExpectation Expected,
    int Trials,
    int AxisValues,
    int MinSeeds,
    double Rho,
    double CiLow,
    double CiHigh,
    TrendVerdict Verdict,
    double Effect = double.NaN,
    double EffectLow = double.NaN,
    double EffectHigh = double.NaN)
{
    /// <summary>The effect size and its interval, e.g. "+0.12 [0.05, 0.20]"; "n/a" when undefined.</summary>
    public string EffectText => double.IsNaN(Effect) ? "n/a"
        : Effect.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture) +
          (double.IsNaN(EffectLow) ? "" : $" [{EffectLow.ToString("0.000", CultureInfo.InvariantCulture)}, {EffectHigh.ToString("0.000", CultureInfo.InvariantCulture)}]");

    public string StatisticText => Statistic switch
    {
        TrendStatistic.FinalMinCosine => "final min cosine",
        TrendStatistic.FinalEta => "final η",
        TrendStatistic.FinalPerSampleMinCosine => "final per-sample min cosine",
        TrendStatistic.FinalTrainLoss => "final train loss",
        TrendStatistic.StepsToTargetLoss => "steps to target loss (not reached: trained + 1)",
        _ => Statistic.ToString(),
    };

    public string ExpectedText => Expected switch
    {
        TrendExpectation.Increasing => "+",
        TrendExpectation.Decreasing => "-",
        _ => "none",
    };

    public string VerdictText => Verdict switch
    {
        TrendVerdict.Reproduced => "reproduced",
        TrendVerdict.NotReproduced => "not reproduced",
        _ => "inconclusive",
    };

    public static string Number(double value) =>
        double.IsNaN(value) ? "n/a" : value.ToString("0.00", CultureInfo.InvariantCulture);
}
