namespace OrleansConfusion.Grains.Abstractions;

/// <summary>
/// The cluster refused a submitted spec before doing anything with it (nothing is stored or written):
/// <see cref="Field"/> names the spec field at fault. The CLI maps it to exit code 2, bad input.
/// </summary>
[GenerateSerializer]
public sealed class SpecRejectedException : Exception
{
    public SpecRejectedException() { }

    public SpecRejectedException(string message) : base(message) { }

    public SpecRejectedException(string message, Exception innerException) : base(message, innerException) { }

    public SpecRejectedException(string field, string message) : base(message) => Field = field;

    /// <summary>The spec field at fault as the YAML names it, e.g. <c>output_dir</c>.</summary>
    [Id(0)] public string Field { get; init; } = "";
}
