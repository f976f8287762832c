using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// The few confusion values of a trial's highest delivered step that its summary row shows. Kept per
/// trial in place of the row itself (histograms and all), so a 100,000-trial sweep holds megabytes, not gigabytes.
/// </summary>
public sealed record LastMeasurement(long Step, double? PaperMinCosine, double? PerSampleMinCosine, double? Eta)
{
    public static LastMeasurement From(MeasurementRow row) => new(row.Step, row.PaperMinCosine, row.PerSampleMinCosine, row.Eta);
}
