namespace OrleansConfusion.Sweeps;

/// <summary>
/// A later coordinator generation reserved the sweep's output folder: the activation that sees this no longer owns the
/// sweep and writes nothing more (see <see cref="SweepOutput"/>). Not an <see cref="IOException"/>: the disk is fine.
/// </summary>
public sealed class OutputSupersededException(string message) : Exception(message);
