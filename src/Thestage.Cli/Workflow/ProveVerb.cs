using System.CommandLine;
using System.Diagnostics;
using Thestage.Inference.Compilation;
using Thestage.Models;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;

namespace Thestage.Cli.Workflow;

/// <summary>
/// <c>thestage prove --model PKG --input X.csv --out PROOF</c>: the model owner proves the int8 model's outputs on the samples.
/// The committed model is rebuilt from the package and the secret seed and must be the published commitment
/// (<c>PKG/model.tsmc</c>, by its fingerprint); the proof bundle (TSPB) holds the integer inputs, the outputs and one batch proof.
/// </summary>
internal static class ProveVerb
{
    public static Command Command()
    {
        Option<string> model = CliOptions.InputDirectory("--model", $"The package directory made by thestage compile ({WorkflowFiles.Package}, {WorkflowFiles.Commitment}, {WorkflowFiles.CommitmentSeed})");
        Option<string> input = CliOptions.InputFile("--input", $"The samples: a CSV, one sample per line (at most {InferenceProofBundle.MaxSamples}), no header, the model's input flattened in C order");
        Option<string> output = CliOptions.OutputFile("--out", "Where the proof goes (TSPB: inputs, outputs and the proof); give it to anyone with the commitment");
        var command = new Command("prove", "Proves the outputs of the committed int8 model on the samples of a CSV: one proof for the batch, checkable against the published commitment (thestage verify).")
        {
            model, input, output,
        };
        command.SetAction((result, token) => Program.Run(result, terminal => Run(result.GetValue(model)!, result.GetValue(input)!, result.GetValue(output)!, terminal, token)));
        return command;
    }

    private static int Run(string directory, string inputPath, string outputPath, Terminal terminal, CancellationToken cancellationToken)
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
        string seedPath = WorkflowFiles.In(directory, WorkflowFiles.CommitmentSeed, "made by thestage compile");
        var clock = Stopwatch.StartNew();
        CommittedModel committed;
        using (ModelCommitmentSeed seed = WorkflowFiles.Named(seedPath, () => ModelCommitmentSeed.FromBytes(WorkflowFiles.ReadSecret(seedPath, WorkflowFiles.SeedBytes, "a commitment seed"))))
        {
            committed = terminal.Step("committing to the int8 model again from its seed", () => CommittedModel.Commit(quantized, seed, published.Parameters));
        }

        if (committed.Commitment.Fingerprint != published.Fingerprint)
        {
            throw new InvalidDataException($"{commitmentPath} is not the commitment of the package's model under {seedPath} (fingerprint {published.Fingerprint}, recomputed {committed.Commitment.Fingerprint}): the files come from different compiles; compile again");
        }

        double commitSeconds = clock.Elapsed.TotalSeconds;
        double[][] samples = WorkflowFiles.ReadCsv(inputPath, quantized.InputShape.Size, InferenceProofBundle.MaxSamples);
        int[][] inputs = [.. samples.Select(x => quantized.QuantizeInput(x))];
        cancellationToken.ThrowIfCancellationRequested();

        clock.Restart();
        InferenceProofBundle bundle = terminal.Step($"proving {samples.Length} samples", () => InferenceProofBundle.Prove(committed, inputs));
        double proveSeconds = clock.Elapsed.TotalSeconds;
        byte[] bytes = InferenceProofBundleSerializer.Serialize(bundle);
        WorkflowFiles.Write(outputPath, bytes);
        double[][] outputs = [.. Enumerable.Range(0, bundle.Count).Select(s => quantized.DequantizeOutput(bundle.GetOutput(s)))];
        AgreementReport agreement = AgreementReport.Compare([.. samples.Select(x => package.Source.Evaluate(x))], outputs);
        terminal.Line($"proved {samples.Length} samples in {proveSeconds:F1} s (commitment rebuilt in {commitSeconds:F1} s): {outputPath} ({WorkflowFiles.Shown(bytes.Length)}); "
            + $"int8 outputs vs the exact model: argmax {agreement.ArgmaxAgreement:P1}, max error {agreement.MaxAbsoluteError:G3}");
        terminal.Result(new
        {
            Command = "prove",
            Passed = true,
            Samples = samples.Length,
            CommitSeconds = commitSeconds,
            ProveSeconds = proveSeconds,
            ProofBytes = bytes.Length,
            Fingerprint = published.Fingerprint.ToString(),
            SoundnessBits = InferenceVerifier.SoundnessBits(published, samples.Length),
            VersusExact = agreement,
            Outputs = outputs,
            Out = outputPath,
        });
        return 0;
    }
}
