using System.Globalization;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;

namespace Thestage.Benchmarks.Proofs;

/// <summary>
/// <c>private-input-prove [lenet|mlp] [warm-up proofs] [measured proofs] [input budget]</c>: one process that commits LeNet-5 (max pooling) or
/// the 784-128-10 MLP (<see cref="ProofWorkloads"/>, hiding with the default opening budget of 8, <c>TSMC</c> v7: at most 7 proofs) and an image as a private input
/// (<see cref="CommittedInput"/>, hiding with the given budget, 2 by default; committed again, outside the measurement, when its budget is
/// used up), then proves and verifies it privately (<see cref="InferenceProver.ProvePrivateInput"/>,
/// <see cref="InferenceVerifier.VerifyPrivateInput(ModelCommitment, InputCommitment, ReadOnlySpan{int}, InferenceProof?)"/>). Prints one
/// tab-separated line per measured proof: prove and verify thread CPU time (<see cref="LeNet5Process.ThreadCpuMilliseconds"/>: on a loaded
/// machine, the time the thread actually ran; prove includes serialization, verify deserialization), proof bytes, the input opening's bytes,
/// whether it verified; then the proof's breakdown.
/// </summary>
internal static class PrivateInputProcess
{
    public static int Run(string[] args)
    {
        bool lenet = args.Length < 1 || args[0] != "mlp";
        int warmUp = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
        int measured = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        int budget = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2;
        List<double[]> images = ProofWorkloads.Images(16, out _);
        LigeroParameters parameters = LigeroParameters.DefaultHidingWithBudget(CommittedModel.DefaultOpeningBudget);
        CommittedModel model = lenet ? ProofWorkloads.LeNet5(ProofWorkloads.Pad32(images), maxPooling: true, parameters) : ProofWorkloads.Mlp(images, parameters);
        int[] input = model.Model.QuantizeInput(lenet ? ProofWorkloads.Pad32([images[0]])[0] : images[0]);
        CommittedInput committed = CommittedInput.Commit(model.Commitment, input, LigeroParameters.DefaultHidingWithBudget(budget));
        string? described = null;
        Console.WriteLine("# workload\tproof\tprove_cpu_ms\tverify_cpu_ms\tproof_bytes\tinput_opening_bytes\tverified");
        for (int i = 0; i < warmUp + measured; i++)
        {
            if (committed.ProofsRemaining == 0)
            {
                committed = CommittedInput.Commit(model.Commitment, input, LigeroParameters.DefaultHidingWithBudget(budget));
            }

            double cpu = LeNet5Process.ThreadCpuMilliseconds();
            (int[] output, InferenceProof proven) = InferenceProver.ProvePrivateInput(model, committed);
            byte[] proof = InferenceProofSerializer.Serialize(proven);
            double proveCpu = LeNet5Process.ThreadCpuMilliseconds() - cpu;
            cpu = LeNet5Process.ThreadCpuMilliseconds();
            bool verified = InferenceVerifier.VerifyPrivateInput(model.Commitment, committed.Commitment, output, InferenceProofSerializer.Deserialize(proof));
            double verifyCpu = LeNet5Process.ThreadCpuMilliseconds() - cpu;
            described ??= ProofWorkloads.Describe(proven);
            if (i >= warmUp)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{(lenet ? "lenet5" : "mlp")}\t{i - warmUp + 1}\t{proveCpu:F2}\t{verifyCpu:F2}\t{proof.Length}\t{LigeroProofSerializer.Serialize(proven.InputOpening!).Length}\t{verified}"));
            }
        }

        Console.WriteLine($"# {described}");
        return 0;
    }
}
