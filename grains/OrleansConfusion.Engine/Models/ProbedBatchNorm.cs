using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

/// <summary>
/// Batch norm whose affine parameters report their per-sample Gram (<see cref="BatchNormGram"/>). Batch norm
/// couples the samples of a batch in train mode, so per-sample gradients are only defined in eval mode
/// (running statistics); the engine measures confusion in eval mode for every model. The 1-D (MLP) and 2-D
/// (image) forms differ only in their TorchSharp module, which each keeps as its own field "bn", so its
/// parameters keep their names in checkpoints.
/// </summary>
public abstract class ProbedBatchNorm(string name) : nn.Module<Tensor, Tensor>(name), IBatchGradientLayer
{
    private Tensor? _normalized;
    private Tensor? _output;

    public bool Recording { get; set; }
    public Tensor? RecordedOutput => _output;

    /// <summary>The wrapped batch norm's forward pass.</summary>
    protected abstract Tensor Normalize(Tensor input);

    /// <summary>Its running mean and variance and ε, which eval mode normalises with.</summary>
    protected abstract (Tensor Mean, Tensor Variance, double Eps) RunningStatistics { get; }

    /// <summary>Its affine parameters γ and β.</summary>
    protected abstract (Tensor Gamma, Tensor Beta) Affine { get; }

    public IReadOnlyList<Tensor> BatchGradientParameters => [Affine.Gamma, Affine.Beta];

    public override Tensor forward(Tensor input)
    {
        var output = Normalize(input);
        if (Recording)
        {
            if (training)
                throw new InvalidOperationException("per-sample gradients of batch norm are measured in eval mode only");
            var (mean, variance, eps) = RunningStatistics;
            _normalized = BatchNormGram.Normalized(input, mean, variance, eps);
            _output = output.alias();
        }
        return output;
    }

    public void AddGram(Tensor outputGradient, Tensor gram) =>
        BatchNormGram.Add(outputGradient, _normalized ?? throw new InvalidOperationException("no recorded forward pass"), gram);

    public void WriteBatchGradients(Tensor outputGradient, int batches, double scale, IReadOnlyList<Tensor> rows) =>
        BatchNormGram.WriteBatchGradients(outputGradient, _normalized ?? throw new InvalidOperationException("no recorded forward pass"), batches, scale, rows);

    public void ClearRecording() { _normalized = null; _output = null; }
}
