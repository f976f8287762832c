namespace OrleansConfusion.Sweeps;

/// <summary>What values an axis field takes.</summary>
internal enum AxisKind { Double, Integer, Name, Switch }
