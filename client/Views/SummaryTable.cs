using OrleansConfusion.Cli.Results;
using Spectre.Console;

namespace OrleansConfusion.Cli.Views;

/// <summary>The end-of-sweep table: one row per trial, its outcome and its last confusion measurement.</summary>
public static class SummaryTable
{
    public static Table Build(IReadOnlyList<TrialSummary> trials)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Trial").AddColumn("Status")
            .AddColumn(new TableColumn("Final loss").RightAligned())
            .AddColumn(new TableColumn("Train acc").RightAligned())
            .AddColumn(new TableColumn("Test acc").RightAligned())
            .AddColumn(new TableColumn("Min cos").RightAligned())
            .AddColumn(new TableColumn("Min cos (M)").RightAligned())
            .AddColumn(new TableColumn("η").RightAligned());
        foreach (var t in trials)
        {
            table.AddRow(
                t.Label.EscapeMarkup(),
                StatusMarkup(t.Status, t.Error),
                Format.Number(t.FinalLoss),
                Format.Percent(t.FinalAccuracy),
                Format.Percent(t.FinalTestAccuracy),
                Format.Number(t.MinCosine),
                Format.Number(t.PerSampleMinCosine),
                Format.Number(t.Eta));
        }
        return table;
    }

    static string StatusMarkup(string status, string? error)
    {
        string color = status switch { "completed" => "green", "diverged" => "yellow", "failed" => "red", _ => "grey" };
        string text = $"[{color}]{status.EscapeMarkup()}[/]";
        return string.IsNullOrEmpty(error) ? text : $"{text} [grey]({Truncate(error, 60).EscapeMarkup()})[/]";
    }

    static string Truncate(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}
