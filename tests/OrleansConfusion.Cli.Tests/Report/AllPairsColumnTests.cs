using OrleansConfusion.Cli.Report;

namespace OrleansConfusion.Cli.Tests.Report;

/// <summary>Where the all-pairs paper protocol ran, the report takes its minimum and density over the random pairs'.</summary>
public sealed class AllPairsColumnTests
{
    [Fact]
    public async Task All_pairs_statistics_are_preferred_where_present()
    {
        using var sweep = await Sweeps.PlantedWidthAsync();
        for (int i = 0; i < sweep.Metrics.Count; i++)
            sweep.Metrics[i] = sweep.Metrics[i] with { PaperAllPairsMinCosine = sweep.Metrics[i].PaperMinCosine - 0.2, PaperAllPairsHistogram = sweep.Metrics[i].PaperHistogram };
        await sweep.WriteAsync();

        var data = await SweepData.LoadAsync(sweep.Directory, CancellationToken.None);

        Assert.Equal("paper_allpairs_min_cosine", data.MinCosineColumn);
        Assert.Equal("paper_allpairs_histogram", data.HistogramColumn);
        // Each trial's curve is the all-pairs minimum, 0.2 below the random pairs' planted value.
        foreach (var trial in data.Trials)
        {
            var planted = sweep.Metrics.Where(m => m.TrialId == trial.Trial.TrialId).ToDictionary(m => m.Epoch, m => m.PaperAllPairsMinCosine!.Value);
            Assert.All(trial.MinCosineByEpoch, kv => Assert.Equal(planted[kv.Key], kv.Value, 9));
        }
    }

    [Fact]
    public async Task Random_pairs_are_used_where_all_pairs_did_not_run()
    {
        using var sweep = await Sweeps.PlantedWidthAsync();

        var data = await SweepData.LoadAsync(sweep.Directory, CancellationToken.None);

        Assert.Equal("paper_min_cosine", data.MinCosineColumn);
    }
}
