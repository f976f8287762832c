namespace OrleansConfusion.Cli.Tests.Report;

/// <summary>The synthetic sweeps the report tests share.</summary>
public static class Sweeps
{
    public static readonly int[] Widths = [16, 64, 256];

    /// <summary>3 widths × 3 seeds (or the seeds given) × epochs 0..4, wider = less confusion and lower loss, plus small noise.</summary>
    public static async Task<SyntheticSweep> PlantedWidthAsync(long[]? seeds = null)
    {
        var sweep = new SyntheticSweep("planted-width");
        foreach (int width in Widths)
            sweep.AddTrials(SyntheticSweep.Trial with { Width = width, Depth = 2 }, seeds ?? [0, 1, 2], 4, (t, epoch) =>
            {
                double log = Math.Log2(t.Width);
                return new Planted(
                    MinCosine: -0.9 + 0.08 * log + 0.01 * epoch + SyntheticSweep.Noise(t.Seed, t.Width, 0.01),
                    Eta: 4.0 / Math.Sqrt(t.Width) + SyntheticSweep.Noise(t.Seed, t.Width + 1, 0.005),
                    Loss: (1 + 8.0 / t.Width) * Math.Exp(-0.3 * epoch) + SyntheticSweep.Noise(t.Seed, t.Width + 2, 0.01));
            });
        await sweep.WriteAsync();
        return sweep;
    }

    /// <summary>3 widths × 5 seeds; every width sees the same values in a different seed order: no trend at all.</summary>
    public static async Task<SyntheticSweep> PureNoiseAsync()
    {
        var sweep = new SyntheticSweep("pure-noise");
        for (int i = 0; i < Widths.Length; i++)
        {
            int salt = i;
            sweep.AddTrials(SyntheticSweep.Trial with { Width = Widths[i], Depth = 2 }, [0, 1, 2, 3, 4], 4, (t, epoch) => new Planted(
                MinCosine: -0.4 + SyntheticSweep.Noise(t.Seed, salt, 0.1),
                Eta: 0.5 + SyntheticSweep.Noise(t.Seed, salt + 1, 0.1),
                Loss: 1 + SyntheticSweep.Noise(t.Seed, salt + 2, 0.1)));
        }
        await sweep.WriteAsync();
        return sweep;
    }

    /// <summary>
    /// depth {2,4,8} × batch norm × skip × 3 seeds (F2, F4): confusion grows with depth unless both are on.
    /// With flat = true for bn + skip, all depths see the same values (no trend).
    /// </summary>
    public static async Task<SyntheticSweep> BatchNormSkipAsync()
    {
        var sweep = new SyntheticSweep("bn-skip");
        foreach (int depth in new[] { 2, 4, 8 })
            foreach (bool bn in new[] { false, true })
                foreach (bool skip in new[] { false, true })
                    sweep.AddTrials(SyntheticSweep.Trial with { Width = 32, Depth = depth, BatchNorm = bn, Skip = skip }, [0, 1, 2], 3, (t, epoch) =>
                    {
                        bool flat = t.BatchNorm && t.Skip;
                        double growth = flat ? 0 : (t.BatchNorm || t.Skip ? 0.05 : 0.1) * t.Depth;
                        int salt = flat ? 0 : t.Depth;
                        return new Planted(
                            MinCosine: -0.3 - growth + SyntheticSweep.Noise(t.Seed, salt, 0.01),
                            Eta: 0.2 + growth + SyntheticSweep.Noise(t.Seed, salt, 0.01),
                            Loss: (0.5 + growth) * Math.Exp(-0.3 * epoch));
                    });
        await sweep.WriteAsync();
        return sweep;
    }

    /// <summary>Deep linear networks (F3): orthogonal init is flat in depth, gaussian init grows.</summary>
    public static async Task<SyntheticSweep> LinearInitAsync()
    {
        var sweep = new SyntheticSweep("linear-init");
        foreach (string init in new[] { "gaussian", "orthogonal" })
            foreach (int depth in new[] { 2, 4, 8 })
                sweep.AddTrials(SyntheticSweep.Trial with { Width = 32, Depth = depth, Init = init, Activation = "identity", Bias = false }, [0, 1, 2], 3, (t, epoch) =>
                {
                    bool orthogonal = t.Init == "orthogonal";
                    double growth = orthogonal ? 0 : 0.1 * t.Depth;
                    int salt = orthogonal ? 0 : t.Depth;
                    return new Planted(
                        MinCosine: -0.3 - growth + SyntheticSweep.Noise(t.Seed, salt, 0.01),
                        Eta: 0.2 + growth + SyntheticSweep.Noise(t.Seed, salt, 0.01),
                        Loss: 0.5 * Math.Exp(-0.3 * epoch));
                });
        await sweep.WriteAsync();
        return sweep;
    }
}
