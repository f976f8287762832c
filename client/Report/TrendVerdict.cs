namespace OrleansConfusion.Cli.Report;

public enum TrendVerdict
{
    Reproduced,
    NotReproduced,
    Inconclusive,
}
