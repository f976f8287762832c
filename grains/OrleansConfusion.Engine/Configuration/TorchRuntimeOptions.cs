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

    /// <summary>
    /// On CPU, a fuse group of MLPs wider than this trains its seeds one after another (still in its one slot, with the
    /// same rows) instead of as one batched model: measured on 2 cores, 5 fused seeds ran 1.2× faster at width 64 and
    /// 0.84× (slower) at 256 (bench --only fusion). 0: never batch on CPU. GPUs always batch.
    /// </summary>
    public int CpuFusionMaxWidth { get; set; } = 128;

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
