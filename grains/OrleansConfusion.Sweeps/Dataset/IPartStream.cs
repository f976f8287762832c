namespace OrleansConfusion.Sweeps;

/// <summary>What <see cref="SweepOutput"/> asks of each kind's <see cref="PartStream{T}"/>, whatever its row type.</summary>
internal interface IPartStream : IAsyncDisposable
{
    string Kind { get; }

    bool Due(DateTime now, int rows, TimeSpan age);

    Task<string?> SealAsync(CancellationToken cancellationToken);

    Task<int> TakeSequenceAsync(CancellationToken cancellationToken);
}
