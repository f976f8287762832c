using OrleansConfusion.Engine.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

/// <summary>
/// A plain (no skip) CNN: <c>depth</c> 3×3 conv layers with 8·<c>width</c> channels, optional batch
/// norm after each, then global average pooling and a linear classifier. The first conv and every
/// third after it use stride 2 while the feature map is larger than 4×4, to keep CPU cost small.
/// </summary>
public sealed class PlainCnn : nn.Module<Tensor, Tensor>
{
    public const int ChannelsPerWidth = 8;

    private readonly ModuleList<ProbedConv2d> convs;
    private readonly ModuleList<ProbedBatchNorm2d> norms;
    private readonly ProbedLinear head;
    private readonly Activation _activation;

    public PlainCnn(long[] sampleShape, int width, int depth, int classes, Activation activation, bool batchNorm, bool bias) : base("cnn")
    {
        _activation = activation;
        long channels = ChannelsPerWidth * width;
        long size = sampleShape[1];
        convs = new ModuleList<ProbedConv2d>();
        norms = new ModuleList<ProbedBatchNorm2d>();
        for (int i = 0; i < depth; i++)
        {
            long stride = i % 3 == 0 && size > 4 ? 2 : 1;
            size = (size + 2 - 3) / stride + 1;
            convs.Add(new ProbedConv2d(i == 0 ? sampleShape[0] : channels, channels, 3, stride, 1, bias, $"conv{i}"));
            if (batchNorm) norms.Add(new ProbedBatchNorm2d(channels, $"bn{i}"));
        }
        head = new ProbedLinear(channels, classes, bias, "head");
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var h = input;
        for (int i = 0; i < convs.Count; i++)
        {
            h = convs[i].call(h);
            if (norms.Count > 0) h = norms[i].call(h);
            h = ActivationFunctions.Apply(_activation, h);
        }
        return head.call(h.mean([2, 3]));
    }
}
