namespace OrleansConfusion.Cli.Report;

/// <summary>What <see cref="SweepReport.Generate"/> wrote. Paths are absolute, inside <see cref="OutputDirectory"/>.</summary>
public sealed record ReportResult(
    string OutputDirectory,
    string MarkdownPath,
    string CsvPath,
    IReadOnlyList<string> Figures,
    IReadOnlyList<TrendRow> Trends,
    IReadOnlyList<string> Notes);
