using OrleansConfusion.Grains.Abstractions;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace OrleansConfusion.Cli.Views;

/// <summary>A one-shot picture of a sweep: counts by state, then the running trials.</summary>
public static class StatusTable
{
    public static IRenderable Build(SweepStatus status)
    {
        var counts = new Grid().AddColumn().AddColumn();
        counts.AddRow("[bold]Sweep[/]", status.SweepId.EscapeMarkup());
        counts.AddRow("[bold]State[/]", status.State.ToString().ToLowerInvariant());
        counts.AddRow("[bold]Trials[/]",
            $"{status.Finished}/{status.Total} finished: {status.Completed} completed, {status.Diverged} diverged, " +
            $"{status.Failed} failed, {status.Cancelled} cancelled; {status.Running} running, {status.Queued} queued");
        counts.AddRow("[bold]Measurements[/]", status.MeasurementRows.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (status.OutputDirectory.Length > 0) counts.AddRow("[bold]Output[/]", status.OutputDirectory.EscapeMarkup());
        if (status.ActiveTrials.Length == 0) return counts;

        var running = new Table().Border(TableBorder.Rounded)
            .AddColumn("Running trial").AddColumn(new TableColumn("Step").RightAligned())
            .AddColumn(new TableColumn("Epoch").RightAligned()).AddColumn(new TableColumn("Loss").RightAligned())
            .AddColumn(new TableColumn("Steps/s").RightAligned()).AddColumn("Silo");
        foreach (var t in status.ActiveTrials)
            running.AddRow(TrialLabel(t).EscapeMarkup(), $"{t.Step}/{t.TotalSteps}", t.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Format.Number(t.LastLoss), Format.Number(t.StepsPerSecond, "0.0"), (t.Silo ?? "–").EscapeMarkup());
        return new Rows(counts, running);
    }

    public static string TrialLabel(TrialStatus t) => t.Label.Length > 0 ? t.Label : t.TrialId;
}
