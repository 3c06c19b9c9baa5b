using Thestage.Inference.Compilation;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Models;
using Thestage.Privacy.Serialization;

namespace Thestage.Inference.Tests.Compilation;

/// <summary>
/// The file-based workflow with only bytes between the parties, as the CLI's compile / keys / encrypt / eval / decrypt
/// verbs run it: the model owner keeps the package, the client receives the plan alone, the server receives the evaluation
/// keys and the request, never the secret key.
/// </summary>
public sealed class FileWorkflowTests(CompiledFixtures compiled) : IClassFixture<CompiledFixtures>
{
    [Fact]
    public void Compile_keys_encrypt_eval_decrypt_through_bytes_gives_the_plain_predictions()
    {
        ModelPackage compiledPackage = compiled["mlp_matmul_opset21"];
        byte[] packageFile = compiledPackage.ToBytes(), planFile = compiledPackage.Plan.ToBytes();   // compile
        double[][] samples = OnnxFixtures.Test[..6];

        byte[] secretKeyFile, evaluationKeysFile;                                                    // keys
        InferencePlan plan = InferencePlan.FromBytes(planFile);
        using (var client = new InferenceClient(plan))
        {
            secretKeyFile = client.ExportSecretKey();
            evaluationKeysFile = client.CreateEvaluationKeys().ToBytes();
        }

        byte[] request;                                                                              // encrypt
        using (var client = new InferenceClient(plan, secretKeyFile))
        {
            request = client.EncryptRequest(samples);
        }

        ModelPackage package = ModelPackage.FromBytes(packageFile);                                  // eval
        PreparedModel prepared = package.Prepare();
        byte[] response = new EncryptedModel(prepared, prepared.LoadEvaluationKeys(evaluationKeysFile)).EvaluateRequest(request);

        double[][] outputs;                                                                          // decrypt
        using (var client = new InferenceClient(plan, secretKeyFile))
        {
            outputs = client.DecryptResponse(response);
        }

        double[][] plain = [.. samples.Select(x => package.Model.Evaluate(x))];
        AgreementReport agreement = AgreementReport.Compare(plain, outputs);
        Assert.Equal(1.0, agreement.ArgmaxAgreement);
        Assert.True(agreement.MaxAbsoluteError <= 2 * plan.Calibration!.EncryptedVersusPolynomial!.MaxAbsoluteError, agreement.ToString());
    }

    [Fact]
    public void The_package_and_the_plan_round_trip_and_keep_their_identity()
    {
        ModelPackage package = compiled["mlp_matmul_opset21"];
        ModelPackage back = ModelPackage.FromBytes(package.ToBytes());
        Assert.Equal(package.ToBytes(), back.ToBytes());
        Assert.Equal(package.Plan.Fingerprint.ToArray(), back.Plan.Fingerprint.ToArray());
        Assert.Equal(package.Plan.Describe(), back.Plan.Describe());
        Assert.Equal(package.Plan.Calibration!.Fits, back.Plan.Calibration!.Fits);
        Assert.Equal(package.Calibration.Ranges, back.Calibration.Ranges);
        double[] x = OnnxFixtures.Test[0];
        Assert.Equal(package.Model.Evaluate(x), back.Model.Evaluate(x));
        Assert.Equal(package.Source.Evaluate(x), back.Source.Evaluate(x));
        Assert.Equal("TSPL"u8.ToArray(), package.Plan.ToBytes()[..4]);
        Assert.Equal("TSPK"u8.ToArray(), package.ToBytes()[..4]);
    }

    [Fact]
    public void A_prepared_model_serves_two_clients_with_their_own_keys()
    {
        ModelPackage package = compiled["mlp_matmul_opset21"];
        PreparedModel prepared = package.Prepare();
        double[][] samples = OnnxFixtures.Test[10..12];
        double[][] plain = [.. samples.Select(x => package.Model.Evaluate(x))];
        for (int c = 0; c < 2; c++)
        {
            using var client = new InferenceClient(package.Plan);
            var session = new EncryptedModel(prepared, prepared.LoadEvaluationKeys(client.CreateEvaluationKeys().ToBytes()));
            double[][] outputs = client.DecryptResponse(session.EvaluateRequest(client.EncryptRequest(samples)));
            Assert.True(AgreementReport.Compare(plain, outputs).MaxAbsoluteError < 0.5);
        }

        using var other = new InferenceClient(package.Plan);
        Assert.Contains("LoadEvaluationKeys", Assert.Throws<ArgumentException>(() => new EncryptedModel(prepared, other.CreateEvaluationKeys())).Message);
    }

    [Fact]
    public void A_package_whose_model_is_not_its_plans_is_refused()
    {
        ModelPackage a = compiled["mlp_matmul_opset21"], b = compiled["mlp_square_opset9"];
        var swapped = new ModelPackage(a.Source, a.Calibration, b.Model, a.Plan);
        Assert.Throws<CkksFormatException>(() => ModelPackage.FromBytes(swapped.ToBytes()));
        var calibration = new ModelPackage(a.Source, b.Calibration, a.Model, a.Plan);
        Assert.Contains("ranges", Assert.Throws<CkksFormatException>(() => ModelPackage.FromBytes(calibration.ToBytes())).Message);
    }
}
