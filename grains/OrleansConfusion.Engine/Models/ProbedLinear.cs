using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

/// <summary>
/// A linear layer y = x Wᵀ + b that can report its per-sample Gram. For inputs A (M×d_in) and
/// output gradients D (M×d_out), sample i's weight gradient is d_i a_iᵀ, so
/// ⟨g_i, g_j⟩ = (a_i·a_j)(d_i·d_j), plus d_i·d_j for the bias: Gram += (A Aᵀ [+1]) ⊙ (D Dᵀ).
/// </summary>
public sealed class ProbedLinear : ProbedWeightLayer
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
}
