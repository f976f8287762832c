using TorchSharp;

namespace OrleansConfusion.Engine.Tests;

public sealed class TorchLoadsTests
{
    [Fact]
    public void NativeLibraryLoadsAndComputes()
    {
        using var a = torch.ones(3, 3);
        using var b = a.matmul(a);
        Assert.Equal(3f, b[0, 0].ToSingle());
    }
}
