using System.CommandLine;
using Thestage.Proofs;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;

namespace Thestage.Cli.Workflow;

/// <summary>
/// <c>thestage commit-input --model PKG --input X.csv --out DIR</c>: the owner of private samples commits to them, as one batch, once
/// (<see cref="CommittedInput.CommitBatch(ModelCommitment, IReadOnlyList{int[]}, ModelCommitmentSeed, LigeroParameters, int)"/>, <c>TSIC</c> v2,
/// hiding with an opening budget): <c>DIR/input.tsic</c> is published, <c>DIR/input.seed</c> and <c>DIR/input.openings</c> stay with whoever
/// proves (<c>thestage prove --private-input DIR</c>, with the same CSV), and verifiers check such proofs against <c>input.tsic</c> without ever
/// seeing the samples (<c>thestage verify --input-commitment</c>).
/// </summary>
/// <remarks>
/// The samples are quantized as the package's int8 model quantizes its input, so the commitment holds exactly what the model reads. The
/// budget <c>B</c> (<c>--opening-budget</c>, default 4, at most the verifier's 64) is the number of proofs the commitment stays hidden for;
/// the count starts at 0 and every <c>prove</c> advances it under <c>DIR/input.lock</c> before its proof is written, as for the model
/// (<see cref="OpeningCount"/>).
/// </remarks>
internal static class InputCommitVerb
{
    /// <summary>The default opening budget of a committed input.</summary>
    public const int DefaultOpeningBudget = 4;

    public static Command Command()
    {
        Option<string> model = CliOptions.InputDirectory("--model", $"The package directory made by thestage compile (its {WorkflowFiles.Package} quantizes the samples, its {WorkflowFiles.Commitment} fixes their shape and width)");
        Option<string> input = CliOptions.InputFile("--input", $"The private samples: a CSV, one sample per line (at most {4096}), no header, the model's input flattened in C order");
        Option<string> output = CliOptions.RequiredOutputDirectory("--out", $"The directory (created): {PrivateInputFiles.Commitment} (publish it), {PrivateInputFiles.Seed} and {PrivateInputFiles.Count} (private: keep them with the samples)");
        Option<int> budget = CliOptions.Count("--opening-budget", $"The proofs the commitment stays hidden for (one opening each); prove refuses more. Proofs grow with it; thestage verify accepts up to {VerifierPolicy.DefaultMaximumOpeningBudget}", 1, VerifierPolicy.DefaultMaximumOpeningBudget, DefaultOpeningBudget);
        var command = new Command("commit-input", "Commits to private samples (hiding, TSIC) for proofs of inference that never reveal them: thestage prove --private-input, checked by thestage verify --input-commitment.")
        {
            model, input, output, budget,
        };
        command.SetAction((result, token) => Program.Run(result, terminal => Run(result.GetValue(model)!, result.GetValue(input)!, result.GetValue(output)!, result.GetValue(budget), terminal)));
        return command;
    }

    private static int Run(string package, string inputPath, string directory, int budget, Terminal terminal)
    {
        (_, Thestage.Proofs.Quantization.QuantizedModel quantized, ModelCommitment published, _) = ProveVerb.LoadModel(package);
        int[][] inputs = ProveVerb.ReadInputs(inputPath, quantized, 1 << 12);
        LigeroParameters parameters = LigeroParameters.DefaultHidingWithBudget(budget);
        Directory.CreateDirectory(directory);
        using ModelCommitmentSeed seed = ModelCommitmentSeed.Create();
        CommittedInput committed = terminal.Step($"committing to {inputs.Length} samples, hiding for {budget} proofs", () => CommittedInput.CommitBatch(published, inputs, seed, parameters));
        byte[] bytes = InputCommitmentSerializer.Serialize(committed.Commitment);
        string fingerprint = committed.Commitment.Fingerprint.ToString();
        WorkflowFiles.WriteSecret(Path.Combine(directory, PrivateInputFiles.Seed), seed.ToBytes());
        OpeningCount.Write(directory, PrivateInputFiles.Count, fingerprint, budget, 0);
        WorkflowFiles.Write(Path.Combine(directory, PrivateInputFiles.Commitment), bytes);
        terminal.Line($"committed {inputs.Length} samples: {Path.Combine(directory, PrivateInputFiles.Commitment)} ({bytes.Length} bytes, fingerprint {fingerprint}), hiding for {budget} proofs; "
            + $"keep {PrivateInputFiles.Seed} and {PrivateInputFiles.Count} with the samples");
        terminal.Result(new
        {
            Command = "commit-input",
            Passed = true,
            Samples = inputs.Length,
            Fingerprint = fingerprint,
            OpeningBudget = budget,
            CommitmentBytes = bytes.Length,
            Out = directory,
        });
        return 0;
    }
}
