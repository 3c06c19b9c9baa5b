using Grpc.Core;
using Thestage.Server.Sessions;

namespace Thestage.Server.Tests.Sessions;

/// <summary>The bounded evaluation queue and time.</summary>
public sealed class EvaluationGateTests
{
    [Fact]
    public async Task OneMoreThanRunningAndQueued_IsRefusedAtOnce_AndTheSlotsComeBack()
    {
        using var gate = new EvaluationGate(concurrency: 1, queue: 1, TimeSpan.FromMinutes(1));
        using var release = new ManualResetEventSlim();
        Task<int> running = gate.RunAsync(_ => { release.Wait(); return 1; }, CancellationToken.None);
        Task<int> queued = gate.RunAsync(_ => 2, CancellationToken.None);

        ServingException refused = await Assert.ThrowsAsync<ServingException>(() => gate.RunAsync(_ => 3, CancellationToken.None));

        Assert.Equal(StatusCode.ResourceExhausted, refused.Status);
        release.Set();
        Assert.Equal(1, await running);
        Assert.Equal(2, await queued);
        Assert.Equal(4, await gate.RunAsync(_ => 4, CancellationToken.None));
    }

    [Fact]
    public async Task WorkLongerThanTheBound_IsCancelled_DeadlineExceeded()
    {
        using var gate = new EvaluationGate(concurrency: 1, queue: 0, TimeSpan.FromMilliseconds(50));

        ServingException refused = await Assert.ThrowsAsync<ServingException>(() => gate.RunAsync(token =>
        {
            token.WaitHandle.WaitOne();
            token.ThrowIfCancellationRequested();
            return 0;
        }, CancellationToken.None));

        Assert.Equal(StatusCode.DeadlineExceeded, refused.Status);
        Assert.Equal(5, await gate.RunAsync(_ => 5, CancellationToken.None));
    }

    [Fact]
    public async Task CallerCancellation_WhileQueued_LeavesNoSlotTaken()
    {
        using var gate = new EvaluationGate(concurrency: 1, queue: 1, TimeSpan.FromMinutes(1));
        using var release = new ManualResetEventSlim();
        Task<int> running = gate.RunAsync(_ => { release.Wait(); return 1; }, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        Task<int> queued = gate.RunAsync(_ => 2, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        release.Set();
        await running;
        Task<int> a = gate.RunAsync(_ => 3, CancellationToken.None), b = gate.RunAsync(_ => 4, CancellationToken.None);
        int[] results = await Task.WhenAll(a, b);
        Assert.Equal(new[] { 3, 4 }, results);
    }
}
