using TorchSharp;

namespace OrleansConfusion.Engine.Models;

/// <summary>
/// A layer that can add its parameters' share to the per-sample gradient Gram matrix without
/// materialising per-sample gradients where that is cheaper. While <see cref="Recording"/> is on,
/// the forward pass keeps the layer input (A, detached) and the output Z (still in the graph);
/// after <c>autograd.grad(Σ losses, Z)</c> gives D = ∂L/∂Z, <see cref="AddGram"/> adds ⟨g_i, g_j⟩.
/// </summary>
public interface IPerSampleGradientLayer
{
    bool Recording { get; set; }

    /// <summary>Z of the last recorded forward pass, or null.</summary>
    torch.Tensor? RecordedOutput { get; }

    /// <summary>Adds this layer's per-sample gradient inner products (M×M) to <paramref name="gram"/>.</summary>
    void AddGram(torch.Tensor outputGradient, torch.Tensor gram);

    /// <summary>Drops the recorded tensors (they belong to the caller's dispose scope).</summary>
    void ClearRecording();
}
