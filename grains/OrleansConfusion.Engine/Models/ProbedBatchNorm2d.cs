using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

/// <summary>
/// Batch norm over channels whose affine parameters report their per-sample Gram.
/// Batch norm couples the samples of a batch in train mode, so per-sample gradients are only
/// defined in eval mode (running statistics); the engine measures confusion in eval mode for
/// every model, with or without batch norm. There y = γ x̂ + β, so sample i's gradients are
/// Σ_t d_it ⊙ x̂_it for γ and Σ_t d_it for β.
/// </summary>
public sealed class ProbedBatchNorm2d : nn.Module<Tensor, Tensor>, IPerSampleGradientLayer
{
    private readonly BatchNorm2d bn;
    private Tensor? _normalized;
    private Tensor? _output;

    public ProbedBatchNorm2d(long channels, string name = "bn") : base(name)
    {
        bn = nn.BatchNorm2d(channels);
        RegisterComponents();
    }

    public bool Recording { get; set; }
    public Tensor? RecordedOutput => _output;

    public override Tensor forward(Tensor input)
    {
        var output = bn.call(input);
        if (Recording)
        {
            if (training)
                throw new InvalidOperationException("per-sample gradients of batch norm are measured in eval mode only");
            using (no_grad())
            {
                var mean = bn.running_mean!.view(1, -1, 1, 1);
                var std = bn.running_var!.view(1, -1, 1, 1).add(bn.eps).sqrt();
                _normalized = input.sub(mean).div_(std).detach();
            }
            _output = output.alias();
        }
        return output;
    }

    public void AddGram(Tensor outputGradient, Tensor gram)
    {
        using var scope = NewDisposeScope();
        var xhat = _normalized ?? throw new InvalidOperationException("no recorded forward pass");
        var gGamma = outputGradient.mul(xhat).sum([2, 3]);
        var gBeta = outputGradient.sum([2, 3]);
        gram.add_(gGamma.matmul(gGamma.t())).add_(gBeta.matmul(gBeta.t()));
    }

    public void ClearRecording() { _normalized = null; _output = null; }
}
