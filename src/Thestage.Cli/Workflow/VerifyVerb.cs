using System.CommandLine;
using System.Diagnostics;
using Thestage.Proofs;
using Thestage.Proofs.Inference;

namespace Thestage.Cli.Workflow;

/// <summary>
/// <c>thestage verify --model PKG --proof PROOF</c>: checks a proof bundle against the published commitment under the default
/// <see cref="VerifierPolicy"/>; exit code 0 if and only if it verifies. The verifier needs the commitment only (no weights,
/// no seed): <c>--model</c> is the package directory or the <c>model.tsmc</c> file itself. Hiding commitments, with an opening
/// budget (<c>compile --hiding --opening-budget B</c>) or without, verify the same way; the policy refuses budgets above
/// <see cref="VerifierPolicy.MaximumOpeningBudget"/> (64), which <c>compile</c> never makes. A plain commitment
/// (<c>compile --non-hiding-for-benchmarks</c>, or one made before hiding became the default) verifies too, and the result says it is
/// not hiding; <c>--require-zero-knowledge</c> refuses it (<see cref="VerifierPolicy.RequireZeroKnowledge"/>).
/// </summary>
internal static class VerifyVerb
{
    public static Command Command()
    {
        Option<string> model = CliOptions.InputPath("--model", $"The published commitment: the package directory, or its {WorkflowFiles.Commitment} file alone");
        Option<string> proof = CliOptions.InputFile("--proof", "The proof made by thestage prove (TSPB)");
        Option<bool> requireZeroKnowledge = CliOptions.Flag("--require-zero-knowledge", "Refuse a proof against a plain (non-hiding) commitment, as made by compile --non-hiding-for-benchmarks or before hiding became the default");
        Option<string?> inputCommitment = CliOptions.OptionalInputPath("--input-commitment", $"For a proof made with prove --private-input (TSPI): the published commitment of the samples, {PrivateInputFiles.Commitment} or the directory holding it");
        var command = new Command("verify", "Verifies a proof of inference against the published model commitment (default verifier policy: 100 bits), and a private-input proof also against the samples' commitment (--input-commitment); exit code 0 if and only if it verifies.")
        {
            model, proof, requireZeroKnowledge, inputCommitment,
        };
        command.SetAction((result, token) => Program.Run(result, terminal => Run(
            result.GetValue(model)!, result.GetValue(proof)!, result.GetValue(inputCommitment), new VerifierPolicy { RequireZeroKnowledge = result.GetValue(requireZeroKnowledge) }, terminal)));
        return command;
    }

    private static int Run(string model, string proofPath, string? inputCommitment, VerifierPolicy policy, Terminal terminal)
    {
        string commitmentPath = WorkflowFiles.FileOrIn(model, WorkflowFiles.Commitment, "made by thestage compile");
        ModelCommitment commitment = WorkflowFiles.Load(commitmentPath, WorkflowFiles.MaxMedium, "a model commitment", b => ModelCommitmentSerializer.Deserialize(b));
        byte[] proofBytes = WorkflowFiles.Read(proofPath, WorkflowFiles.MaxProof, "a proof");
        if (PrivateInputFiles.IsPrivateInputProof(proofBytes) || inputCommitment is not null)
        {
            return RunPrivateInput(commitment, commitmentPath, proofPath, proofBytes, inputCommitment, policy, terminal);
        }

        InferenceProofBundle bundle = WorkflowFiles.Named(proofPath, () => InferenceProofBundleSerializer.Deserialize(proofBytes));
        var clock = Stopwatch.StartNew();
        bool named = bundle.CommitmentFingerprint == commitment.Fingerprint;
        ProofVerdict? verdict = named ? terminal.Step($"verifying {bundle.Count} samples", () => bundle.Check(commitment, policy)) : null;
        bool valid = verdict?.IsAccepted == true;
        double seconds = clock.Elapsed.TotalSeconds;
        string? reason = valid ? null
            : !named ? $"the proof was made against another commitment (fingerprint {bundle.CommitmentFingerprint}; {commitmentPath} is {commitment.Fingerprint})"
            : verdict!.Reason == RejectionReason.NotZeroKnowledge ? $"{commitmentPath} is a plain commitment (not zero-knowledge), refused under --require-zero-knowledge"
            : $"the proof does not verify against {commitmentPath}: {verdict} (outputs, inputs or proof altered, or a commitment weaker than {policy.MinimumSoundnessBits} bits or with an opening budget above {policy.MaximumOpeningBudget})";
        string mode = commitment.Parameters.Hiding ? "hiding" : "plain, not zero-knowledge";
        double scale = Math.Pow(2.0, -commitment.OutputFractionBits);
        terminal.Line(valid
            ? $"valid: {bundle.Count} samples, outputs of the model {commitment.Fingerprint}, verified in {seconds * 1000:F0} ms ({Soundness(commitment, bundle.Count):F1} bits, {mode})"
            : $"INVALID: {reason}");
        terminal.Result(new
        {
            Command = "verify",
            Passed = valid,
            Valid = valid,
            Reason = reason,
            Samples = bundle.Count,
            Fingerprint = commitment.Fingerprint.ToString(),
            Hiding = commitment.Parameters.Hiding,
            MinimumSoundnessBits = policy.MinimumSoundnessBits,
            SoundnessBits = Soundness(commitment, bundle.Count),
            VerifySeconds = seconds,
            Outputs = valid ? Enumerable.Range(0, bundle.Count).Select(s => bundle.GetOutput(s).ToArray().Select(q => q * scale).ToArray()).ToArray() : null,
        });
        if (!valid)
        {
            Program.Error($"{proofPath}: {reason}");
        }

        return valid ? 0 : Program.Failed;
    }

    /// <summary>Verifies a private-input proof (<c>TSPI</c>) against the model's and the samples' commitments.</summary>
    private static int RunPrivateInput(ModelCommitment commitment, string commitmentPath, string proofPath, byte[] proofBytes, string? inputCommitment, VerifierPolicy policy, Terminal terminal)
    {
        if (!PrivateInputFiles.IsPrivateInputProof(proofBytes))
        {
            throw new InvalidDataException($"{proofPath} is a proof for public samples (TSPB), not one made with prove --private-input; verify it without --input-commitment");
        }

        if (inputCommitment is null)
        {
            throw new InvalidDataException($"{proofPath} is a proof for private samples (TSPI): give the samples' published commitment with --input-commitment ({PrivateInputFiles.Commitment}, made by thestage commit-input)");
        }

        string inputPath = WorkflowFiles.FileOrIn(inputCommitment, PrivateInputFiles.Commitment, "made by thestage commit-input");
        InputCommitment input = WorkflowFiles.Load(inputPath, 1 << 10, "an input commitment", b => InputCommitmentSerializer.Deserialize(b));
        (Thestage.Proofs.Hashing.Digest256 modelName, Thestage.Proofs.Hashing.Digest256 inputName, int[][] outputs, InferenceProof proof) = WorkflowFiles.Named(proofPath, () =>
        {
            try
            {
                return PrivateInputFiles.Deserialize(proofBytes);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{proofPath}: {e.Message}", e);
            }
        });
        var clock = Stopwatch.StartNew();
        bool named = modelName == commitment.Fingerprint && inputName == input.Fingerprint;
        ProofVerdict? verdict = named ? terminal.Step($"verifying {outputs.Length} private samples", () => InferenceVerifier.CheckPrivateInputBatch(commitment, input, outputs, proof, policy)) : null;
        bool valid = verdict?.IsAccepted == true;
        double seconds = clock.Elapsed.TotalSeconds;
        string? reason = valid ? null
            : !named ? $"the proof was made against other commitments (model {modelName}, samples {inputName}; {commitmentPath} is {commitment.Fingerprint}, {inputPath} is {input.Fingerprint})"
            : $"the proof does not verify against {commitmentPath} and {inputPath}: {verdict} (outputs or proof altered, other samples than the committed ones, or commitments weaker than {policy.MinimumSoundnessBits} bits or with an opening budget above {policy.MaximumOpeningBudget})";
        double scale = Math.Pow(2.0, -commitment.OutputFractionBits);
        double bits = valid ? InferenceVerifier.PrivateInputSoundnessBits(commitment, input) : 0;
        terminal.Line(valid
            ? $"valid: {outputs.Length} private samples (commitment {input.Fingerprint}), outputs of the model {commitment.Fingerprint}, verified in {seconds * 1000:F0} ms ({bits:F1} bits, hiding)"
            : $"INVALID: {reason}");
        terminal.Result(new
        {
            Command = "verify",
            Passed = valid,
            Valid = valid,
            Reason = reason,
            PrivateInput = true,
            Samples = outputs.Length,
            Fingerprint = commitment.Fingerprint.ToString(),
            InputFingerprint = input.Fingerprint.ToString(),
            Hiding = true,
            MinimumSoundnessBits = policy.MinimumSoundnessBits,
            SoundnessBits = bits,
            VerifySeconds = seconds,
            Outputs = valid ? outputs.Select(o => o.Select(q => q * scale).ToArray()).ToArray() : null,
        });
        if (!valid)
        {
            Program.Error($"{proofPath}: {reason}");
        }

        return valid ? 0 : Program.Failed;
    }

    private static double Soundness(ModelCommitment commitment, int batch)
    {
        try
        {
            return InferenceVerifier.SoundnessBits(commitment, batch);
        }
        catch (ArgumentException)
        {
            return 0; // the batch exceeds what the circuit can hold for this model: no proof of it exists
        }
    }
}
