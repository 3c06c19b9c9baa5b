using System.CommandLine;
using System.Diagnostics;
using Thestage.Inference.Compilation;
using Thestage.Inference.Planning;
using Thestage.Models;
using Thestage.Models.Onnx;
using Thestage.Privacy.Tensors;
using Thestage.Proofs;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;

namespace Thestage.Cli.Workflow;

/// <summary>
/// <c>thestage compile MODEL.onnx --calibration C.csv --out PKG</c>: calibrates, fits the activations, plans the CKKS
/// evaluation and measures its accuracy (<see cref="ModelCompiler"/>), then quantizes the same model on the same
/// calibration for proofs and commits to it with a fresh secret seed. Writes the files of <see cref="WorkflowFiles"/>.
/// </summary>
/// <remarks>
/// <c>--hiding --opening-budget B</c> commits with <see cref="LigeroParameters.DefaultHidingWithBudget"/> (TSMC v7, hidden weights): the weight
/// commitments stay hiding over <c>B</c> openings — the weight range proof, then <c>B − 1</c> proofs — and the openings made are counted in
/// <see cref="OpeningCount"/>. <c>--hiding</c> alone is refused: a hiding commitment without a budget stays hidden for one
/// opening, which its range proof already is, so the first proof would start to reveal the weights (docs/proofs.md, "Opening
/// budget"). The budget is at most <see cref="VerifierPolicy.DefaultMaximumOpeningBudget"/>, the largest that <c>thestage verify</c>
/// (the default policy) accepts. Without these options the commitment is the plain one, as before.
/// </remarks>
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
        Option<bool> hiding = CliOptions.Flag("--hiding", "Commit on the zero-knowledge track (docs/proofs.md \"Hiding\"): hiding weight commitments, masked sumchecks; the proofs still reveal their claimed evaluations, so they are not yet zero-knowledge as a whole. Needs --opening-budget: a hiding commitment without a budget is hidden for one opening only, and the weight range proof is that opening");
        Option<int?> budget = CliOptions.OptionalCount(
            "--opening-budget",
            $"With --hiding: the openings of the weight commitments that stay hiding — the weight range proof, then one per thestage prove, so n − 1 proofs; prove refuses more (compile again for a new commitment). Proofs grow with n (about 13 KB per unit and weight polynomial); thestage verify accepts up to {VerifierPolicy.DefaultMaximumOpeningBudget}",
            2,
            VerifierPolicy.DefaultMaximumOpeningBudget);
        var command = new Command("compile", "Compiles an ONNX model for both back-ends: calibration, activation fits and the CKKS plan with its measured accuracy (encrypted inference), and the int8 model committed for proofs of inference.")
        {
            model, calibration, output, packing, hiding, budget,
        };
        command.SetAction((result, token) => Program.Run(result, terminal => Run(
            result.GetValue(model)!, result.GetValue(calibration)!, result.GetValue(output)!, result.GetValue(packing) == "batch" ? TensorPacking.Batch : TensorPacking.RowMajor,
            ProofParameters(result.GetValue(hiding), result.GetValue(budget)), terminal, token)));
        return command;
    }

    /// <summary>The commitment parameters the options ask for: plain, or hiding with a budget (see remarks).</summary>
    /// <exception cref="UsageException">One of <c>--hiding</c> and <c>--opening-budget</c> without the other.</exception>
    private static LigeroParameters? ProofParameters(bool hiding, int? budget) => (hiding, budget) switch
    {
        (false, null) => null,
        (true, int b) => LigeroParameters.DefaultHidingWithBudget(b),
        (true, null) => throw new UsageException("--hiding needs --opening-budget n: a hiding commitment without a budget is hidden for one opening only, and the weight range proof is that opening, so the first proof would start to reveal the weights"),
        (false, _) => throw new UsageException("--opening-budget applies to a hiding commitment; add --hiding"),
    };

    private static int Run(string modelPath, string calibrationPath, string directory, TensorPacking packing, LigeroParameters? parameters, Terminal terminal, CancellationToken cancellationToken)
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
        ProofSide proofs = Commit(package, samples, directory, parameters, terminal);
        double commitSeconds = clock.Elapsed.TotalSeconds;
        terminal.Line(proofs.Available
            ? $"proofs: int8 model (inputs {proofs.InputBits} bits), argmax as the exact model on {proofs.Agreement!.ArgmaxAgreement:P1} of the calibration samples (max error {proofs.Agreement.MaxAbsoluteError:G3}); "
                + $"committed in {commitSeconds:F1} s to {Path.Combine(directory, WorkflowFiles.Commitment)} ({WorkflowFiles.Shown(proofs.CommitmentBytes)}, fingerprint {proofs.Fingerprint}), {proofs.SoundnessBits:F1} bits per proof of one sample"
                + (proofs.OpeningBudget > 0 ? $"; hiding for {proofs.OpeningBudget} openings (proofs left: {proofs.ProofsRemaining}), counted in {Path.Combine(directory, OpeningCount.FileName)} (keep it with the seed)" : string.Empty)
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
    /// fixed-point form, removes any commitment, seed and opening count left in the directory by an earlier compile (they would
    /// name another model). <paramref name="parameters"/>: null for the plain commitment, else hiding with a budget.
    /// </summary>
    private static ProofSide Commit(ModelPackage package, double[][] samples, string directory, LigeroParameters? parameters, Terminal terminal)
    {
        string commitmentPath = Path.Combine(directory, WorkflowFiles.Commitment), seedPath = Path.Combine(directory, WorkflowFiles.CommitmentSeed);
        File.Delete(commitmentPath);
        File.Delete(seedPath);
        File.Delete(Path.Combine(directory, OpeningCount.FileName));
        QuantizedModel quantized;
        try
        {
            quantized = Quantizer.Quantize(package.Source, package.Calibration);
        }
        catch (ArgumentException e)
        {
            return new ProofSide(false, WorkflowFiles.Reason(e), 0, null, 0, null, 0, false, 0, null);
        }

        using ModelCommitmentSeed seed = ModelCommitmentSeed.Create();
        CommittedModel committed = parameters is null
            ? terminal.Step("committing to the int8 model", () => CommittedModel.Commit(quantized, seed))
            : terminal.Step($"committing to the int8 model, hiding for {parameters.OpeningBudget} openings", () => CommittedModel.Commit(quantized, seed, parameters));
        byte[] commitment = ModelCommitmentSerializer.Serialize(committed.Commitment);
        WorkflowFiles.WriteSecret(seedPath, seed.ToBytes());
        if (parameters is not null)
        {
            OpeningCount.Write(directory, committed.Commitment, committed.OpeningsUsed);
        }

        WorkflowFiles.Write(commitmentPath, commitment);
        AgreementReport agreement = Quantizer.Compare(package.Source, quantized, samples);
        return new ProofSide(
            true, null, quantized.InputBits, agreement, commitment.Length, committed.Commitment.Fingerprint.ToString(), InferenceVerifier.SoundnessBits(committed.Commitment, 1),
            committed.Commitment.Parameters.Hiding, committed.Commitment.OpeningBudget, parameters is null ? null : committed.ProofsRemaining);
    }

    /// <summary>The proof side of the package, as reported: with <c>--hiding</c>, the budget and the proofs it leaves (null without one).</summary>
    private sealed record ProofSide(
        bool Available, string? Reason, int InputBits, AgreementReport? Agreement, long CommitmentBytes, string? Fingerprint, double SoundnessBits,
        bool Hiding, int OpeningBudget, int? ProofsRemaining);
}
