using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Data;
using OrleansConfusion.Engine.Training;

namespace OrleansConfusion.Engine.Tests.Training;

/// <summary>Real data: a few hundred SGD steps on a Fashion-MNIST subset must clearly lower the loss.</summary>
public sealed class FashionMnistTrainingTests
{
    [Fact]
    public void AFewHundredStepsLowerTheLoss()
    {
        var config = new TrialConfig
        {
            Seed = 0,
            Dataset = new DatasetConfig { Name = "fashion-mnist", TrainSubset = 4096, TestSubset = 1000 },
            Model = new ModelConfig { Width = 64, Depth = 2 },
            Training = new TrainingConfig { LearningRate = 0.05, BatchSize = 64, Steps = 300 },
            Measurement = new MeasurementConfig { EachEpoch = false, PaperPairs = 0, PerSampleM = 0, EvalSubset = 1024 },
        };
        using var data = DatasetLoader.Load(config.Dataset);
        var records = new List<MeasurementRecord>();
        var result = TrialRunner.Run(config, data, new TrialRunContext { OnMeasurement = records.Add });

        Assert.Equal(TrialOutcomeStatus.Completed, result.Status);
        Assert.Equal(300, result.Steps);
        Assert.InRange(records[0].TrainLoss, 1.8, 3.5);          // ≈ ln 10 at init
        Assert.True(records[^1].TrainLoss < 0.75 * records[0].TrainLoss, $"loss {records[0].TrainLoss:F3} -> {records[^1].TrainLoss:F3}");
        Assert.True(records[^1].TestAccuracy > 0.65, $"test accuracy {records[^1].TestAccuracy:F3}");
    }
}
