using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;

namespace Thestage.Benchmarks.Proofs;

/// <summary>
/// <c>lenet5-prove [max|avg] [warm-up proofs] [measured proofs] [hiding|plain]</c>: one process that commits LeNet-5
/// (<see cref="ProofWorkloads.LeNet5"/>) and proves and verifies one image, for <c>benchmarks/compare-zkcnn.sh</c>, which runs
/// it under <c>/usr/bin/time -v</c> for the peak memory of a process that proves one inference (no warm-up, one proof) and
/// for warm timings beside zkCNN's process. The commitments are zero-knowledge (<see cref="LigeroParameters.DefaultHiding"/>) unless
/// the fourth argument is <c>plain</c> (<see cref="LigeroParameters.NonHidingForBenchmarks"/>, the non-hiding mode kept for comparison). Prints one tab-separated line per measured proof, after a header line:
/// witness (integer evaluation and witness segments), prove (witness commitment, logUp, layer sumchecks, openings,
/// serialization: zkCNN's definition, which leaves out its witness and circuit), verify (deserialization and verification,
/// the weight range proof already checked), proof bytes, and the prove and verify times as CPU time of the proving thread
/// (on Linux; on a loaded machine, the time the thread actually ran); then the one-time costs and the peak working set.
/// </summary>
internal static partial class LeNet5Process
{
    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID (Linux)

    public static int Run(string[] args)
    {
        bool maxPooling = args.Length < 1 || args[0] != "avg";
        int warmUp = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
        int measured = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        bool hiding = args.Length < 4 || args[3] != "plain";
        var clock = Stopwatch.StartNew();
        List<double[]> images = ProofWorkloads.Pad32(ProofWorkloads.Images(16, out string source));
        double setup = Lap(clock);
        CommittedModel model = ProofWorkloads.LeNet5(images, maxPooling, hiding ? LigeroParameters.DefaultHiding : LigeroParameters.NonHidingForBenchmarks);
        double commit = Lap(clock);
        bool ranges = model.Commitment.VerifyWeightRanges();
        double rangeCheck = Lap(clock);
        int[] input = model.Model.QuantizeInput(images[0]);
        string? described = null;
        Console.WriteLine("# pool\tproof\twitness_ms\tprove_ms\tverify_ms\tproof_bytes\tverified\tprove_cpu_ms\tverify_cpu_ms");
        for (int i = 0; i < warmUp + measured; i++)
        {
            clock.Restart();
            CircuitPlan plan = model.Commitment.Plan(1);
            InferenceWitness witness = InferenceWitness.Build(plan, model.Model, [input]);
            double witnessTime = Lap(clock);
            double cpu = ThreadCpuMilliseconds();
            InferenceProof proven = InferenceProver.ProveWithWitness(model, plan, [input], witness, null);
            byte[] proof = InferenceProofSerializer.Serialize(proven);
            double proveTime = Lap(clock);
            double proveCpu = ThreadCpuMilliseconds() - cpu;
            cpu = ThreadCpuMilliseconds();
            described ??= ProofWorkloads.Describe(proven);
            bool verified = InferenceVerifier.VerifyBatch(model.Commitment, [input], witness.Outputs, InferenceProofSerializer.Deserialize(proof));
            double verifyTime = Lap(clock);
            double verifyCpu = ThreadCpuMilliseconds() - cpu;
            if (i >= warmUp)
            {
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture, $"{(maxPooling ? "max" : "avg")}\t{i - warmUp + 1}\t{witnessTime:F2}\t{proveTime:F2}\t{verifyTime:F2}\t{proof.Length}\t{verified}\t{proveCpu:F2}\t{verifyCpu:F2}"));
            }

            if (!verified)
            {
                return 1;
            }
        }

        using var process = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"# {(hiding ? "hiding" : "plain (not hiding)")}: {described}\n# images: {source}; setup {setup:F0} ms; model commitment {commit:F0} ms ({ModelCommitmentSerializer.Serialize(model.Commitment).Length} B); "
            + $"range proof check {rangeCheck:F1} ms ({(ranges ? "valid" : "INVALID")}); soundness {InferenceVerifier.SoundnessBits(model.Commitment, 1):F2} bits; "
            + $"peak working set {process.PeakWorkingSet64 / 1048576.0:F1} MiB"));
        return ranges ? 0 : 1;
    }

    internal static double ThreadCpuMilliseconds()
    {
        if (!OperatingSystem.IsLinux() || ClockGetTime(ThreadCpuClock, out TimeSpec time) != 0)
        {
            return double.NaN;
        }

        return (time.Seconds * 1e3) + (time.Nanoseconds / 1e6);
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    private static double Lap(Stopwatch clock)
    {
        double ms = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        return ms;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
