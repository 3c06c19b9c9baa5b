using System.Runtime.InteropServices;

namespace Thestage.Proofs.Tests;

/// <summary>The calling thread's CPU time (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>), for the measurement classes' figures on a loaded machine; NaN elsewhere.</summary>
internal static partial class ThreadCpu
{
    private const int ThreadCpuClock = 3;

    /// <summary>Gets the calling thread's CPU time in milliseconds.</summary>
    public static double Milliseconds() =>
        OperatingSystem.IsLinux() && ClockGetTime(ThreadCpuClock, out TimeSpec time) == 0 ? (time.Seconds * 1e3) + (time.Nanoseconds / 1e6) : double.NaN;

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
