using OrleansConfusion.EndToEnd.Tests.Infrastructure;

namespace OrleansConfusion.EndToEnd.Tests;

/// <summary>Silo:Membership:* binds Orleans' ClusterMembershipOptions; a typo or an unusable timing stops the silo with a message.</summary>
[Trait("Category", "EndToEnd")]
public sealed class MembershipConfigurationTests : IDisposable
{
    readonly TempDirectory _dir = new("oc-e2e-membership-");

    [Theory]
    // Misspelt: would otherwise be ignored, leaving the 5 s default in place.
    [InlineData("Silo__Membership__ProbeTimeot", "00:00:02", "ProbeTimeot")]
    // Votes that expire before enough probes can be missed never add up to a death declaration.
    [InlineData("Silo__Membership__DeathVoteExpirationTimeout", "00:00:05", "DeathVoteExpirationTimeout longer than ProbeTimeout x NumMissedProbesLimit")]
    public async Task A_bad_membership_setting_stops_the_silo_with_a_message_naming_it(string key, string value, string expected)
    {
        var env = new Dictionary<string, string>
        {
            ["Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Silo__SiloPort"] = FreePort.Next().ToString(),
            ["Silo__GatewayPort"] = FreePort.Next().ToString(),
            [key] = value,
        };
        env["Silo__PrimarySiloPort"] = env["Silo__SiloPort"];
        using var silo = new ManagedProcess("silo", "dotnet", [RepoPaths.SiloDll], env, _dir.Path);
        var exitCode = await silo.WaitForExitAsync(TimeSpan.FromSeconds(90));
        Assert.NotEqual(0, exitCode);
        Assert.Contains(expected, silo.Output);
    }

    public void Dispose() => _dir.Dispose();
}
