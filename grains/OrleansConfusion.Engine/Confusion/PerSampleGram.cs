using OrleansConfusion.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Confusion;

/// <summary>
/// The per-sample gradient Gram matrix G_ij = ⟨∇_w ℓ_i, ∇_w ℓ_j⟩ over all parameters.
/// <see cref="Compute"/> needs one forward and one backward pass: each layer keeps its input A and
/// output Z, <c>autograd.grad(Σ ℓ_i, Z)</c> returns every D = ∂L/∂Z, and each layer adds its
/// layer-wise identity (see <see cref="IPerSampleGradientLayer"/>). <see cref="Oracle"/> is the plain
/// loop of M single-sample backward passes, kept as the reference the tests check against.
/// The model is measured in eval mode (batch norm uses running statistics; see ProbedBatchNorm2d).
/// </summary>
public static class PerSampleGram
{
    /// <summary>Returns G (M×M, float64, on the CPU).</summary>
    public static double[,] Compute(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels)
    {
        var layers = ModelFactory.GramLayers(model);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            var grads = OutputGradients(model, layers, inputs, labels);
            long m = inputs.shape[0];
            var gram = zeros([m, m], dtype: float32, device: inputs.device);
            for (int i = 0; i < layers.Count; i++) layers[i].AddGram(grads[i], gram);
            return ToArray(gram);
        }
        finally
        {
            EndRecording(layers);
            model.train(wasTraining);
        }
    }

    /// <summary>
    /// One recorded forward pass of <paramref name="inputs"/> with the summed loss, and the backward pass to every
    /// layer's output: D_l = ∂(Σ ℓ_i)/∂Z_l, what each layer's per-sample identities start from. The layers keep their
    /// recordings (in the caller's dispose scope) until <see cref="EndRecording"/>, which the caller owes in a finally.
    /// </summary>
    internal static IList<Tensor> OutputGradients(nn.Module<Tensor, Tensor> model, IReadOnlyList<IPerSampleGradientLayer> layers, Tensor inputs, Tensor labels)
    {
        foreach (var layer in layers) layer.Recording = true;
        var loss = nn.functional.cross_entropy(model.call(inputs), labels, reduction: nn.Reduction.Sum);
        foreach (var layer in layers) layer.Recording = false;
        var outputs = layers.Select(l => l.RecordedOutput ?? throw new InvalidOperationException("a Gram layer was not reached by the forward pass")).ToList();
        return autograd.grad([loss], outputs);
    }

    /// <summary>Stops recording and drops what was recorded, also after a pass that threw.</summary>
    internal static void EndRecording(IEnumerable<IPerSampleGradientLayer> layers)
    {
        foreach (var layer in layers) { layer.Recording = false; layer.ClearRecording(); }
    }

    /// <summary>Reference: M backward passes of one sample each, gradients flattened and multiplied.</summary>
    public static double[,] Oracle(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            var parameters = model.parameters().Cast<Tensor>().ToList();
            long m = inputs.shape[0];
            var rows = new List<Tensor>();
            for (long i = 0; i < m; i++)
            {
                var loss = nn.functional.cross_entropy(model.call(inputs[TensorIndex.Slice(i, i + 1)]), labels[TensorIndex.Slice(i, i + 1)], reduction: nn.Reduction.Sum);
                var grads = autograd.grad([loss], parameters);
                rows.Add(cat(grads.Select(g => g.flatten()).ToList(), 0).to_type(float64));
            }
            var v = stack(rows);
            return ToArray(v.matmul(v.t()));
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    static double[,] ToArray(Tensor gram)
    {
        long m = gram.shape[0];
        var flat = gram.to_type(float64).cpu().data<double>().ToArray();
        var result = new double[m, m];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(double));
        return result;
    }
}
