using Thestage.Inference.Compilation;
using Thestage.Inference.Runtime;
using Thestage.Models;
using Xunit.Abstractions;

namespace Thestage.Inference.Tests.Compilation;

/// <summary>
/// The targets of issue 11 on models from a real exporter (torch.onnx.export): compiled with calibration, served
/// encrypted, compared with the plain evaluation on 100 test samples the calibration did not see.
/// </summary>
public sealed class ModelCompilerTests(CompiledFixtures compiled, ITestOutputHelper output) : IClassFixture<CompiledFixtures>
{
    public static TheoryData<string> Models => ["mlp_square_opset9", "cnn_square_opset11", "mlp_relu_opset13"];

    [Theory]
    [MemberData(nameof(Models))]
    public void Encrypted_predictions_agree_with_plain_in_argmax_on_99_percent_and_within_the_accuracy_the_plan_reports(string name)
    {
        ModelPackage package = compiled[name];
        CalibrationReportOf(package, out var report);
        output.WriteLine(package.Plan.Describe());

        double[][] encrypted = Serve(package, OnnxFixtures.Test);
        double[][] polynomial = [.. OnnxFixtures.Test.Select(x => package.Model.Evaluate(x))];
        double[][] exact = [.. OnnxFixtures.Test.Select(x => package.Source.Evaluate(x))];
        AgreementReport versusPlain = AgreementReport.Compare(polynomial, encrypted);
        AgreementReport versusExact = AgreementReport.Compare(exact, encrypted);
        output.WriteLine($"test set: encrypted vs polynomial {versusPlain}; encrypted vs exact {versusExact}");

        Assert.True(versusPlain.ArgmaxAgreement >= 0.99, $"argmax agreement {versusPlain.ArgmaxAgreement}");
        // The plan's figure is measured on the 100 calibration samples; the test samples' largest error stays within 2× of it.
        Assert.True(versusPlain.MaxAbsoluteError <= 2 * report.EncryptedVersusPolynomial!.MaxAbsoluteError, $"{versusPlain.MaxAbsoluteError} vs reported {report.EncryptedVersusPolynomial.MaxAbsoluteError}");
        Assert.True(versusExact.ArgmaxAgreement >= report.Polynomial.ArgmaxAgreement - 0.05);
    }

    [Fact]
    public void A_relu_model_runs_through_calibrated_polynomials_with_the_accuracy_loss_reported()
    {
        ModelPackage package = compiled["mlp_relu_opset13"];
        CalibrationReportOf(package, out var report);
        Assert.Equal([2, 4], report.Fits.Select(f => f.LayerIndex));
        Assert.All(report.Fits, f => Assert.Equal(LayerKind.Relu, f.Function));
        Assert.All(report.Fits, f => Assert.Equal(package.Calibration.InputRangeOf(f.LayerIndex), f.Calibrated));
        Assert.Equal(100, report.Polynomial.SampleCount);
        Assert.True(report.Polynomial.ArgmaxAgreement >= 0.95, report.Polynomial.ToString());
        Assert.True(report.Encrypted!.ArgmaxAgreement >= 0.95, report.Encrypted.ToString());
        Assert.Contains("relu≈", package.Model.Layers[2].ToString());

        // Served inputs 1.5× beyond the calibration: the polynomial model degrades gracefully (no explosion).
        double[][] far = [.. OnnxFixtures.Test.Select(x => x.Select(v => 1.5 * v).ToArray())];
        double calibratedMax = package.Calibration.Ranges.Skip(1).Max(r => r.MaxAbs);
        ValueRange calibrated = package.Calibration.InputRangeOf(2);
        double[] preActivations = [.. far.SelectMany(x => package.Source.EvaluateAll(x)[2])];
        Assert.True(preActivations.Max() > calibrated.Max && preActivations.Min() < calibrated.Min, "the 1.5× inputs leave the calibrated range of the first ReLU");
        AgreementReport beyond = AgreementReport.Compare([.. far.Select(x => package.Source.Evaluate(x))], [.. far.Select(x => package.Model.Evaluate(x))]);
        output.WriteLine($"1.5× inputs: polynomial vs exact {beyond}; within calibration {report.Polynomial}");
        Assert.True(beyond.MaxAbsoluteError <= 2 * report.Polynomial.MaxAbsoluteError + 0.05 * calibratedMax, beyond.ToString());
        Assert.True(beyond.ArgmaxAgreement >= 0.9, beyond.ToString());
    }

    [Fact]
    public void A_model_with_max_pooling_is_refused_with_what_to_do()
    {
        var e = Assert.Throws<NotSupportedException>(() => ModelCompiler.Compile(OnnxFixtures.Import("cnn_maxpool_opset17"), OnnxFixtures.Calibration[..4]));
        Assert.Contains("MaxPool2d", e.Message);
        Assert.Contains("AvgPool2d", e.Message);
    }

    private static void CalibrationReportOf(ModelPackage package, out Thestage.Inference.Planning.CalibrationReport report) =>
        report = package.Plan.Calibration ?? throw new InvalidOperationException("The compiled plan has no calibration report.");

    /// <summary>The whole exchange in process: client keys and request, server evaluation on the prepared model, client decryption.</summary>
    internal static double[][] Serve(ModelPackage package, IReadOnlyList<double[]> samples)
    {
        using var client = new InferenceClient(package.Plan);
        PreparedModel prepared = package.Prepare();
        var server = new EncryptedModel(prepared, prepared.LoadEvaluationKeys(client.CreateEvaluationKeys().ToBytes()));
        return client.DecryptResponse(server.EvaluateRequest(client.EncryptRequest(samples)));
    }
}
