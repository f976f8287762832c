namespace OrleansConfusion.Grains;

/// <summary>Place on a silo that advertises training slots (see <see cref="TrainingPlacementDirector"/>).</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class TrainingPlacementStrategy : PlacementStrategy
{
    internal static readonly TrainingPlacementStrategy Instance = new();
}
