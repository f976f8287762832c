using OrleansConfusion.Engine.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

/// <summary>
/// Applies one initialisation scheme to every linear and conv weight of a model; biases are zeroed.
/// Draws come from a per-trial <see cref="Generator"/>, never torch's global one, so trials that run
/// side by side in one process stay deterministic.
/// </summary>
public static class Initializer
{
    public static void Apply(nn.Module model, InitScheme scheme, double scale, Generator generator)
    {
        using var noGrad = no_grad();
        foreach (var module in model.modules())
        {
            if (module is not ProbedWeightLayer layer) continue;
            Init(layer.Weight, scheme, scale, generator);
            layer.Bias?.zero_();
        }
    }

    /// <summary>Standard deviation the scheme targets for a weight of the given fans (uniform: its std too).</summary>
    public static double TargetStd(InitScheme scheme, double scale, long fanIn, long fanOut) => scheme switch
    {
        InitScheme.Gaussian => scale,
        InitScheme.LeCunNormal => Math.Sqrt(1.0 / fanIn),
        InitScheme.HeNormal => Math.Sqrt(2.0 / fanIn),
        InitScheme.GlorotNormal or InitScheme.GlorotUniform => Math.Sqrt(2.0 / (fanIn + fanOut)),
        InitScheme.Orthogonal => scale / Math.Sqrt(Math.Max(fanIn, fanOut)), // unit rows or columns, whichever are longer
        _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, null),
    };

    public static (long FanIn, long FanOut) Fans(Tensor weight)
    {
        long receptive = 1;
        for (int i = 2; i < weight.dim(); i++) receptive *= weight.shape[i];
        return (weight.shape[1] * receptive, weight.shape[0] * receptive);
    }

    static void Init(Tensor weight, InitScheme scheme, double scale, Generator generator)
    {
        var (fanIn, fanOut) = Fans(weight);
        using var scope = NewDisposeScope();
        Tensor values;
        switch (scheme)
        {
            case InitScheme.GlorotUniform:
                double bound = Math.Sqrt(6.0 / (fanIn + fanOut));
                values = rand(weight.shape, generator: generator).mul_(2 * bound).sub_(bound);
                break;
            case InitScheme.Orthogonal:
                values = Orthogonal(weight.shape[0], fanIn, generator).mul_(scale).reshape(weight.shape);
                break;
            default:
                values = randn(weight.shape, generator: generator).mul_(TargetStd(scheme, scale, fanIn, fanOut));
                break;
        }
        weight.copy_(values);
    }

    /// <summary>
    /// A (rows × cols) matrix with orthonormal rows or columns, whichever is fewer, as in
    /// torch.nn.init.orthogonal_: QR of a Gaussian matrix with the signs of R's diagonal fixed.
    /// </summary>
    static Tensor Orthogonal(long rows, long cols, Generator generator)
    {
        var flat = randn([rows, cols], generator: generator);
        if (rows < cols) flat = flat.t();
        var (q, r) = linalg.qr(flat);
        q = q.mul(r.diagonal().sign().unsqueeze(0));
        return rows < cols ? q.t() : q;
    }
}
