namespace OrleansConfusion.Sweeps;

/// <summary>A silo as dispatch sees it: its name and its training slots.</summary>
public readonly record struct SiloSlots(string Name, int Slots);
