namespace OrleansConfusion.Engine.Data;

/// <summary>The train and test splits of one dataset, loaded and normalised together; owns and frees both.</summary>
public sealed class DatasetSplits(TensorDataset train, TensorDataset test) : IDisposable
{
    public TensorDataset Train { get; } = train ?? throw new ArgumentNullException(nameof(train));

    public TensorDataset Test { get; } = test ?? throw new ArgumentNullException(nameof(test));

    public string Name => Train.Name;

    public int NumClasses => Train.NumClasses;

    /// <summary>The shape of one sample, e.g. [1, 28, 28]; what a model's input layer is sized from.</summary>
    public long[] SampleShape => Train.SampleShape;

    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}
