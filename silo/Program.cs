using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Grains;
using OrleansConfusion.Silo;

// appsettings.json sits beside the dll; the working directory is where relative output paths go.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

var hosting = builder.Configuration.GetSection(SiloHostingOptions.SectionName).Get<SiloHostingOptions>() ?? new();
var redis = builder.Configuration.GetConnectionString("Redis");

// Stopping deactivates trial grains, which cancel training and hand the trial back to the cluster.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = hosting.ShutdownTimeout);
builder.Services.AddSiloTelemetry();
builder.Services.AddHealthChecks()
    .AddCheck<SiloHealthCheck>("orleans", tags: [SiloHealthCheck.ReadyTag])
    .AddCheck<MembershipEntryHealthCheck>("membership-row", tags: [MembershipEntryHealthCheck.LiveTag]);

builder.UseOrleans(silo => silo
    .UseConfiguredClustering(hosting, redis)
    .UseConfiguredTls(hosting)
    .AddOrleansConfusion());

var app = builder.Build();
if (OneDnnIsaCap.Applied is { } isa)
    app.Logger.LogInformation("CPU convolutions: oneDNN capped at {Isa} on this AVX-512 host (its AVX-512 kernels returned wrong gradients here; see README). Set {Variable} to choose yourself", isa, OneDnnIsaCap.Variable);

app.MapPrometheusScrapingEndpoint();
// Liveness checks only that the membership table still holds this silo: a lost Redis must not restart every silo at
// once, but one that came back empty must (see MembershipEntryHealthCheck).
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains(MembershipEntryHealthCheck.LiveTag) });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(SiloHealthCheck.ReadyTag) });

app.Run();
