using Microsoft.Extensions.Options;

namespace OrleansConfusion.Grains;

/// <summary>Reports every invalid scheduling setting at once, naming its configuration key.</summary>
internal sealed class TrialSchedulingOptionsValidator : IValidateOptions<TrialSchedulingOptions>
{
    public ValidateOptionsResult Validate(string? name, TrialSchedulingOptions o)
    {
        const string s = TrialSchedulingOptions.SectionName;
        var errors = new List<string>();
        if (o.CpuSlots < 0) errors.Add($"{s}:CpuSlots must be >= 0 (got {o.CpuSlots})");
        if (o.GpuSlots < 0) errors.Add($"{s}:GpuSlots must be >= 0 (got {o.GpuSlots})");
        if (o.PrefetchPerSilo < 0) errors.Add($"{s}:PrefetchPerSilo must be >= 0 (got {o.PrefetchPerSilo})");
        if (o.ReportInterval <= TimeSpan.Zero) errors.Add($"{s}:ReportInterval must be positive (got {o.ReportInterval})");
        if (o.DispatchInterval <= TimeSpan.Zero) errors.Add($"{s}:DispatchInterval must be positive (got {o.DispatchInterval})");
        if (o.StaleAfter < 2 * o.ReportInterval)
            errors.Add($"{s}:StaleAfter ({o.StaleAfter}) must be at least twice ReportInterval ({o.ReportInterval}), or healthy trials look dead");
        if (o.WatchInterval < TimeSpan.Zero) errors.Add($"{s}:WatchInterval must be >= 0 (got {o.WatchInterval})");
        if (o.WatchKeepAlive <= o.WatchInterval || o.WatchKeepAlive > TimeSpan.FromSeconds(30))
            errors.Add($"{s}:WatchKeepAlive must be above WatchInterval ({o.WatchInterval}) and at most 30 s, as clients resubscribe after 60 s of silence (got {o.WatchKeepAlive})");
        if (o.OwnershipCheckInterval <= TimeSpan.Zero) errors.Add($"{s}:OwnershipCheckInterval must be positive (got {o.OwnershipCheckInterval})");
        if (o.ResponseTimeout <= TimeSpan.Zero) errors.Add($"{s}:ResponseTimeout must be positive (got {o.ResponseTimeout})");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
