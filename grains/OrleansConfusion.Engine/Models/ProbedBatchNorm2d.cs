using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

/// <summary>
/// Batch norm over image channels whose affine parameters report their per-sample Gram
/// (<see cref="BatchNormGram"/>: eval mode only, because train mode couples the samples).
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
            _normalized = BatchNormGram.Normalized(input, bn.running_mean!, bn.running_var!, bn.eps);
            _output = output.alias();
        }
        return output;
    }

    public void AddGram(Tensor outputGradient, Tensor gram) =>
        BatchNormGram.Add(outputGradient, _normalized ?? throw new InvalidOperationException("no recorded forward pass"), gram);

    public void ClearRecording() { _normalized = null; _output = null; }
}
