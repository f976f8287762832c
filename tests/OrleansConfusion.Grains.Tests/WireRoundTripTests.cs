using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// Wire types must survive a real serializer round trip (what a call to another silo does), including
/// values equal to default(T) in properties whose initialiser is something else.
/// </summary>
public sealed class WireRoundTripTests
{
    static T RoundTrip<T>(T value)
    {
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        return serializer.Deserialize<T>(serializer.SerializeToArray(value))!;
    }

    [Fact]
    public void Values_equal_to_their_types_default_survive_where_the_initialiser_differs()
    {
        var spec = new TrialSpec
        {
            Model = new ModelSpec { Bias = false, InitScale = 0.5 },
            Measurement = new MeasurementSpec { EachEpoch = false, PaperPairs = 0, PerSampleM = 0 },
            Training = new TrainingSpec { Epochs = 0, Steps = 600, BatchSize = 32 },
            Dataset = new DatasetSpec { Name = "sphere", SphereLabels = "random" },
        };
        var back = RoundTrip(spec);
        Assert.False(back.Model.Bias);
        Assert.False(back.Measurement.EachEpoch);
        Assert.Equal(0, back.Measurement.PaperPairs);
        Assert.Equal(0, back.Measurement.PerSampleM);
        Assert.Equal(0, back.Training.Epochs);
        Assert.Equal(600, back.Training.Steps);
    }
}
