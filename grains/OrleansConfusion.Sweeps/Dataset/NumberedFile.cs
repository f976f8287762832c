namespace OrleansConfusion.Sweeps;

/// <summary>A part or a record file of a sweep, with the generation and number in its name.</summary>
public readonly record struct NumberedFile(string Path, string Kind, int Generation, int Sequence);
