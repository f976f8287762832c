using OrleansConfusion.Grains.Abstractions;
using YamlDotNet.RepresentationModel;

namespace OrleansConfusion.Cli.Spec;

/// <summary>
/// The report: block, the selection `confusion report` applies, declared before the results are seen:
/// best: an axis; by: a numeric column of trials/; goal: min (default) or max.
/// </summary>
internal static class ReportSection
{
    public static readonly string[] Goals = ["min", "max"];

    public static ReportSpec? Read(SpecReader r, YamlNode node)
    {
        var f = r.Fields(node, "report", "best", "by", "goal");
        if (f is null) return null;
        var report = new ReportSpec();
        if (f.TryGetValue("best", out var best)) { r.Mark("report.best", best); report = report with { Best = r.String(best, "report.best") }; }
        if (f.TryGetValue("by", out var by)) { r.Mark("report.by", by); report = report with { By = r.String(by, "report.by") }; }
        if (f.TryGetValue("goal", out var goal) && r.Choice(goal, "report.goal", Goals) is { } g) report = report with { Goal = g };
        if (report.Best is null != report.By is null)
            r.Error(node, "report", "give both best (the axis to select on) and by (the column to judge it by), or neither");
        return report;
    }
}
