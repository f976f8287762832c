namespace OrleansConfusion.Engine.Configuration;

/// <summary>How the synthetic unit-sphere dataset gets its labels.</summary>
public enum SphereLabels { Teacher, Random }
