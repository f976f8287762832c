using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

/// <summary>
/// The per-sample Gram share of batch norm's affine parameters, for any input rank. In eval mode
/// y = γ x̂ + β with x̂ = (x − running mean) / √(running var + ε), so sample i's gradients are
/// Σ_t d_it ⊙ x̂_it for γ and Σ_t d_it for β, the sums over every position t past the channel axis.
/// Batch norm couples the samples of a batch in train mode, so per-sample gradients are only defined
/// in eval mode; the engine measures confusion in eval mode for every model.
/// </summary>
internal static class BatchNormGram
{
    /// <summary>x̂ of <paramref name="input"/> (M×C or M×C×…), detached, from the running statistics.</summary>
    public static Tensor Normalized(Tensor input, Tensor runningMean, Tensor runningVar, double eps)
    {
        using var noGrad = no_grad();
        var shape = new long[input.dim()];
        Array.Fill(shape, 1L);
        shape[1] = -1;
        var std = runningVar.view(shape).add(eps).sqrt();
        return input.sub(runningMean.view(shape)).div_(std).detach();
    }

    public static void Add(Tensor outputGradient, Tensor normalized, Tensor gram)
    {
        using var scope = NewDisposeScope();
        var (gGamma, gBeta) = PerSampleGradients(outputGradient, normalized);
        gram.add_(gGamma.matmul(gGamma.t())).add_(gBeta.matmul(gBeta.t()));
    }

    /// <summary>Each sample's γ and β gradients (M×C each): Σ_t d_it ⊙ x̂_it and Σ_t d_it.</summary>
    static (Tensor Gamma, Tensor Beta) PerSampleGradients(Tensor outputGradient, Tensor normalized)
    {
        var gGamma = outputGradient.mul(normalized);
        var gBeta = outputGradient;
        if (outputGradient.dim() > 2)
        {
            var positions = Enumerable.Range(2, (int)outputGradient.dim() - 2).Select(d => (long)d).ToArray();
            gGamma = gGamma.sum(positions);
            gBeta = gBeta.sum(positions);
        }
        return (gGamma, gBeta);
    }

    /// <summary>
    /// γ and β gradients of each of <paramref name="batches"/> equal consecutive runs of samples, each
    /// <paramref name="scale"/> × the sum of its samples' gradients.
    /// </summary>
    public static void WriteBatchGradients(Tensor outputGradient, Tensor normalized, int batches, double scale, IReadOnlyList<Tensor> rows)
    {
        using var scope = NewDisposeScope();
        var (gGamma, gBeta) = PerSampleGradients(outputGradient, normalized);
        long channels = gGamma.shape[1];
        rows[0].copy_(gGamma.reshape(batches, -1, channels).sum(1)).mul_(scale);
        rows[1].copy_(gBeta.reshape(batches, -1, channels).sum(1)).mul_(scale);
    }
}
