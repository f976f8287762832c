using System.Globalization;

namespace OrleansConfusion.Cli.Report;

/// <summary>
/// One line of the trend table: a finding's claim about one statistic along one axis, on one slice
/// of the sweep (the other axes held fixed), with Spearman's ρ, its seed-bootstrap interval and a verdict.
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
    TrendVerdict Verdict)
{
    public string StatisticText => Statistic switch
    {
        TrendStatistic.FinalMinCosine => "final min cosine",
        TrendStatistic.FinalEta => "final η",
        TrendStatistic.FinalPerSampleMinCosine => "final per-sample min cosine",
        TrendStatistic.FinalTrainLoss => "final train loss",
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
