using Orleans.Placement;

namespace OrleansConfusion.Grains;

/// <summary>Marks grains that train: they are activated only on silos with training slots.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class TrainingPlacementAttribute() : PlacementAttribute(TrainingPlacementStrategy.Instance);
