using System.CommandLine;
using System.Diagnostics;
using Thestage.Inference.Compilation;
using Thestage.Inference.Planning;
using Thestage.Models;
using Thestage.Models.Onnx;
using Thestage.Privacy.Tensors;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;

namespace Thestage.Cli.Workflow;

/// <summary>
/// <c>thestage compile MODEL.onnx --calibration C.csv --out PKG</c>: calibrates, fits the activations, plans the CKKS
/// evaluation and measures its accuracy (<see cref="ModelCompiler"/>), then quantizes the same model on the same
/// calibration for proofs and commits to it with a fresh secret seed. Writes the files of <see cref="WorkflowFiles"/>.
/// </summary>
internal static class CompileVerb
{
    /// <summary>The most calibration samples read.</summary>
    private const int MaxCalibrationSamples = 1 << 16;

    public static Command Command()
    {
        Argument<string> model = CliOptions.ModelFile();
        Option<string> calibration = CliOptions.InputFile("--calibration", "Representative inputs: a CSV, one sample per line, no header, the model's input flattened in C order (a few hundred cover a model's ranges)");
        Option<string> output = CliOptions.RequiredOutputDirectory("--out", $"The package directory (created): {WorkflowFiles.Package} (private), {WorkflowFiles.Plan} (for clients), {WorkflowFiles.Commitment} (for verifiers), {WorkflowFiles.CommitmentSeed} (private)");
        Option<string> packing = new("--packing")
        {
            Description = "row: one sample per ciphertext (latency, the fewest bytes for a few samples); batch: one sample per slot, N/2 samples per ciphertext (throughput)",
            HelpName = "row|batch",
            DefaultValueFactory = _ => "row",
            CustomParser = r =>
            {
                string? value = r.Tokens.Count == 1 && !r.Tokens[0].Value.StartsWith("--", StringComparison.Ordinal) ? r.Tokens[0].Value : null;
                if (value is not ("row" or "batch"))
                {
                    r.AddError(value is null ? "--packing" + Program.NeedsAValue : $"--packing takes row or batch; got '{value}'");
                }

                return value ?? "row";
            },
        };
        packing.CompletionSources.Add("row", "batch");
        var command = new Command("compile", "Compiles an ONNX model for both back-ends: calibration, activation fits and the CKKS plan with its measured accuracy (encrypted inference), and the int8 model committed for proofs of inference.")
        {
            model, calibration, output, packing,
        };
        command.SetAction((result, token) => Program.Run(result, terminal => Run(result.GetValue(model)!, result.GetValue(calibration)!, result.GetValue(output)!, result.GetValue(packing) == "batch" ? TensorPacking.Batch : TensorPacking.RowMajor, terminal, token)));
        return command;
    }

    private static int Run(string modelPath, string calibrationPath, string directory, TensorPacking packing, Terminal terminal, CancellationToken cancellationToken)
    {
        Sequential model = WorkflowFiles.Named(modelPath, () => OnnxImporter.ImportFile(modelPath));
        terminal.Line($"imported {modelPath}: {model}");
        double[][] samples = WorkflowFiles.ReadCsv(calibrationPath, model.InputShape.Size, MaxCalibrationSamples);

        var clock = Stopwatch.StartNew();
        var options = new CompileOptions { Planner = new PlannerOptions { Packing = packing } };
        ModelPackage package = terminal.Step($"compiling for CKKS ({samples.Length} calibration samples, an encrypted check of {Math.Min(options.EncryptedCheckSamples, samples.Length)})", () => ModelCompiler.Compile(model, samples, options));
        double compileSeconds = clock.Elapsed.TotalSeconds;
        cancellationToken.ThrowIfCancellationRequested();
        InferencePlan plan = package.Plan;
        Directory.CreateDirectory(directory);
        string packagePath = Path.Combine(directory, WorkflowFiles.Package), planPath = Path.Combine(directory, WorkflowFiles.Plan);
        WorkflowFiles.Write(packagePath, package.ToBytes());
        WorkflowFiles.Write(planPath, plan.ToBytes());
        terminal.Line(plan.Describe().TrimEnd());
        terminal.Line($"compiled in {compileSeconds:F1} s; wrote {packagePath} ({WorkflowFiles.Shown(WorkflowFiles.Size(packagePath))}) and {planPath} ({WorkflowFiles.Shown(WorkflowFiles.Size(planPath))})");

        clock.Restart();
        ProofSide proofs = Commit(package, samples, directory, terminal);
        double commitSeconds = clock.Elapsed.TotalSeconds;
        terminal.Line(proofs.Available
            ? $"proofs: int8 model (inputs {proofs.InputBits} bits), argmax as the exact model on {proofs.Agreement!.ArgmaxAgreement:P1} of the calibration samples (max error {proofs.Agreement.MaxAbsoluteError:G3}); "
                + $"committed in {commitSeconds:F1} s to {Path.Combine(directory, WorkflowFiles.Commitment)} ({WorkflowFiles.Shown(proofs.CommitmentBytes)}, fingerprint {proofs.Fingerprint}), {proofs.SoundnessBits:F1} bits per proof of one sample"
            : $"proofs: not available — {proofs.Reason}");
        CalibrationReport? report = plan.Calibration;
        terminal.Result(new
        {
            Command = "compile",
            Passed = true,
            Model = modelPath,
            Out = directory,
            CalibrationSamples = samples.Length,
            Ckks = new
            {
                N = plan.Parameters.PolyModulusDegree,
                PrimeBits = plan.Parameters.CoeffModulus.Select(q => 64 - (int)ulong.LeadingZeroCount(q)).ToArray(),
                plan.ScaleBits,
                plan.Depth,
                Packing = plan.Packing == TensorPacking.Batch ? "batch" : "row",
                GaloisKeys = plan.RotationSteps.Count,
                plan.Rotations,
                PredictedGaloisKeyBytes = plan.GaloisKeyBytes,
                PredictedCiphertextBytes = plan.CiphertextBytes,
                Fits = report?.Fits.Select(f => new { Layer = f.LayerIndex, Function = f.Function.ToString(), Calibrated = new[] { f.Calibrated.Min, f.Calibrated.Max }, f.Degree, f.MaxError, f.MeetsTarget }).ToArray(),
                PolynomialVersusExact = report?.Polynomial,
                EncryptedVersusExact = report?.Encrypted,
                EncryptedVersusPolynomial = report?.EncryptedVersusPolynomial,
            },
            Proofs = proofs,
            PackageBytes = WorkflowFiles.Size(packagePath),
            PlanBytes = WorkflowFiles.Size(planPath),
            CompileSeconds = compileSeconds,
            CommitSeconds = commitSeconds,
        });
        return 0;
    }

    /// <summary>
    /// Quantizes the package's source model on its calibration and commits to it with a fresh seed; when the model has no
    /// fixed-point form, removes any commitment and seed left in the directory by an earlier compile (they would name another model).
    /// </summary>
    private static ProofSide Commit(ModelPackage package, double[][] samples, string directory, Terminal terminal)
    {
        string commitmentPath = Path.Combine(directory, WorkflowFiles.Commitment), seedPath = Path.Combine(directory, WorkflowFiles.CommitmentSeed);
        File.Delete(commitmentPath);
        File.Delete(seedPath);
        QuantizedModel quantized;
        try
        {
            quantized = Quantizer.Quantize(package.Source, package.Calibration);
        }
        catch (ArgumentException e)
        {
            return new ProofSide(false, WorkflowFiles.Reason(e), 0, null, 0, null, 0);
        }

        using ModelCommitmentSeed seed = ModelCommitmentSeed.Create();
        CommittedModel committed = terminal.Step("committing to the int8 model", () => CommittedModel.Commit(quantized, seed));
        byte[] commitment = ModelCommitmentSerializer.Serialize(committed.Commitment);
        WorkflowFiles.WriteSecret(seedPath, seed.ToBytes());
        WorkflowFiles.Write(commitmentPath, commitment);
        AgreementReport agreement = Quantizer.Compare(package.Source, quantized, samples);
        return new ProofSide(true, null, quantized.InputBits, agreement, commitment.Length, committed.Commitment.Fingerprint.ToString(), InferenceVerifier.SoundnessBits(committed.Commitment, 1));
    }

    /// <summary>The proof side of the package, as reported.</summary>
    private sealed record ProofSide(bool Available, string? Reason, int InputBits, AgreementReport? Agreement, long CommitmentBytes, string? Fingerprint, double SoundnessBits);
}
