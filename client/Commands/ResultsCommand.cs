using System.CommandLine;
using System.Text.Json;
using OrleansConfusion.Cli.Results;
using OrleansConfusion.Cli.Views;
using Spectre.Console;

namespace OrleansConfusion.Cli.Commands;

/// <summary>`confusion results`: the summary table of a sweep, finished or running (the parts sealed so far), read from its Parquet dataset (no cluster needed).</summary>
public sealed class ResultsCommand : BaseCommand
{
    readonly ParquetResultsReader _reader;
    readonly CliOutput _output;
    readonly Argument<string> _sweep = new("sweep") { Description = "Sweep id (the spec's name), or the path of its output folder" };
    readonly Option<string> _out = new("--out", "-o") { Description = "Root output directory holding <sweep>/", DefaultValueFactory = _ => "runs" };
    readonly Option<bool> _json = new("--json") { Description = "Print the results as JSON" };

    public ResultsCommand(ParquetResultsReader reader, CliOutput output)
        : base("results", "Print a sweep's summary table from its dataset, <out>/<sweep>/trials/ and metrics/ (running or ended).", output)
    {
        (_reader, _output) = (reader, output);
        Add(_sweep);
        Add(_out);
        Add(_json);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        string sweep = parseResult.GetRequiredValue(_sweep);
        string directory = Directory.Exists(sweep) && DatasetFiles.Of(sweep, DatasetLayout.Trials).Count > 0
            ? sweep : Path.Combine(parseResult.GetValue(_out) ?? "runs", sweep);
        if (!Directory.Exists(directory))
        {
            _output.Fail($"no sweep folder at {directory} (is --out right?)");
            return ExitCodes.BadInput;
        }
        SweepResults results;
        try
        {
            results = await _reader.ReadAsync(Path.GetFullPath(directory), cancellationToken);
        }
        catch (FileNotFoundException e)
        {
            _output.Fail($"{e.Message} (a part appears once a trial finishes and its part is sealed, within a minute; is --out right?)");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException)
        {
            _output.Fail($"cannot read the results in {directory}: {e.Message}");
            return ExitCodes.Failure;
        }
        if (parseResult.GetValue(_json))
        {
            var json = new SweepResultsJson(results.TrialsFile, results.MetricsFile, results.MeasurementRows, results.Trials);
            _output.Out.WriteLine(JsonSerializer.Serialize(json, CliJsonContext.Default.SweepResultsJson));
            return ExitCodes.Ok;
        }
        _output.Out.Write(SummaryTable.Build(results.Trials));
        _output.Out.MarkupLine($"[bold]trials:[/]  {results.TrialsFile.EscapeMarkup()} ({results.Trials.Count} rows)");
        _output.Out.MarkupLine($"[bold]metrics:[/] {results.MetricsFile.EscapeMarkup()} ({results.MeasurementRows} rows)");
        return ExitCodes.Ok;
    }
}
