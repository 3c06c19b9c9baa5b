using System.Diagnostics;
using Thestage.Inference.Compilation;
using Thestage.Models;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;

namespace Thestage.Cli.Workflow;

/// <summary>
/// <c>thestage prove --private-input DIR</c>: the proof of <c>y = f_W(x)</c> against the samples' commitment (<c>DIR/input.tsic</c>, made by
/// <c>thestage commit-input</c>) instead of the samples (<see cref="InferenceProver.ProvePrivateInputBatch"/>, <c>TSIP</c> 0x8003 in a
/// <see cref="PrivateInputFiles"/> <c>TSPI</c> file). The committed samples are rebuilt from the CSV and <c>DIR/input.seed</c> past the openings
/// <c>DIR/input.openings</c> counts and must be the published commitment; both counts (the model's and the input's) advance before the
/// proof is written, each under its directory's lock.
/// </summary>
internal static class PrivateInputProof
{
    public static int Run(
        string inputDirectory, string package, ModelCommitment published, CommittedModel model, QuantizedModel quantized, ModelPackage source, double[][] samples, int[][] inputs,
        string outputPath, double commitSeconds, Terminal terminal, CancellationToken cancellationToken)
    {
        string commitmentPath = WorkflowFiles.In(inputDirectory, PrivateInputFiles.Commitment, "made by thestage commit-input");
        InputCommitment commitment = WorkflowFiles.Load(commitmentPath, 1 << 10, "an input commitment", b => InputCommitmentSerializer.Deserialize(b));
        if (!commitment.InputShape.Equals(published.InputShape) || commitment.InputBits != published.InputBits || commitment.Batch != inputs.Length)
        {
            throw new InvalidDataException($"{commitmentPath} commits {commitment.Batch} samples of {commitment.InputShape}, {commitment.InputBits}-bit; the CSV has {inputs.Length} samples for a model of {published.InputShape}, {published.InputBits}-bit");
        }

        string fingerprint = commitment.Fingerprint.ToString();
        using FileStream held = OpeningCount.Lock(inputDirectory, PrivateInputFiles.LockName, terminal, cancellationToken);
        int used = OpeningCount.Read(inputDirectory, PrivateInputFiles.Count, fingerprint, commitment.OpeningBudget, 0, "the samples' commitment", "the samples", "commit the samples again", "every proof is one");
        if (used >= commitment.OpeningBudget)
        {
            throw new InvalidDataException($"{inputDirectory}: the samples' opening budget is used up ({used} of {commitment.OpeningBudget} proofs); another would reuse a mask set; commit the samples again (a new commitment, to publish)");
        }

        string seedPath = WorkflowFiles.In(inputDirectory, PrivateInputFiles.Seed, "made by thestage commit-input");
        CommittedInput committed;
        using (ModelCommitmentSeed seed = WorkflowFiles.Named(seedPath, () => ModelCommitmentSeed.FromBytes(WorkflowFiles.ReadSecret(seedPath, WorkflowFiles.SeedBytes, "a commitment seed"))))
        {
            committed = terminal.Step($"committing to the samples again from their seed ({used} of {commitment.OpeningBudget} openings used)", () => CommittedInput.CommitBatch(published, inputs, seed, commitment.Parameters, used));
        }

        if (committed.Commitment.Fingerprint != commitment.Fingerprint)
        {
            throw new InvalidDataException($"{commitmentPath} is not the commitment of these samples under {seedPath} (fingerprint {fingerprint}, recomputed {committed.Commitment.Fingerprint}): give the CSV given to thestage commit-input");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        (int[][] outputs, InferenceProof proof) = terminal.Step($"proving {inputs.Length} private samples", () => InferenceProver.ProvePrivateInputBatch(model, committed));
        double proveSeconds = clock.Elapsed.TotalSeconds;
        byte[] bytes = PrivateInputFiles.Serialize(published.Fingerprint, commitment.Fingerprint, outputs, proof);

        // Both proofs' mask sets are taken from here on: the counts move past them before the proof can leave the process.
        if (published.OpeningBudget > 0)
        {
            OpeningCount.Write(package, published, model.OpeningsUsed);
        }

        OpeningCount.Write(inputDirectory, PrivateInputFiles.Count, fingerprint, commitment.OpeningBudget, committed.OpeningsUsed);
        WorkflowFiles.Write(outputPath, bytes);
        double[][] dequantized = [.. outputs.Select(o => quantized.DequantizeOutput(o))];
        AgreementReport agreement = AgreementReport.Compare([.. samples.Select(x => source.Source.Evaluate(x))], dequantized);
        terminal.Line($"proved {inputs.Length} private samples in {proveSeconds:F1} s (commitment rebuilt in {commitSeconds:F1} s): {outputPath} ({WorkflowFiles.Shown(bytes.Length)}), "
            + $"against {commitmentPath} ({fingerprint}); {committed.OpeningsUsed} of {commitment.OpeningBudget} of its openings used; "
            + $"int8 outputs vs the exact model: argmax {agreement.ArgmaxAgreement:P1}, max error {agreement.MaxAbsoluteError:G3}");
        terminal.Result(new
        {
            Command = "prove",
            Passed = true,
            PrivateInput = true,
            Samples = inputs.Length,
            CommitSeconds = commitSeconds,
            ProveSeconds = proveSeconds,
            ProofBytes = bytes.Length,
            Fingerprint = published.Fingerprint.ToString(),
            InputFingerprint = fingerprint,
            InputOpeningsUsed = committed.OpeningsUsed,
            InputProofsRemaining = committed.ProofsRemaining,
            OpeningBudget = published.OpeningBudget,
            OpeningsUsed = published.OpeningBudget > 0 ? model.OpeningsUsed : (int?)null,
            SoundnessBits = InferenceVerifier.PrivateInputSoundnessBits(published, commitment),
            VersusExact = agreement,
            Outputs = dequantized,
            Out = outputPath,
        });
        return 0;
    }
}
