using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// A trial the sweep has just dispatched: where to send it, and the token its reports must carry. Trials dispatched
/// together (a configuration's seeds, trained fused by one grain) share their <see cref="Unit"/>.
/// </summary>
public readonly record struct Dispatched(int Index, TrialSpec Spec, string Silo, int Token, bool WaitsForSlot, DispatchUnit Unit);
