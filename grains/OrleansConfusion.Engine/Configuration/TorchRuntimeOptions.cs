using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Configuration;

/// <summary>Process-wide TorchSharp settings (bound from "OrleansConfusion:Torch" by hosts).</summary>
public sealed class TorchRuntimeOptions
{
    public const string SectionName = "OrleansConfusion:Torch";

    /// <summary>auto (CUDA when available, else CPU), cpu, cuda or cuda:N.</summary>
    public string Device { get; set; } = "auto";

    /// <summary>Intra-op threads for libtorch on CPU (0 = libtorch's default).</summary>
    public int Threads { get; set; }

    public Device ResolveDevice()
    {
        string d = Device.Trim().ToLowerInvariant();
        if (d == "auto") return cuda.is_available() ? CUDA : CPU;
        if (d == "cpu") return CPU;
        if (d.StartsWith("cuda", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
                throw new InvalidOperationException($"device '{Device}' was requested but CUDA is not available (is this a CPU build? see README, TorchBackend=cuda)");
            return device(d);
        }
        throw new ArgumentException($"unknown device '{Device}': use auto, cpu, cuda or cuda:N");
    }
}
