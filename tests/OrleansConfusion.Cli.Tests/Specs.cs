namespace OrleansConfusion.Cli.Tests;

/// <summary>Spec texts for the tests: a tiny valid sweep that bad-spec cases edit one line of.</summary>
public static class Specs
{
    /// <summary>Sphere data, widths 4 and 8, one seed, one epoch: two trials that train in about a second each.</summary>
    public const string Tiny = """
        name: tiny
        dataset:
          name: sphere
          sphere: {dimension: 8, train_samples: 64, test_samples: 32, classes: 3}
        grid:
          architecture: mlp
          width: [4, 8]
          depth: 1
          init: he_normal
        seeds: [0]
        training:
          lr: 0.1
          batch_size: 16
          epochs: 1
        measurement:
          paper_pairs: 4
          paper_batch: 8
          per_sample_m: 8
          eval_subset: 32
          histogram_bins: 5
        """;

    /// <summary><see cref="Tiny"/> with one exact piece of text replaced (which must exist).</summary>
    public static string TinyWith(string find, string replace)
    {
        if (!Tiny.Contains(find, StringComparison.Ordinal)) throw new ArgumentException($"'{find}' is not in the tiny spec", nameof(find));
        return Tiny.Replace(find, replace, StringComparison.Ordinal);
    }
}
