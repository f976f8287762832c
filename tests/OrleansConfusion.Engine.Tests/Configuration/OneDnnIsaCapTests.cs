using System.Runtime.Intrinsics.X86;
using OrleansConfusion.Engine.Configuration;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Tests.Configuration;

public sealed class OneDnnIsaCapTests
{
    [Theory]
    [InlineData(true, null, null, "AVX2")]
    [InlineData(true, "", "", "AVX2")]
    [InlineData(true, "DEFAULT", null, null)]
    [InlineData(true, null, "AVX512_CORE", null)]
    [InlineData(false, null, null, null)]
    public void Caps_only_an_AVX512_host_whose_user_set_nothing(bool avx512, string? user, string? legacy, string? expected) =>
        Assert.Equal(expected, OneDnnIsaCap.Decide(avx512, user, legacy));

    [Fact]
    public void This_process_got_the_cap_its_host_calls_for()
    {
        // The engine assembly is loaded, so its module initializer has run; the test host started with
        // neither variable set unless the person running the tests chose one.
        if (OneDnnIsaCap.Applied is null)
            Assert.True(!Avx512F.IsSupported || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(OneDnnIsaCap.Variable))
                || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(OneDnnIsaCap.LegacyVariable)),
                "an AVX-512 host with no user setting was left uncapped");
        else
            Assert.Equal(OneDnnIsaCap.Cap, Environment.GetEnvironmentVariable(OneDnnIsaCap.Variable));
    }

    /// <summary>
    /// The kernel that failed: a convolution's gradient with respect to its input, on the first run of a
    /// shape no other test uses (oneDNN makes a new primitive per shape), here behind a strided first
    /// convolution as in PlainCnn. Checked against float64, which oneDNN's f32 kernels do not compute.
    /// </summary>
    [Fact]
    public void Convolution_input_gradient_is_right_on_its_first_run()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var x = randn([7, 1, 10, 10], generator: generator);
        var w0 = randn([8, 1, 3, 3], generator: generator);
        var w1 = randn([8, 8, 3, 3], generator: generator);
        var upstream = randn([7, 8, 5, 5], generator: generator);

        Tensor InputGradient(ScalarType type)
        {
            var hidden = nn.functional.conv2d(x.to(type).detach().requires_grad_(), w0.to(type), strides: [2, 2], padding: [1, 1]).tanh();
            var output = nn.functional.conv2d(hidden, w1.to(type), padding: [1, 1]);
            return autograd.grad([(output * upstream.to(type)).sum()], [hidden])[0];
        }

        var grad = InputGradient(float32);
        var expected = InputGradient(float64);
        double error = (grad.to(float64) - expected).abs().max().item<double>() / expected.abs().max().item<double>();
        Assert.True(error < 1e-5, $"max relative error of the first conv input gradient = {error:E2}");
    }
}
