namespace OrleansConfusion.Grains;

/// <summary>An active silo and the training slots it advertises.</summary>
public sealed record TrainingSilo(SiloAddress Address, string Name, int Slots, string Device);
