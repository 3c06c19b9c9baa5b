using Grpc.Core;

namespace Thestage.Server.Sessions;

/// <summary>
/// Runs CPU-bound work (evaluations, key loading) on the thread pool, at most <c>concurrency</c> at once, with at most
/// <c>queue</c> callers waiting: one more is refused with RESOURCE_EXHAUSTED at once rather than queued without bound.
/// Each run is bounded in time by <c>maxTime</c> (DEADLINE_EXCEEDED) besides the caller's own token.
/// </summary>
internal sealed class EvaluationGate(int concurrency, int queue, TimeSpan maxTime) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(concurrency, concurrency);
    private int _waiting;

    public async Task<T> RunAsync<T>(Func<CancellationToken, T> work, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _waiting) > queue + concurrency)
        {
            Interlocked.Decrement(ref _waiting);
            throw new ServingException(StatusCode.ResourceExhausted, $"The server is busy ({concurrency} evaluations running, {queue} waiting): retry later.");
        }

        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _waiting);
            throw;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(maxTime);
        try
        {
            return await Task.Run(() => work(limit.Token), limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ServingException(StatusCode.DeadlineExceeded, $"The evaluation ran longer than the server allows ({maxTime.TotalSeconds:N0} s).");
        }
        finally
        {
            _slots.Release();
            Interlocked.Decrement(ref _waiting);
        }
    }

    public void Dispose() => _slots.Dispose();
}
