using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

/// <summary>
/// A 2-D convolution that can report its per-sample Gram. With A the unfolded input patches
/// (M × d_in × T, d_in = C_in·k²) and D the output gradients (M × d_out × T), sample i's weight
/// gradient is Σ_t d_it a_itᵀ. Two ways to get ⟨g_i, g_j⟩:
/// ghost form Σ_{t,s} (a_it·a_js)(d_it·d_js), cost ≈ M²T²(d_in+d_out), or materialising the
/// per-sample gradients, cost ≈ M·T·d_in·d_out. We take the ghost form only when it is cheaper:
/// T²(d_in+d_out) &lt; d_in·d_out (NOTES.md).
/// </summary>
public sealed class ProbedConv2d : ProbedWeightLayer
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly long _stride;
    private readonly long _padding;
    private readonly long _kernel;

    public ProbedConv2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0, bool hasBias = true, string name = "conv")
        : base(name)
    {
        _kernel = kernel;
        _stride = stride;
        _padding = padding;
        weight = new Parameter(empty(outChannels, inChannels, kernel, kernel));
        bias = hasBias ? new Parameter(zeros(outChannels)) : null;
        RegisterComponents();
    }

    public override Parameter Weight => weight;
    public override Parameter? Bias => bias;

    /// <summary>Forces a Gram strategy; null picks the cheaper one. Tests use it to check both.</summary>
    public bool? ForceGhost { get; set; }

    public override Tensor forward(Tensor input) =>
        Record(input, nn.functional.conv2d(input, weight, bias, strides: [_stride, _stride], padding: [_padding, _padding]));

    public override void AddGram(Tensor outputGradient, Tensor gram)
    {
        using var scope = NewDisposeScope();
        var x = RecordedInput ?? throw new InvalidOperationException("no recorded forward pass");
        long m = x.shape[0];
        var a = nn.functional.unfold(x, _kernel, padding: _padding, stride: _stride); // M × d_in × T
        var d = outputGradient.reshape(m, outputGradient.shape[1], -1);              // M × d_out × T
        long dIn = a.shape[1], dOut = d.shape[1], t = a.shape[2];
        bool ghost = ForceGhost ?? t * t * (dIn + dOut) < dIn * dOut;
        if (ghost)
        {
            var at = a.transpose(1, 2).reshape(m * t, dIn);
            var dt = d.transpose(1, 2).reshape(m * t, dOut);
            var prod = at.matmul(at.t()).mul_(dt.matmul(dt.t()));                    // (MT) × (MT)
            gram.add_(prod.reshape(m, t, m, t).sum([1, 3]));
        }
        else
        {
            var g = einsum("mot,mit->moi", d, a).reshape(m, -1);                    // per-sample weight gradients
            gram.add_(g.matmul(g.t()));
        }
        if (bias is not null)
        {
            var gb = d.sum(2);
            gram.add_(gb.matmul(gb.t()));
        }
    }
}
