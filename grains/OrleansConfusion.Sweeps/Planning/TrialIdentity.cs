using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// Deterministic trial ids: the first 16 hex characters of SHA-256 over a canonical string of the
/// trial's whole configuration and seed. Field order is fixed and numbers use the invariant culture
/// with round-trip formatting, so the id is the same on every machine and every run. The sweep name
/// is not part of it: the same trial in a renamed sweep is still the same experiment.
/// </summary>
public static class TrialIdentity
{
    public static string Id(TrialSpec spec) => Hash(Canonical(spec));

    public static string Hash(string canonical)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(canonical), digest);
        return Convert.ToHexStringLower(digest)[..16];
    }

    /// <summary>
    /// init_scale is written only for inits that read it, so grid points differing only in an ignored
    /// scale are the same trial (the planner keeps one of them).
    /// </summary>
    public static string Canonical(TrialSpec s)
    {
        var b = new StringBuilder(512);
        var m = s.Model;
        string init = SpecNames.Normalize(m.Init);
        b.Field("architecture", SpecNames.Normalize(m.Architecture)).Field("width", m.Width).Field("depth", m.Depth)
            .Field("init", init).Field("init_scale", SpecNames.UsesScale(init) ? F(m.InitScale) : "-")
            .Field("batch_norm", m.BatchNorm).Field("skip", m.Skip)
            .Field("activation", SpecNames.Normalize(m.Activation)).Field("bias", m.Bias);
        var d = s.Dataset;
        string dataset = SpecNames.Normalize(d.Name);
        b.Field("dataset", dataset).Field("path", d.Path ?? "").Field("train_subset", d.TrainSubset)
            .Field("test_subset", d.TestSubset).Field("subset_seed", d.SubsetSeed);
        if (dataset == "sphere")
        {
            b.Field("sphere_dimension", d.SphereDimension).Field("sphere_train", d.SphereTrainSamples)
                .Field("sphere_test", d.SphereTestSamples).Field("sphere_classes", d.SphereClasses)
                .Field("sphere_labels", SpecNames.Normalize(d.SphereLabels));
        }
        var t = s.Training;
        b.Field("lr", F(t.LearningRate)).Field("momentum", F(t.Momentum)).Field("weight_decay", F(t.WeightDecay))
            .Field("batch_size", t.BatchSize).Field("epochs", t.Epochs).Field("steps", t.Steps)
            .Field("lr_decay_epochs", string.Join(',', (t.LrDecayEpochs ?? []).Select(e => e.ToString(CultureInfo.InvariantCulture))))
            .Field("lr_decay_factor", F(t.LrDecayFactor)).Field("target_loss", F(t.TargetLoss));
        var x = s.Measurement;
        b.Field("every_n_steps", x.EveryNSteps).Field("each_epoch", x.EachEpoch).Field("paper_pairs", x.PaperPairs)
            .Field("paper_batch", x.PaperBatch).Field("per_sample_m", x.PerSampleM).Field("eval_subset", x.EvalSubset)
            .Field("histogram_bins", x.HistogramBins);
        // Only when on: a spec without it keeps the trial ids (and so the resumable output) it had before.
        if (x.PaperBatches > 0) b.Field("paper_batches", x.PaperBatches);
        b.Field("seed", s.Seed);
        return b.ToString();
    }

    static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    static StringBuilder Field(this StringBuilder b, string key, string value) => b.Append(key).Append('=').Append(value).Append(';');

    static StringBuilder Field(this StringBuilder b, string key, long value) => b.Field(key, value.ToString(CultureInfo.InvariantCulture));

    static StringBuilder Field(this StringBuilder b, string key, bool value) => b.Field(key, value ? "1" : "0");
}
