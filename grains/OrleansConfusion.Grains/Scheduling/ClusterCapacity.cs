using System.Globalization;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace OrleansConfusion.Grains;

/// <summary>
/// The cluster's training capacity as this silo sees it: the active members from membership and the
/// slots each advertises in its silo metadata. A silo whose metadata has not arrived yet counts as
/// having no slots, so nothing is ever placed on a silo configured with none.
/// </summary>
public sealed class ClusterCapacity(
    IClusterMembershipService membership,
    ISiloMetadataCache metadata,
    ILocalSiloDetails localSilo,
    SiloTrainingCapacity local)
{
    /// <summary>Active silos, those with slots first (most slots first).</summary>
    public IReadOnlyList<TrainingSilo> ActiveSilos() =>
        membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => Describe(m.SiloAddress, m.Name))
            .OrderByDescending(s => s.Slots)
            .ToList();

    public int TotalSlots() => ActiveSilos().Sum(s => s.Slots);

    /// <summary>Dead, shutting down or unknown silos: a trial there will not report again.</summary>
    public bool IsActive(string siloName) =>
        membership.CurrentSnapshot.Members.Values.Any(m => m.Status == SiloStatus.Active && m.Name == siloName);

    public int SlotsOf(SiloAddress silo) => Describe(silo, "").Slots;

    TrainingSilo Describe(SiloAddress address, string name)
    {
        if (address.Equals(localSilo.SiloAddress)) return new TrainingSilo(address, name, local.Slots, local.Device);
        var data = metadata.GetSiloMetadata(address).Metadata;
        int slots = data.TryGetValue(SiloTrainingCapacity.SlotsMetadataKey, out var text)
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : 0;
        string device = data.TryGetValue(SiloTrainingCapacity.DeviceMetadataKey, out var d) ? d : "cpu";
        return new TrainingSilo(address, name, slots, device);
    }
}
