using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

/// <summary>Batch norm over the features of a hidden linear layer (MLPs), with its per-sample Gram (<see cref="ProbedBatchNorm"/>).</summary>
public sealed class ProbedBatchNorm1d : ProbedBatchNorm
{
    private readonly BatchNorm1d bn;

    public ProbedBatchNorm1d(long features, string name = "bn") : base(name)
    {
        bn = nn.BatchNorm1d(features);
        RegisterComponents();
    }

    protected override Tensor Normalize(Tensor input) => bn.call(input);

    protected override (Tensor Mean, Tensor Variance, double Eps) RunningStatistics => (bn.running_mean!, bn.running_var!, bn.eps);

    protected override (Tensor Gamma, Tensor Beta) Affine => (bn.weight!, bn.bias!);
}
