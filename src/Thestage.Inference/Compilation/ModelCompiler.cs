using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Models;

namespace Thestage.Inference.Compilation;

/// <summary>
/// From a model of the IR (imported from ONNX or TorchSharp, exact activations allowed) and calibration samples to the
/// artifacts of encrypted inference: calibration, fitted activation polynomials, the CKKS plan with its accuracy report,
/// in one <see cref="ModelPackage"/>.
/// </summary>
/// <remarks>
/// Steps: (1) measure every tensor's range on the samples (<see cref="Calibration.Measure"/>); (2) replace each exact ReLU,
/// sigmoid, tanh and GELU by a polynomial fitted on its calibrated range (<see cref="ActivationFitter"/>); (3) plan the
/// polynomial model, with integer bits enough for twice the largest calibrated value of either model; (4) compare the
/// polynomial model with the exact one on all samples and, with fresh keys, the encrypted evaluation with both on the
/// first <see cref="CompileOptions.EncryptedCheckSamples"/>; the plan carries the report (<see cref="InferencePlan.Calibration"/>).
/// </remarks>
public static class ModelCompiler
{
    /// <summary>Compiles <paramref name="model"/> for encrypted inference.</summary>
    /// <param name="model">The model (exact activations are fitted; max pooling cannot be compiled).</param>
    /// <param name="calibrationSamples">Representative inputs, at least one (a few hundred cover a model's ranges well).</param>
    /// <param name="options">What is asked for (defaults when null).</param>
    /// <exception cref="ArgumentException">No sample, a sample of another size, or options out of range.</exception>
    /// <exception cref="NotSupportedException">The model has a layer without CKKS evaluation (max pooling).</exception>
    /// <exception cref="Privacy.Rlwe.InsecureParametersException">No 128-bit parameter set holds the model's depth.</exception>
    public static ModelPackage Compile(Sequential model, IReadOnlyList<double[]> calibrationSamples, CompileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(calibrationSamples);
        options ??= new CompileOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.EncryptedCheckSamples);
        Calibration calibration = Calibration.Measure(model, calibrationSamples);
        FittedModel fitted = ActivationFitter.Fit(model, calibration, options.Activations);
        Calibration polynomialRanges = Calibration.Measure(fitted.Model, calibrationSamples);
        double largest = calibration.Ranges.Concat(polynomialRanges.Ranges).Max(r => r.MaxAbs);
        int integerBits = Math.Max(options.Planner.IntegerBits, (int)Math.Ceiling(Math.Log2(Math.Max(2 * largest, 1))));
        InferencePlan plan = InferencePlanner.Plan(fitted.Model, options.Planner with { IntegerBits = integerBits });

        double[][] exact = [.. calibrationSamples.Select(x => model.Evaluate(x))];
        double[][] polynomial = [.. calibrationSamples.Select(x => fitted.Model.Evaluate(x))];
        AgreementReport? encrypted = null, encryptedVersusPolynomial = null;
        int check = Math.Min(options.EncryptedCheckSamples, calibrationSamples.Count);
        if (check > 0)
        {
            double[][] outputs = EvaluateEncrypted(fitted.Model, plan, calibrationSamples.Take(check).ToArray());
            encrypted = AgreementReport.Compare(exact[..check], outputs);
            encryptedVersusPolynomial = AgreementReport.Compare(polynomial[..check], outputs);
        }

        var report = new CalibrationReport(calibration.SampleCount, fitted.Fits, AgreementReport.Compare(exact, polynomial), encrypted, encryptedVersusPolynomial);
        return new ModelPackage(model, calibration, fitted.Model, plan.WithCalibration(report));
    }

    /// <summary>Runs the client and the server in process, with fresh keys and the plan's default output flooding.</summary>
    private static double[][] EvaluateEncrypted(Sequential model, InferencePlan plan, double[][] samples)
    {
        using var client = new InferenceClient(plan);
        var server = new EncryptedModel(model, plan, client.CreateEvaluationKeys());
        return client.DecryptResponse(server.EvaluateRequest(client.EncryptRequest(samples)));
    }
}
