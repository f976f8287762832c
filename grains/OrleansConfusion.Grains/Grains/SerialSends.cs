namespace OrleansConfusion.Grains;

/// <summary>
/// Runs sends one at a time, in the order they were asked for: the timer's flushes, the finishing worker's and the
/// outcome reports all send from the lanes' unsent rows, and a row must never overtake the one before it. A failed send
/// fails only its own caller; the next send goes on (and carries the rows the failed one kept).
/// </summary>
internal sealed class SerialSends
{
    Task _last = Task.CompletedTask;

    public Task Enqueue(Func<Task> send)
    {
        _last = AfterAsync(_last, send);
        return _last;

        static async Task AfterAsync(Task previous, Func<Task> send)
        {
            try { await previous; }
            catch (Exception) { /* the previous caller saw it */ }
            await send();
        }
    }
}
