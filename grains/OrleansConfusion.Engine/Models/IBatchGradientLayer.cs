using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

/// <summary>
/// A Gram layer that can also give the mean-loss gradients of several mini-batches from one recorded pass over
/// all their samples (the all-pairs paper protocol): the forward and input-gradient passes then run at batch G·B,
/// where matmuls are faster than at B, and only the weight gradients are taken batch by batch. Valid in eval mode,
/// where no layer couples the samples of a pass, so the samples of one batch give exactly that batch's gradient.
/// </summary>
public interface IBatchGradientLayer : IPerSampleGradientLayer
{
    /// <summary>The parameters whose gradients <see cref="WriteBatchGradients"/> writes, in that order.</summary>
    IReadOnlyList<Tensor> BatchGradientParameters { get; }

    /// <summary>
    /// Writes, for each of <paramref name="batches"/> equal consecutive runs of the recorded samples,
    /// <paramref name="scale"/> × the sum of their gradients into <paramref name="rows"/>: one
    /// (batches × numel) tensor per parameter of <see cref="BatchGradientParameters"/>.
    /// </summary>
    void WriteBatchGradients(Tensor outputGradient, int batches, double scale, IReadOnlyList<Tensor> rows);
}
