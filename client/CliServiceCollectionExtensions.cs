using Microsoft.Extensions.DependencyInjection;
using OrleansConfusion.Cli.Cluster;
using OrleansConfusion.Cli.Commands;
using OrleansConfusion.Cli.Hosting;
using OrleansConfusion.Cli.Results;
using OrleansConfusion.Cli.Spec;
using OrleansConfusion.Cli.Views;
using Spectre.Console;

namespace OrleansConfusion.Cli;

/// <summary>The CLI's composition root, shared by Program and the tests (which swap the consoles).</summary>
public static class CliServiceCollectionExtensions
{
    public static IServiceCollection AddConfusionCli(this IServiceCollection services, IAnsiConsole output, IAnsiConsole error)
    {
        services.AddSingleton(new CliOutput(output, error));
        services.AddSingleton<ISpecPlanner, CoordinatorSpecPlanner>();
        services.AddSingleton<SweepSpecLoader>();
        services.AddSingleton<IClusterConnector, OrleansClusterConnector>();
#if WITH_ENGINE
        services.AddSingleton<IEmbeddedClusterFactory, EmbeddedClusterFactory>();
#else
        services.AddSingleton<IEmbeddedClusterFactory, NoEngineClusterFactory>();
#endif
        services.AddSingleton<ParquetResultsReader>();
        services.AddSingleton<CoordinatorResultsReader>();
        // Progress goes to stderr's console: stdout carries only results, so `run > summary.txt` stays clean.
        services.AddSingleton(sp => new SweepProgressView(sp.GetRequiredService<CliOutput>().Error));
        services.AddSingleton<SweepFollower>();
        services.AddSingleton<RunCommand>();
        services.AddSingleton<SubmitCommand>();
        services.AddSingleton<StatusCommand>();
        services.AddSingleton<WatchCommand>();
        services.AddSingleton<CancelCommand>();
        services.AddSingleton<ResultsCommand>();
        services.AddSingleton<LogsCommand>();
        services.AddSingleton<Report.ReportCommand>();
        services.AddSingleton<ConfusionRootCommand>();
        return services;
    }
}
