namespace OrleansConfusion.Engine.Tests.Data;

/// <summary>Exact tensor comparisons and scalar statistics that dispose their temporaries.</summary>
internal static class TensorCheck
{
    public static bool Same(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape) || a.dtype != b.dtype) return false;
        using var eq = a.eq(b);
        using var all = eq.all();
        return all.item<bool>();
    }

    public static double Mean(TorchSharp.torch.Tensor t)
    {
        using var d = t.to_type(TorchSharp.torch.ScalarType.Float64);
        using var m = d.mean();
        return m.item<double>();
    }

    public static double Std(TorchSharp.torch.Tensor t)
    {
        using var d = t.to_type(TorchSharp.torch.ScalarType.Float64);
        using var s = d.std(unbiased: false);
        return s.item<double>();
    }
}
