using OrleansConfusion.Engine.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

/// <summary>
/// Fully connected network: <c>depth</c> hidden layers of <c>width</c> units and a linear classifier.
/// With the identity activation it is a deep linear network (finding F3). With skip on, hidden layers
/// after the first add their input back (h ← h + φ(W h)). With batch norm on, each hidden layer
/// normalises its pre-activation (h ← φ(BN(W h)), plus h with skip), which is what F4's 2×2 of batch
/// norm × skip needs at depths a CNN could not afford here.
/// </summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ProbedLinear> hidden;
    private readonly ModuleList<ProbedBatchNorm1d> norms;
    private readonly ProbedLinear head;
    private readonly Activation _activation;
    private readonly bool _skip;

    public Mlp(long inputFeatures, int width, int depth, int classes, Activation activation, bool skip, bool bias, bool batchNorm = false) : base("mlp")
    {
        _activation = activation;
        _skip = skip;
        hidden = new ModuleList<ProbedLinear>();
        norms = new ModuleList<ProbedBatchNorm1d>();
        for (int i = 0; i < depth; i++)
        {
            hidden.Add(new ProbedLinear(i == 0 ? inputFeatures : width, width, bias, $"hidden{i}"));
            if (batchNorm) norms.Add(new ProbedBatchNorm1d(width, $"bn{i}"));
        }
        head = new ProbedLinear(width, classes, bias, "head");
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var h = input.flatten(1);
        for (int i = 0; i < hidden.Count; i++)
        {
            var pre = hidden[i].call(h);
            if (norms.Count > 0) pre = norms[i].call(pre);
            var z = ActivationFunctions.Apply(_activation, pre);
            h = _skip && i > 0 ? h.add(z) : z;
        }
        return head.call(h);
    }
}
