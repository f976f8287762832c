using OrleansConfusion.Grains.Abstractions;
using YamlDotNet.RepresentationModel;

namespace OrleansConfusion.Cli.Spec;

/// <summary>The measurement: block: when confusion is measured and how much of it.</summary>
internal static class MeasurementSection
{
    public static MeasurementSpec Read(SpecReader r, YamlNode node)
    {
        var m = new MeasurementSpec();
        var f = r.Fields(node, "measurement", "every_n_steps", "each_epoch", "paper_pairs", "paper_batches", "paper_batch", "per_sample_m", "eval_subset", "histogram_bins");
        if (f is null) return m;
        if (f.TryGetValue("every_n_steps", out var n) && r.Int(n, "measurement.every_n_steps", 0) is { } every) m = m with { EveryNSteps = every };
        if (f.TryGetValue("each_epoch", out var e) && r.Bool(e, "measurement.each_epoch") is { } each) m = m with { EachEpoch = each };
        if (f.TryGetValue("paper_pairs", out var pp) && r.Int(pp, "measurement.paper_pairs", 0) is { } pairs) m = m with { PaperPairs = pairs };
        if (f.TryGetValue("paper_batches", out var pk) && r.Int(pk, "measurement.paper_batches", 0, OrleansConfusion.Engine.Configuration.ConfigValidator.MaxPaperBatches) is { } batches)
        {
            // One batch has no pair; 0 switches the all-pairs protocol off.
            if (batches == 1) r.Error(pk, "measurement.paper_batches", "must be 0 (off) or >= 2 (got 1)");
            else m = m with { PaperBatches = batches };
        }
        if (f.TryGetValue("paper_batch", out var pb) && r.Int(pb, "measurement.paper_batch", 1) is { } batch) m = m with { PaperBatch = batch };
        if (f.TryGetValue("per_sample_m", out var ps) && r.Int(ps, "measurement.per_sample_m", 0) is { } perSample)
        {
            // M = 1 has no pairs to compare; 0 switches the per-sample measurement off.
            if (perSample == 1) r.Error(ps, "measurement.per_sample_m", "must be 0 (off) or >= 2 (got 1)");
            else m = m with { PerSampleM = perSample };
        }
        if (f.TryGetValue("eval_subset", out var es) && r.Int(es, "measurement.eval_subset", 1) is { } eval) m = m with { EvalSubset = eval };
        if (f.TryGetValue("histogram_bins", out var hb) && r.Int(hb, "measurement.histogram_bins", 1, 1000) is { } bins) m = m with { HistogramBins = bins };
        if (!m.EachEpoch && m.EveryNSteps == 0)
            r.Error(node, "measurement", "nothing would be measured: set each_epoch: true or every_n_steps > 0");
        return m;
    }
}
