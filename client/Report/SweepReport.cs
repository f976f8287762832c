namespace OrleansConfusion.Cli.Report;

/// <summary>
/// <c>confusion report</c>: reads a sweep output folder (its trials/ and metrics/ parts) and writes
/// figures, report.md and trends.csv. The report is built in a temporary sibling folder and moved into
/// place at the end, so a failure never leaves a half-written report.
/// </summary>
public static class SweepReport
{
    public const string DefaultOutputFolder = "report";

    public static ReportResult Generate(string sweepDir, string outDir) =>
        GenerateAsync(sweepDir, outDir, CancellationToken.None).GetAwaiter().GetResult();

    public static Task<ReportResult> GenerateAsync(string sweepDir, string? outDir, CancellationToken cancellationToken) =>
        GenerateAsync(sweepDir, outDir, null, cancellationToken);

    /// <param name="selection">--best/--by from the command line; null: the selection the sweep's spec declared, if any.</param>
    /// <exception cref="ReportInputException">The input is missing, of another schema or empty, or the output folder is unusable.</exception>
    public static async Task<ReportResult> GenerateAsync(string sweepDir, string? outDir, (string Best, string By, string Goal)? selection, CancellationToken cancellationToken)
    {
        var data = await SweepData.LoadAsync(sweepDir, selection, cancellationToken);
        string output = Path.GetFullPath(outDir ?? Path.Combine(data.Directory, DefaultOutputFolder));
        CheckOutput(output);

        string parent = Path.GetDirectoryName(output) ?? throw new ReportInputException(output, "cannot write a report at the file system root");
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{Path.GetFileName(output)}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var trends = TrendAnalysis.Analyse(data);
            var figures = new ReportFigures(data, staging);
            figures.DrawAll();
            cancellationToken.ThrowIfCancellationRequested();
            var notes = data.Notes.Concat(TrendAnalysis.Notes(trends)).Concat(figures.Notes).ToList();
            ReportWriter.WriteCsv(Path.Combine(staging, ReportWriter.CsvFile), trends);
            ReportWriter.WriteMarkdown(Path.Combine(staging, ReportWriter.MarkdownFile), data, trends, figures.Figures, notes);

            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
            Directory.Move(staging, output);
            return new ReportResult(
                output,
                Path.Combine(output, ReportWriter.MarkdownFile),
                Path.Combine(output, ReportWriter.CsvFile),
                [.. figures.Figures.Select(f => Path.Combine(output, f.File))],
                trends,
                notes);
        }
        catch
        {
            TryDelete(staging);
            throw;
        }
    }

    /// <summary>An existing output folder is replaced only if it is empty or holds an earlier report.</summary>
    static void CheckOutput(string output)
    {
        if (File.Exists(output)) throw new ReportInputException(output, "--out names a file, not a folder");
        if (Directory.Exists(output)
            && Directory.EnumerateFileSystemEntries(output).Any()
            && !File.Exists(Path.Combine(output, ReportWriter.MarkdownFile)))
            throw new ReportInputException(output, $"exists and is not a report folder (no {ReportWriter.MarkdownFile}); choose another --out");
    }

    static void TryDelete(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
