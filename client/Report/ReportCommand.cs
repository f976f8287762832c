using System.CommandLine;
using OrleansConfusion.Cli.Commands;
using Spectre.Console;

namespace OrleansConfusion.Cli.Report;

/// <summary>
/// <c>confusion report &lt;sweep-dir&gt; [--out|-o DIR]</c>. Exit codes: 0 written, 1 failed while writing,
/// 2 bad input (missing folder or files, another schema, an empty sweep, an unusable --out).
/// Results (the trend table, the paths written) go to <see cref="CliOutput.Out"/>, errors to
/// <see cref="CliOutput.Error"/>. Register it like the other commands (<c>services.AddSingleton&lt;ReportCommand&gt;()</c>
/// and <c>Add(report)</c> in the root command), or with <see cref="Create"/> where there is no container.
/// </summary>
public sealed class ReportCommand : Command
{
    readonly CliOutput _output;

    readonly Argument<string> _sweepDir = new("sweep-dir")
    {
        Description = "A sweep's output folder (<output_dir>/<sweep>), holding its dataset trials/ and metrics/ (running or finished), or an older version's trials.parquet and metrics.parquet.",
    };

    readonly Option<string?> _out = new("--out", "-o")
    {
        Description = $"Where to write the report (figures, report.md, trends.csv). Default: <sweep-dir>/{SweepReport.DefaultOutputFolder}.",
        HelpName = "DIR",
    };

    readonly Option<string?> _best = new("--best")
    {
        Description = "Before the trends, keep in every cell of the other axes the value of this axis (e.g. lr) that is best by --by. " +
                      "Default: the selection the sweep's spec declared (report: {best, by}), if any.",
        HelpName = "AXIS",
    };

    readonly Option<string?> _by = new("--by")
    {
        Description = "The trials/ column --best judges by, as the mean over seeds: COLUMN (lower is better) or COLUMN:max (higher is better).",
        HelpName = "COLUMN[:min|max]",
    };

    public ReportCommand(CliOutput output)
        : base("report", "Plot a finished sweep's gradient confusion and test findings F1–F4 (reads only the Parquet files).")
    {
        _output = output;
        Arguments.Add(_sweepDir);
        Options.Add(_out);
        Options.Add(_best);
        Options.Add(_by);
        SetAction(ExecuteAsync);
    }

    /// <summary>The command writing both results and errors to one console.</summary>
    public static ReportCommand Create(IAnsiConsole console) => new(new CliOutput(console, console));

    public async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        string sweepDir = parseResult.GetValue(_sweepDir) ?? "";
        string? outDir = parseResult.GetValue(_out);
        string? best = parseResult.GetValue(_best), by = parseResult.GetValue(_by);
        if (best is null != by is null)
        {
            _output.Fail("--best and --by go together: --best AXIS --by COLUMN[:min|max], e.g. --best lr --by final_loss");
            return ExitCodes.BadInput;
        }
        (string, string, string)? selection = null;
        if (best is not null)
        {
            string[] parts = by!.Split(':');
            selection = (best, parts[0], parts.Length > 1 ? parts[1] : "min");
        }
        ReportResult result;
        try
        {
            result = await SweepReport.GenerateAsync(sweepDir, outDir, selection, cancellationToken);
        }
        catch (ReportInputException e)
        {
            _output.Fail(e.Message);
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            _output.Warn("interrupted: no report written");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _output.Fail($"report failed, nothing written: {e.GetType().Name}: {e.Message}");
            return ExitCodes.Failure;
        }
        Render(result);
        return ExitCodes.Ok;
    }

    void Render(ReportResult result)
    {
        if (result.Trends.Count > 0)
        {
            var table = new Table().Title("Trends (findings F1–F4)");
            foreach (string column in new[] { "Finding", "Trend", "Held fixed", "Expected", "ρ [95% CI]", "Effect [95% CI]", "Verdict" })
                table.AddColumn(Markup.Escape(column));
            foreach (var r in result.Trends)
            {
                string colour = r.Verdict switch
                {
                    TrendVerdict.Reproduced => "green",
                    TrendVerdict.NotReproduced => "red",
                    _ => "yellow",
                };
                string interval = double.IsNaN(r.CiLow) ? "" : $" [{TrendRow.Number(r.CiLow)}, {TrendRow.Number(r.CiHigh)}]";
                table.AddRow(
                    Markup.Escape(r.Finding), Markup.Escape($"{r.StatisticText} vs {r.Axis}"),
                    Markup.Escape(r.HeldFixed.Length > 0 ? r.HeldFixed : "-"), r.ExpectedText,
                    Markup.Escape(TrendRow.Number(r.Rho) + interval), Markup.Escape(r.EffectText), $"[{colour}]{r.VerdictText}[/]");
            }
            _output.Out.Write(table);
        }
        foreach (string note in result.Notes) _output.Out.MarkupLine($"[grey]note:[/] {Markup.Escape(note)}");
        _output.Out.MarkupLine($"Wrote {result.Figures.Count} figure(s) as PNG and SVG, {Markup.Escape(ReportWriter.CsvFile)} and [bold]{Markup.Escape(result.MarkdownPath)}[/]");
    }
}
