using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

/// <summary>
/// What linear and conv layers share: a weight the initialiser fills, an optional bias it zeroes, and
/// the recording of the layer input A (detached) and output Z (in the graph) for the per-sample Gram.
/// The parameters stay fields of the derived classes, which is where TorchSharp's RegisterComponents finds them.
/// </summary>
public abstract class ProbedWeightLayer(string name) : nn.Module<Tensor, Tensor>(name), IPerSampleGradientLayer
{
    private Tensor? _output;

    public abstract Parameter Weight { get; }
    public abstract Parameter? Bias { get; }
    public bool Recording { get; set; }
    public Tensor? RecordedOutput => _output;

    /// <summary>The input of the last recorded forward pass.</summary>
    protected Tensor? RecordedInput { get; private set; }

    /// <summary>Keeps A and Z while recording; returns <paramref name="output"/> unchanged.</summary>
    protected Tensor Record(Tensor input, Tensor output)
    {
        if (Recording)
        {
            RecordedInput = input.detach();
            _output = output.alias();
        }
        return output;
    }

    public abstract void AddGram(Tensor outputGradient, Tensor gram);

    public void ClearRecording() { RecordedInput = null; _output = null; }
}
