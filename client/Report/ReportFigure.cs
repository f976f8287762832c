namespace OrleansConfusion.Cli.Report;

/// <summary>A figure written into the report folder: its file name and the caption used in report.md.</summary>
internal sealed record ReportFigure(string File, string Caption);
