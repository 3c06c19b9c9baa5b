using System.CommandLine;
using System.Diagnostics;
using Thestage.Inference.Compilation;
using Thestage.Models;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;

namespace Thestage.Cli.Workflow;

/// <summary>
/// <c>thestage prove --model PKG --input X.csv --out PROOF</c>: the model owner proves the int8 model's outputs on the samples.
/// The committed model is rebuilt from the package and the secret seed and must be the published commitment
/// (<c>PKG/model.tsmc</c>, by its fingerprint); the proof bundle (TSPB) holds the integer inputs, the outputs and one batch proof.
/// </summary>
/// <remarks>
/// A hiding commitment with an opening budget (<c>compile --hiding --opening-budget B</c>) is proven holding the package's lock
/// (a second <c>prove</c> on the package waits): the count of openings (<see cref="OpeningCount"/>) is read — a missing or
/// malformed one refused — and a used-up budget refused; the model is committed again past the mask sets used, proven, and the
/// advanced count replaces the old one before the proof is written.
/// </remarks>
internal static class ProveVerb
{
    public static Command Command()
    {
        Option<string> model = CliOptions.InputDirectory("--model", $"The package directory made by thestage compile ({WorkflowFiles.Package}, {WorkflowFiles.Commitment}, {WorkflowFiles.CommitmentSeed}; with --hiding, {OpeningCount.FileName}: the openings made so far, advanced by every proof — keep it with the seed, never roll it back)");
        Option<string> input = CliOptions.InputFile("--input", $"The samples: a CSV, one sample per line (at most {InferenceProofBundle.MaxSamples}), no header, the model's input flattened in C order");
        Option<string> output = CliOptions.OutputFile("--out", "Where the proof goes (TSPB: inputs, outputs and the proof; with --private-input TSPI: outputs and the proof, no input); give it to anyone with the commitment");
        Option<string?> privateInput = CliOptions.ExistingDirectory("--private-input", $"Prove against the samples' commitment made by thestage commit-input (the directory with {PrivateInputFiles.Commitment}, {PrivateInputFiles.Seed}, {PrivateInputFiles.Count}; --input the same CSV): the proof never reveals them");
        var command = new Command("prove", "Proves the outputs of the committed int8 model on the samples of a CSV: one proof for the batch, checkable against the published commitment (thestage verify). A hiding commitment with an opening budget allows budget − 1 proofs; then prove refuses.")
        {
            model, input, output, privateInput,
        };
        command.SetAction((result, token) => Program.Run(result, terminal => Run(result.GetValue(model)!, result.GetValue(input)!, result.GetValue(output)!, result.GetValue(privateInput), terminal, token)));
        return command;
    }

    /// <summary>The package's model, its int8 form and the published commitment (with its path).</summary>
    /// <exception cref="InvalidDataException">A file is missing or malformed, or the model has no fixed-point form.</exception>
    internal static (ModelPackage Package, QuantizedModel Quantized, ModelCommitment Published, string CommitmentPath) LoadModel(string directory)
    {
        ModelPackage package = WorkflowFiles.Load(WorkflowFiles.In(directory, WorkflowFiles.Package, "made by thestage compile"), WorkflowFiles.MaxLarge, "a model package", b => ModelPackage.FromBytes(b));
        QuantizedModel quantized;
        try
        {
            quantized = Quantizer.Quantize(package.Source, package.Calibration);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{directory}: the model has no fixed-point form for proofs: {WorkflowFiles.Reason(e)}", e);
        }

        string commitmentPath = WorkflowFiles.In(directory, WorkflowFiles.Commitment, "made by thestage compile");
        ModelCommitment published = WorkflowFiles.Load(commitmentPath, WorkflowFiles.MaxMedium, "a model commitment", b => ModelCommitmentSerializer.Deserialize(b));
        return (package, quantized, published, commitmentPath);
    }

    /// <summary>The samples of a CSV, quantized as the int8 model reads its input.</summary>
    internal static int[][] ReadInputs(string inputPath, QuantizedModel quantized, int maxSamples) =>
        [.. WorkflowFiles.ReadCsv(inputPath, quantized.InputShape.Size, maxSamples).Select(x => quantized.QuantizeInput(x))];

    private static int Run(string directory, string inputPath, string outputPath, string? privateInput, Terminal terminal, CancellationToken cancellationToken)
    {
        (ModelPackage package, QuantizedModel quantized, ModelCommitment published, string commitmentPath) = LoadModel(directory);
        string seedPath = WorkflowFiles.In(directory, WorkflowFiles.CommitmentSeed, "made by thestage compile");
        double[][] samples = WorkflowFiles.ReadCsv(inputPath, quantized.InputShape.Size, InferenceProofBundle.MaxSamples);
        int[][] inputs = [.. samples.Select(x => quantized.QuantizeInput(x))];
        cancellationToken.ThrowIfCancellationRequested();
        if (privateInput is not null && !published.Parameters.Hiding)
        {
            throw new InvalidDataException($"{commitmentPath} is a plain commitment (compile --non-hiding-for-benchmarks): its proofs would reveal a private input; compile again without that option");
        }
        int budget = published.OpeningBudget;
        using FileStream? held = budget > 0 ? OpeningCount.Lock(directory, terminal, cancellationToken) : null;
        int used = budget > 0 ? OpeningCount.Read(directory, published) : 0;
        if (budget > 0 && used >= budget)
        {
            throw new InvalidDataException($"{directory}: the opening budget is used up ({used} of {budget} openings: the weight range proof and {used - 1} proofs); "
                + "another would reuse a mask set, and repeated openings reveal the weights; compile again (a new commitment, to publish) for more proofs");
        }

        var clock = Stopwatch.StartNew();
        CommittedModel committed;
        using (ModelCommitmentSeed seed = WorkflowFiles.Named(seedPath, () => ModelCommitmentSeed.FromBytes(WorkflowFiles.ReadSecret(seedPath, WorkflowFiles.SeedBytes, "a commitment seed"))))
        {
            committed = budget > 0
                ? terminal.Step($"committing to the int8 model again from its seed ({used} of {budget} openings used)", () => CommittedModel.Commit(quantized, seed, new LigeroParameters(published.Parameters.LogBlowup, published.Parameters.ColumnQueries, hiding: true, budget), used))
                : terminal.Step("committing to the int8 model again from its seed", () => CommittedModel.Commit(quantized, seed, published.Parameters));
        }

        if (committed.Commitment.Fingerprint != published.Fingerprint)
        {
            throw new InvalidDataException($"{commitmentPath} is not the commitment of the package's model under {seedPath} (fingerprint {published.Fingerprint}, recomputed {committed.Commitment.Fingerprint}): the files come from different compiles; compile again");
        }

        double commitSeconds = clock.Elapsed.TotalSeconds;
        cancellationToken.ThrowIfCancellationRequested();

        if (privateInput is not null)
        {
            return PrivateInputProof.Run(privateInput, directory, published, committed, quantized, package, samples, inputs, outputPath, commitSeconds, terminal, cancellationToken);
        }

        clock.Restart();
        InferenceProofBundle bundle = terminal.Step($"proving {samples.Length} samples", () => InferenceProofBundle.Prove(committed, inputs));
        double proveSeconds = clock.Elapsed.TotalSeconds;
        byte[] bytes = InferenceProofBundleSerializer.Serialize(bundle);
        if (budget > 0)
        {
            // The proof holds a mask set from here on: the count moves past it before the proof can leave the process.
            OpeningCount.Write(directory, published, committed.OpeningsUsed);
        }

        WorkflowFiles.Write(outputPath, bytes);
        double[][] outputs = [.. Enumerable.Range(0, bundle.Count).Select(s => quantized.DequantizeOutput(bundle.GetOutput(s)))];
        AgreementReport agreement = AgreementReport.Compare([.. samples.Select(x => package.Source.Evaluate(x))], outputs);
        terminal.Line($"proved {samples.Length} samples in {proveSeconds:F1} s (commitment rebuilt in {commitSeconds:F1} s): {outputPath} ({WorkflowFiles.Shown(bytes.Length)}); "
            + $"int8 outputs vs the exact model: argmax {agreement.ArgmaxAgreement:P1}, max error {agreement.MaxAbsoluteError:G3}"
            + (budget > 0 ? $"; {committed.OpeningsUsed} of {budget} openings used, proofs left: {committed.ProofsRemaining}" : string.Empty));
        terminal.Result(new
        {
            Command = "prove",
            Passed = true,
            Samples = samples.Length,
            CommitSeconds = commitSeconds,
            ProveSeconds = proveSeconds,
            ProofBytes = bytes.Length,
            Fingerprint = published.Fingerprint.ToString(),
            OpeningBudget = budget,
            OpeningsUsed = budget > 0 ? committed.OpeningsUsed : (int?)null,
            ProofsRemaining = budget > 0 ? committed.ProofsRemaining : (int?)null,
            SoundnessBits = InferenceVerifier.SoundnessBits(published, samples.Length),
            VersusExact = agreement,
            Outputs = outputs,
            Out = outputPath,
        });
        return 0;
    }
}
