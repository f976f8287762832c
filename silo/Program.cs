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
builder.Services.AddHealthChecks().AddCheck<SiloHealthCheck>("orleans", tags: [SiloHealthCheck.ReadyTag]);

builder.UseOrleans(silo => silo
    .UseConfiguredClustering(hosting, redis)
    .UseConfiguredTls(hosting)
    .AddOrleansConfusion());

var app = builder.Build();
if (OneDnnIsaCap.Applied is { } isa)
    app.Logger.LogInformation("CPU convolutions: oneDNN capped at {Isa} on this AVX-512 host (its AVX-512 kernels returned wrong gradients here; see README). Set {Variable} to choose yourself", isa, OneDnnIsaCap.Variable);

app.MapPrometheusScrapingEndpoint();
// Liveness runs no checks: a lost Redis must not restart every silo at once.
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(SiloHealthCheck.ReadyTag) });

app.Run();
