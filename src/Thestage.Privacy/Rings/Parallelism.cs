namespace Thestage.Privacy.Rings;

/// <summary>
/// Runs independent per-limb work in parallel when it is large enough to pay for the scheduling
/// (a task costs a few microseconds; one NTT of N = 4096 about 40 µs), within
/// <see cref="PrivacyRuntime.MaxDegreeOfParallelism"/>.
/// </summary>
internal static class Parallelism
{
    /// <summary>The smallest total number of coefficients (limbs × N) worth spreading over cores.</summary>
    public const int MinParallelCoefficients = 16384;

    public static void For(int count, int n, Action<int> body)
    {
        if (count > 1 && (long)count * n >= MinParallelCoefficients && Environment.ProcessorCount > 1 && !PrivacyRuntime.IsSequential)
        {
            Parallel.For(0, count, PrivacyRuntime.ParallelOptions, body);
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }
        }
    }
}
