using OrleansConfusion.Engine.Configuration;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

internal static class ActivationFunctions
{
    public static Tensor Apply(Activation activation, Tensor x) => activation switch
    {
        Activation.Relu => nn.functional.relu(x),
        Activation.Tanh => x.tanh(),
        Activation.Identity => x.alias(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };
}
