using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

/// <summary>
/// A linear layer y = x Wᵀ + b that can report its per-sample Gram. For inputs A (M×d_in) and
/// output gradients D (M×d_out), sample i's weight gradient is d_i a_iᵀ, so
/// ⟨g_i, g_j⟩ = (a_i·a_j)(d_i·d_j), plus d_i·d_j for the bias: Gram += (A Aᵀ [+1]) ⊙ (D Dᵀ).
/// </summary>
public sealed class ProbedLinear : nn.Module<Tensor, Tensor>, IPerSampleGradientLayer
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private Tensor? _input;
    private Tensor? _output;

    public ProbedLinear(long inFeatures, long outFeatures, bool hasBias = true, string name = "linear") : base(name)
    {
        weight = new Parameter(empty(outFeatures, inFeatures));
        bias = hasBias ? new Parameter(zeros(outFeatures)) : null;
        RegisterComponents();
    }

    public Parameter Weight => weight;
    public Parameter? Bias => bias;
    public bool Recording { get; set; }
    public Tensor? RecordedOutput => _output;

    public override Tensor forward(Tensor input)
    {
        var output = nn.functional.linear(input, weight, bias);
        if (Recording)
        {
            _input = input.detach();
            _output = output.alias();
        }
        return output;
    }

    public void AddGram(Tensor outputGradient, Tensor gram)
    {
        using var scope = NewDisposeScope();
        var a = _input ?? throw new InvalidOperationException("no recorded forward pass");
        var aa = a.matmul(a.t());
        if (bias is not null) aa.add_(1.0);
        gram.add_(aa.mul_(outputGradient.matmul(outputGradient.t())));
    }

    public void ClearRecording() { _input = null; _output = null; }
}
