namespace OrleansConfusion.Cli;

/// <summary>
/// The one place exit codes are defined (also listed in `confusion --help` and examples/README.md).
/// </summary>
public static class ExitCodes
{
    /// <summary>Done; for run/watch: the sweep finished and every trial completed or diverged.</summary>
    public const int Ok = 0;

    /// <summary>Something failed at run time: a trial failed, a grain call threw, output could not be read.</summary>
    public const int Failure = 1;

    /// <summary>Bad input: command-line syntax, an invalid spec, an unknown sweep, missing output files.</summary>
    public const int BadInput = 2;

    /// <summary>The cluster (gateway or Redis) could not be reached within the connect timeout.</summary>
    public const int ClusterUnreachable = 3;

    /// <summary>Interrupted with Ctrl-C (128 + SIGINT); the sweep was cancelled and what finished was written.</summary>
    public const int Cancelled = 130;

    public const string HelpText =
        "Exit codes: 0 ok, 1 failure (a trial failed or an error occurred), 2 bad input (arguments or spec), " +
        "3 cluster unreachable, 130 cancelled with Ctrl-C.";
}
