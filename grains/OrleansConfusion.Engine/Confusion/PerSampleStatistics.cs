namespace OrleansConfusion.Engine.Confusion;

/// <summary>
/// What the per-sample Gram G_ij = ⟨∇f_i, ∇f_j⟩ of M samples says: the confusion bound
/// η = −min_{i≠j} G_ij (Definition 2.1; 0 when no pair is negative, as η ≥ 0), the pairwise
/// cosines' statistics and the per-sample gradient norms.
/// </summary>
public sealed record PerSampleStatistics(
    int M,
    double Eta,
    double MinInnerProduct,
    CosineStatistics Cosines,
    double GradNormMin,
    double GradNormMedian,
    double GradNormMean,
    double GradNormMax)
{
    public static PerSampleStatistics FromGram(double[,] gram, int bins)
    {
        int m = gram.GetLength(0);
        if (m < 2 || gram.GetLength(1) != m) throw new ArgumentException("Gram must be square with M >= 2", nameof(gram));
        var norms = new double[m];
        for (int i = 0; i < m; i++) norms[i] = Math.Sqrt(Math.Max(gram[i, i], 0));
        var cosines = new List<double>(m * (m - 1) / 2);
        double minInner = double.PositiveInfinity;
        for (int i = 0; i < m; i++)
        {
            for (int j = i + 1; j < m; j++)
            {
                minInner = Math.Min(minInner, gram[i, j]);
                double denom = norms[i] * norms[j];
                cosines.Add(denom > 0 ? Math.Clamp(gram[i, j] / denom, -1, 1) : 0);
            }
        }
        var sortedNorms = norms.Order().ToArray();
        return new PerSampleStatistics(
            m,
            Math.Max(0, -minInner),
            minInner,
            CosineStatistics.From(cosines, bins),
            sortedNorms[0],
            CosineStatistics.Quantile(sortedNorms, 0.5),
            sortedNorms.Average(),
            sortedNorms[^1]);
    }
}
