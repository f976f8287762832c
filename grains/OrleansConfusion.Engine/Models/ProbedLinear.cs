using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

/// <summary>
/// A linear layer y = x Wᵀ + b that can report its per-sample Gram. For inputs A (M×d_in) and
/// output gradients D (M×d_out), sample i's weight gradient is d_i a_iᵀ, so
/// ⟨g_i, g_j⟩ = (a_i·a_j)(d_i·d_j), plus d_i·d_j for the bias: Gram += (A Aᵀ [+1]) ⊙ (D Dᵀ).
/// </summary>
public sealed class ProbedLinear : ProbedWeightLayer, IBatchGradientLayer
{
    private readonly Parameter weight;
    private readonly Parameter? bias;

    public ProbedLinear(long inFeatures, long outFeatures, bool hasBias = true, string name = "linear") : base(name)
    {
        weight = new Parameter(empty(outFeatures, inFeatures));
        bias = hasBias ? new Parameter(zeros(outFeatures)) : null;
        RegisterComponents();
    }

    public override Parameter Weight => weight;
    public override Parameter? Bias => bias;

    public override Tensor forward(Tensor input) => Record(input, nn.functional.linear(input, weight, bias));

    public override void AddGram(Tensor outputGradient, Tensor gram)
    {
        using var scope = NewDisposeScope();
        var a = RecordedInput ?? throw new InvalidOperationException("no recorded forward pass");
        var aa = a.matmul(a.t());
        if (bias is not null) aa.add_(1.0);
        gram.add_(aa.mul_(outputGradient.matmul(outputGradient.t())));
    }

    public IReadOnlyList<Tensor> BatchGradientParameters => bias is null ? [weight] : [weight, bias];

    /// <summary>
    /// Batch k's weight gradient D_kᵀ A_k, written straight into its row by an in-place matmul: the batch-by-batch
    /// products are the same size as in one pass per batch, and writing in place saves a copy of every gradient.
    /// </summary>
    public void WriteBatchGradients(Tensor outputGradient, int batches, double scale, IReadOnlyList<Tensor> rows)
    {
        using var scope = NewDisposeScope();
        var a = RecordedInput ?? throw new InvalidOperationException("no recorded forward pass");
        long dOut = weight.shape[0], dIn = weight.shape[1];
        var inputs = a.reshape(batches, -1, dIn);
        var gradients = outputGradient.reshape(batches, -1, dOut);
        for (int k = 0; k < batches; k++)
            rows[0][k].view(dOut, dIn).addmm_(gradients[k].t(), inputs[k], beta: 0, alpha: (float)scale);
        if (bias is not null) rows[1].copy_(gradients.sum(1)).mul_(scale);
    }
}
