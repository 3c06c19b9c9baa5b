using System.Diagnostics;
using System.Globalization;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;

namespace Thestage.Benchmarks.Proofs;

/// <content>
/// <c>lenet5-verify [max|avg] [verifications] [hiding|plain]</c>: proves one LeNet-5 image once, then deserializes and verifies
/// the same proof bytes repeatedly on one thread (the weight range proof checked once before). One tab-separated line per
/// verification: wall time, CPU time of the thread, managed bytes allocated by the thread, and the collections of each
/// generation it saw; then the median and minimum. Run it under <c>taskset -c 0</c> for a single-core, load-independent
/// profile (<c>perf record</c> with <c>DOTNET_PerfMapEnabled=1</c> names the JIT-compiled methods).
/// </content>
internal static partial class LeNet5Process
{
    public static int RunVerify(string[] args)
    {
        bool maxPooling = args.Length < 1 || args[0] != "avg";
        int count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        bool hiding = args.Length < 3 || args[2] != "plain";
        List<double[]> images = ProofWorkloads.Pad32(ProofWorkloads.Images(16, out _));
        CommittedModel model = ProofWorkloads.LeNet5(images, maxPooling, hiding ? LigeroParameters.DefaultHiding : LigeroParameters.Default);
        if (!model.Commitment.VerifyWeightRanges())
        {
            return 1;
        }

        List<int[]> inputs = [model.Model.QuantizeInput(images[0])];
        (int[][] outputs, InferenceProof proven) = InferenceProver.ProveBatch(model, inputs);
        byte[] proof = InferenceProofSerializer.Serialize(proven);
        Console.WriteLine("# verification\twall_ms\tcpu_ms\tallocated_bytes\tgen0\tgen1\tgen2");
        var wall = new double[count];
        var cpu = new double[count];
        var clock = new Stopwatch();
        for (int i = 0; i < count; i++)
        {
            int[] collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            double start = ThreadCpuMilliseconds();
            clock.Restart();
            bool verified = InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, InferenceProofSerializer.Deserialize(proof));
            wall[i] = clock.Elapsed.TotalMilliseconds;
            cpu[i] = ThreadCpuMilliseconds() - start;
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            if (!verified)
            {
                return 1;
            }

            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{i + 1}\t{wall[i]:F3}\t{cpu[i]:F3}\t{allocated}\t{GC.CollectionCount(0) - collections[0]}\t{GC.CollectionCount(1) - collections[1]}\t{GC.CollectionCount(2) - collections[2]}"));
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"# {(maxPooling ? "max" : "avg")} {(hiding ? "hiding" : "plain")}, {proof.Length} B, {count} verifications (the first {Math.Min(10, count)} left out of the summary): "
            + $"wall median {Median(wall)} ms, min {Min(wall)} ms; thread CPU median {Median(cpu)} ms, min {Min(cpu)} ms"));
        return 0;
    }

    private static string Median(double[] values)
    {
        double[] sorted = values.Skip(Math.Min(10, values.Length - 1)).Order().ToArray();
        return sorted[sorted.Length / 2].ToString("F3", CultureInfo.InvariantCulture);
    }

    private static string Min(double[] values) =>
        values.Skip(Math.Min(10, values.Length - 1)).Min().ToString("F3", CultureInfo.InvariantCulture);
}
