using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

/// <summary>Batch norm over image channels, with its per-sample Gram (<see cref="ProbedBatchNorm"/>).</summary>
public sealed class ProbedBatchNorm2d : ProbedBatchNorm
{
    private readonly BatchNorm2d bn;

    public ProbedBatchNorm2d(long channels, string name = "bn") : base(name)
    {
        bn = nn.BatchNorm2d(channels);
        RegisterComponents();
    }

    protected override Tensor Normalize(Tensor input) => bn.call(input);

    protected override (Tensor Mean, Tensor Variance, double Eps) RunningStatistics => (bn.running_mean!, bn.running_var!, bn.eps);

    protected override (Tensor Gamma, Tensor Beta) Affine => (bn.weight!, bn.bias!);
}
