namespace OrleansConfusion.Engine.Tests.Training;

/// <summary>
/// Tests that measure the whole process (its working set) run alone, after the parallel ones: another test
/// class loading Fashion-MNIST (188 MB of float tensors) beside them once made a flat run read as 227 MB of growth.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMeasurementCollection
{
    public const string Name = "Process-wide measurements";
}
