using System.Buffers.Binary;
using Thestage.Inference.Compilation;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Inference.Tests.Compilation;
using Thestage.Privacy.Serialization;

namespace Thestage.Inference.Tests.Attacks;

/// <summary>Attacks on the inference artifacts: each test crafts the hostile bytes and checks they are refused.</summary>
public sealed class InferenceArtifactAttackTests(CompiledFixtures compiled) : IClassFixture<CompiledFixtures>
{
    [Fact]
    public void SecretKeyOfferedToTheServerAsEvaluationKeys_IsRefusedWithTheReason()
    {
        ModelPackage package = compiled["mlp_matmul_opset21"];
        PreparedModel prepared = package.Prepare();
        using var client = new InferenceClient(package.Plan);
        byte[] secret = client.ExportSecretKey();
        CkksFormatException e = Assert.Throws<CkksFormatException>(() => prepared.LoadEvaluationKeys(secret));
        Assert.Contains("never a secret key", e.Message);
        Assert.Throws<CkksFormatException>(() => EvaluationKeys.FromBytes(secret));
    }

    [Fact]
    public void OtherArtifactsOfferedAsAPlan_AreRefusedNamingWhatTheyAre()
    {
        ModelPackage package = compiled["mlp_matmul_opset21"];
        using var client = new InferenceClient(package.Plan);

        // A CKKS object (the secret key, TSPV), another artifact (the model package, TSPK), and bytes that are not ours.
        Assert.Contains("found \"TSPV\", a CKKS object", Assert.Throws<CkksFormatException>(() => InferencePlan.FromBytes(client.ExportSecretKey())).Message);
        Assert.Contains("found \"TSPK\"", Assert.Throws<CkksFormatException>(() => InferencePlan.FromBytes(package.ToBytes())).Message);
        Assert.DoesNotContain("found", Assert.Throws<CkksFormatException>(() => InferencePlan.FromBytes([0x7f, 0x45, 0x4c, 0x46, 2, 1])).Message);
        Assert.Contains("ends early", Assert.Throws<CkksFormatException>(() => InferencePlan.FromBytes(package.Plan.ToBytes()[..40])).Message);
    }

    [Fact]
    public void RequestEncryptedUnderAnotherPlan_IsRefusedBeforeEvaluation()
    {
        ModelPackage package = compiled["mlp_matmul_opset21"];
        InferencePlan other = InferencePlanner.Plan(package.Model, new PlannerOptions { PrecisionBits = 20 });
        using var client = new InferenceClient(other);
        byte[] request = client.EncryptRequest(OnnxFixtures.Test[..1]);
        using var owner = new InferenceClient(package.Plan);
        PreparedModel prepared = package.Prepare();
        var server = new EncryptedModel(prepared, prepared.LoadEvaluationKeys(owner.CreateEvaluationKeys().ToBytes()));
        Assert.Contains("another plan", Assert.Throws<CkksFormatException>(() => server.EvaluateRequest(request)).Message);
    }

    [Fact]
    public void RequestAnnouncingMoreSamplesThanItHolds_IsRefused()
    {
        ModelPackage package = compiled["mlp_matmul_opset21"];
        using var client = new InferenceClient(package.Plan);
        byte[] request = client.EncryptRequest(OnnxFixtures.Test[..2]);
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(4 + 2 + 32), 3);
        PreparedModel prepared = package.Prepare();
        var server = new EncryptedModel(prepared, prepared.LoadEvaluationKeys(client.CreateEvaluationKeys().ToBytes()));
        Assert.Contains("its messages hold 2", Assert.Throws<CkksFormatException>(() => server.EvaluateRequest(request)).Message);

        // A response is checked the same way by the client.
        byte[] response = server.EvaluateRequest(client.EncryptRequest(OnnxFixtures.Test[..2]));
        BinaryPrimitives.WriteUInt32LittleEndian(response.AsSpan(4 + 2 + 32), 3);
        Assert.Contains("its messages hold 2", Assert.Throws<CkksFormatException>(() => client.DecryptResponse(response)).Message);
    }

    [Fact]
    public void PlanWhoseLayersDoNotAddUpToItsDepth_IsRefused()
    {
        byte[] plan = compiled["mlp_matmul_opset21"].Plan.ToBytes();
        int parameters = BinaryPrimitives.ReadInt32LittleEndian(plan.AsSpan(6));
        int depthOffset = 6 + 4 + parameters + 1 + 1 + 4 + 4;
        BinaryPrimitives.WriteUInt32LittleEndian(plan.AsSpan(depthOffset), BinaryPrimitives.ReadUInt32LittleEndian(plan.AsSpan(depthOffset)) - 1);
        Assert.Throws<CkksFormatException>(() => InferencePlan.FromBytes(plan));
    }
}
