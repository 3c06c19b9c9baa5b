using Thestage.Models;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Tests.Attacks;

/// <summary>
/// A client sends the server an evaluation-key bundle that cannot serve the plan. Before the checks in
/// <see cref="EncryptedModel"/>'s constructor, the server accepted such a bundle and failed halfway through the first
/// evaluation (an <see cref="InvalidOperationException"/> from the rotation, after the work before it was spent).
/// </summary>
public sealed class MissingEvaluationKeyTests
{
    private static readonly Sequential Model = new([16], [new Dense(Models.Matrix(new Random(7), 16, 4, 0.5)), Activation.Square()]);

    /// <summary>The bytes of a bundle for <paramref name="plan"/>'s parameters with Galois keys for exactly <paramref name="steps"/>, as a client of its own making would send.</summary>
    private static byte[] Bundle(InferencePlan plan, int[] steps)
    {
        var context = new CkksContext(plan.Parameters);
        var keys = new KeyGenerator(context);
        return new EvaluationKeys(context, keys.CreatePublicKey(), keys.CreateRelinKeys(), keys.CreateGaloisKeys(steps)).ToBytes();
    }

    [Fact]
    public void BundleWithoutOneRotationKey_IsRefusedBeforeAnyEvaluation()
    {
        InferencePlan plan = InferencePlanner.Plan(Model);
        Assert.True(plan.RotationSteps.Count >= 2, "the plan must rotate for this attack");
        int dropped = plan.RotationSteps[^1];
        EvaluationKeys keys = EvaluationKeys.FromBytes(Bundle(plan, plan.RotationSteps.Where(s => s != dropped).ToArray()));

        var e = Assert.Throws<ArgumentException>(() => new EncryptedModel(Model, plan, keys));
        Assert.Equal("keys", e.ParamName);
        Assert.Contains($"({dropped})", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BundleWithoutAStepOfThePlacedConvolution_IsRefusedBeforeAnyEvaluation()
    {
        // The CNN's convolution places its outputs and rotates by steps of its own (giant steps of 28 slots among them);
        // a bundle lacking one must be refused when the model is built, as for any other step.
        Sequential cnn = Models.Cnn(8);
        InferencePlan plan = InferencePlanner.Plan(cnn);
        Func<int, int, double> conv = ((LinearLayer)cnn.Layers[0]).Matrix(new Shape(1, 28, 28));
        IReadOnlyList<int> placed = LinearTransform.Steps(784, conv, LinearTransform.PlaceOutputs(784, 256, conv, 4096)!, 4096);
        int dropped = placed.First(s => !LinearTransform.Steps(1024, 64, 4096).Contains(s) && !LinearTransform.Steps(64, 10, 4096).Contains(s));
        EvaluationKeys keys = EvaluationKeys.FromBytes(Bundle(plan, plan.RotationSteps.Where(s => s != dropped).ToArray()));

        var e = Assert.Throws<ArgumentException>(() => new EncryptedModel(cnn, plan, keys));
        Assert.Equal("keys", e.ParamName);
        Assert.Contains($"({dropped})", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BundleOfABatchPlanGivenToARowMajorServer_IsRefusedBeforeAnyEvaluation()
    {
        InferencePlan rowMajor = InferencePlanner.Plan(Model);
        InferencePlan batch = InferencePlanner.Plan(Model, new PlannerOptions { Packing = TensorPacking.Batch });
        Assert.Empty(batch.RotationSteps);
        EvaluationKeys keys = EvaluationKeys.FromBytes(Bundle(batch, []));

        var e = Assert.Throws<ArgumentException>(() => new EncryptedModel(Model, rowMajor, keys));
        Assert.Contains($"lack the Galois keys of {rowMajor.RotationSteps.Count} of the {rowMajor.RotationSteps.Count}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VectorEvaluationOnABatchPlan_IsRefusedBeforeAnyEvaluation()
    {
        InferencePlan batch = InferencePlanner.Plan(Model, new PlannerOptions { Packing = TensorPacking.Batch });
        using var client = new InferenceClient(batch);
        var server = new EncryptedModel(Model, batch, EvaluationKeys.FromBytes(client.CreateEvaluationKeys().ToBytes()));
        var context = new CkksContext(batch.Parameters);
        var keys = new KeyGenerator(context);
        CkksVector foreign = CkksVector.Encrypt(new TensorContext(context, batch.Scale), new Encryptor(context, keys.SecretKey), new double[16]);

        Assert.Throws<InvalidOperationException>(() => server.Evaluate(foreign));
    }
}
