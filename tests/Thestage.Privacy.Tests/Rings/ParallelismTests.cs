using Thestage.Privacy.Rings;

namespace Thestage.Privacy.Tests.Rings;

/// <summary><see cref="PrivacyRuntime.MaxDegreeOfParallelism"/>: the one switch that limits the library's loops.</summary>
[Collection(nameof(PrivacyRuntimeCollection))]
public sealed class ParallelismTests
{
    [Fact]
    public void One_thread_runs_every_limb_on_the_calling_thread()
    {
        int caller = Environment.CurrentManagedThreadId;
        var threads = new int[64];
        int previous = PrivacyRuntime.MaxDegreeOfParallelism;
        try
        {
            PrivacyRuntime.MaxDegreeOfParallelism = 1;
            // 64 limbs of 8192 coefficients: far above the parallel threshold, and each body waits long enough
            // that a second worker would be scheduled if the loop were parallel.
            Parallelism.For(threads.Length, 8192, i =>
            {
                Thread.Sleep(1);
                threads[i] = Environment.CurrentManagedThreadId;
            });
        }
        finally
        {
            PrivacyRuntime.MaxDegreeOfParallelism = previous;
        }

        Assert.All(threads, t => Assert.Equal(caller, t));
    }

    [Fact]
    public void Two_threads_never_run_more_than_two_bodies_at_once()
    {
        int running = 0, peak = 0;
        int previous = PrivacyRuntime.MaxDegreeOfParallelism;
        try
        {
            PrivacyRuntime.MaxDegreeOfParallelism = 2;
            Parallelism.For(32, 8192, _ =>
            {
                int now = Interlocked.Increment(ref running);
                InterlockedMax(ref peak, now);
                Thread.Sleep(1);
                Interlocked.Decrement(ref running);
            });
        }
        finally
        {
            PrivacyRuntime.MaxDegreeOfParallelism = previous;
        }

        Assert.InRange(peak, 1, 2);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    [InlineData(int.MinValue)]
    public void Zero_and_values_below_minus_one_are_rejected(int value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PrivacyRuntime.MaxDegreeOfParallelism = value);
    }

    [Fact]
    public void Default_is_unlimited()
    {
        Assert.Equal(-1, PrivacyRuntime.MaxDegreeOfParallelism);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen = Volatile.Read(ref target);
        while (value > seen)
        {
            int original = Interlocked.CompareExchange(ref target, value, seen);
            if (original == seen)
            {
                return;
            }

            seen = original;
        }
    }
}

/// <summary>Tests that change <see cref="PrivacyRuntime.MaxDegreeOfParallelism"/> run one after another.</summary>
[CollectionDefinition(nameof(PrivacyRuntimeCollection), DisableParallelization = true)]
public sealed class PrivacyRuntimeCollection;
