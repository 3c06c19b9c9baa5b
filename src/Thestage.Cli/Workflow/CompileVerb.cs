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
/// The commitment is hiding by default (issue 13), with <see cref="LigeroParameters.DefaultHidingWithBudget"/>(<c>B</c>) (TSMC v6): the
/// weight commitments stay hiding over <c>B</c> openings — the weight range proof, then <c>B − 1</c> proofs — and the openings made
/// are counted in <see cref="OpeningCount"/>. <c>B</c> is <c>--opening-budget</c>, else <see cref="CommittedModel.DefaultOpeningBudget"/>
/// (8, the SDK's default), at most <see cref="VerifierPolicy.DefaultMaximumOpeningBudget"/>, the largest that <c>thestage verify</c>
/// (the default policy) accepts; a hiding commitment without a budget is never made, since it stays hidden for one opening and the
/// range proof is that opening (docs/proofs.md, "Opening budget"). <c>--hiding</c>, which used to ask for this, is accepted and
/// changes nothing. <c>--non-hiding-for-benchmarks</c> makes the plain commitment (<see cref="LigeroParameters.NonHidingForBenchmarks"/>,
/// TSMC v3, the default before): not zero-knowledge, for measuring what hiding costs.
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
        Option<bool> hiding = CliOptions.Flag("--hiding", "Accepted for scripts written before hiding became the default; changes nothing (the commitment is hiding without it)");
        Option<bool> plain = CliOptions.Flag("--non-hiding-for-benchmarks", "Commit in the plain mode, NOT zero-knowledge (proofs reveal round messages and opened columns of the weights): for measuring what hiding costs only");
        Option<int?> budget = CliOptions.OptionalCount(
            "--opening-budget",
            $"The openings of the hiding weight commitments — the weight range proof, then one per thestage prove, so n − 1 proofs; prove refuses more (compile again for a new commitment). Default {CommittedModel.DefaultOpeningBudget}. Proofs grow with n (about 13 KB per unit and weight polynomial); thestage verify accepts up to {VerifierPolicy.DefaultMaximumOpeningBudget}",
            2,
            VerifierPolicy.DefaultMaximumOpeningBudget);
        var command = new Command("compile", "Compiles an ONNX model for both back-ends: calibration, activation fits and the CKKS plan with its measured accuracy (encrypted inference), and the int8 model committed for proofs of inference.")
        {
            model, calibration, output, packing, hiding, plain, budget,
        };
        command.SetAction((result, token) => Program.Run(result, terminal => Run(
            result.GetValue(model)!, result.GetValue(calibration)!, result.GetValue(output)!, result.GetValue(packing) == "batch" ? TensorPacking.Batch : TensorPacking.RowMajor,
            ProofParameters(result.GetValue(hiding), result.GetValue(plain), result.GetValue(budget)), terminal, token)));
        return command;
    }

    /// <summary>The commitment parameters the options ask for: hiding with a budget (the default), or plain for benchmarks (see remarks).</summary>
    /// <exception cref="UsageException"><c>--non-hiding-for-benchmarks</c> with <c>--hiding</c> or <c>--opening-budget</c>.</exception>
    private static LigeroParameters ProofParameters(bool hiding, bool plain, int? budget) => (plain, hiding, budget) switch
    {
        (false, _, _) => LigeroParameters.DefaultHidingWithBudget(budget ?? CommittedModel.DefaultOpeningBudget),
        (true, false, null) => LigeroParameters.NonHidingForBenchmarks,
        (true, true, _) => throw new UsageException("--non-hiding-for-benchmarks excludes --hiding"),
        (true, false, _) => throw new UsageException("--opening-budget applies to a hiding commitment; drop --non-hiding-for-benchmarks"),
    };

    private static int Run(string modelPath, string calibrationPath, string directory, TensorPacking packing, LigeroParameters parameters, Terminal terminal, CancellationToken cancellationToken)
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
    /// name another model). <paramref name="parameters"/>: hiding with a budget, or plain for benchmarks.
    /// </summary>
    private static ProofSide Commit(ModelPackage package, double[][] samples, string directory, LigeroParameters parameters, Terminal terminal)
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
        CommittedModel committed = parameters.Hiding
            ? terminal.Step($"committing to the int8 model, hiding for {parameters.OpeningBudget} openings", () => CommittedModel.Commit(quantized, seed, parameters))
            : terminal.Step("committing to the int8 model (plain: not zero-knowledge, for benchmarks)", () => CommittedModel.Commit(quantized, seed, parameters));
        byte[] commitment = ModelCommitmentSerializer.Serialize(committed.Commitment);
        WorkflowFiles.WriteSecret(seedPath, seed.ToBytes());
        if (parameters.OpeningBudget > 0)
        {
            OpeningCount.Write(directory, committed.Commitment, committed.OpeningsUsed);
        }

        WorkflowFiles.Write(commitmentPath, commitment);
        AgreementReport agreement = Quantizer.Compare(package.Source, quantized, samples);
        return new ProofSide(
            true, null, quantized.InputBits, agreement, commitment.Length, committed.Commitment.Fingerprint.ToString(), InferenceVerifier.SoundnessBits(committed.Commitment, 1),
            committed.Commitment.Parameters.Hiding, committed.Commitment.OpeningBudget, parameters.OpeningBudget > 0 ? committed.ProofsRemaining : null);
    }

    /// <summary>The proof side of the package, as reported: for a hiding commitment, the budget and the proofs it leaves (null for a plain one).</summary>
    private sealed record ProofSide(
        bool Available, string? Reason, int InputBits, AgreementReport? Agreement, long CommitmentBytes, string? Fingerprint, double SoundnessBits,
        bool Hiding, int OpeningBudget, int? ProofsRemaining);
}
