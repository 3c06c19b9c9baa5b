using Thestage.Models;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Privacy.Serialization;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Tests.Attacks;

/// <summary>
/// The batch server reads a client's message a block of ciphertexts at a time (its first layer multiplies each block as it
/// arrives), so a ciphertext after the first block is read only once the products have begun. A client that makes a later
/// ciphertext malformed, or of another level or scale than the first, must still get the format exception and nothing
/// else (no out-of-range read, no answer computed on a mixed batch).
/// </summary>
public sealed class StreamedBatchMessageAttackTests
{
    private const int Features = 200, Header = 48, Prefix = 4 + (2 * 4) + 4 + 4;

    private static (EncryptedModel Server, byte[] Message) Batch()
    {
        var random = new Random(31);
        var model = new Sequential([Features], [new Dense(Models.Matrix(random, Features, 3, 0.1)), Activation.Square()]);
        InferencePlan plan = InferencePlanner.Plan(model, new PlannerOptions { Packing = TensorPacking.Batch });
        using var client = new InferenceClient(plan);
        var server = new EncryptedModel(model, plan, EvaluationKeys.FromBytes(client.CreateEvaluationKeys().ToBytes()));
        return (server, client.EncryptBatch([Models.Vector(random, Features), Models.Vector(random, Features)]));
    }

    private static int CiphertextOffset(byte[] message, int index) => Header + Prefix + (index * ((message.Length - Header - Prefix) / Features));

    [Fact]
    public void CiphertextAfterTheFirstBlockWithAnotherSize_IsRefusedWithTheFormatException()
    {
        (EncryptedModel server, byte[] message) = Batch();
        byte[] forged = (byte[])message.Clone();
        BitConverter.TryWriteBytes(forged.AsSpan(CiphertextOffset(message, 150), 4), 3u); // the ciphertext's size field
        Assert.Throws<CkksFormatException>(() => server.Evaluate(forged));
    }

    [Fact]
    public void CiphertextAfterTheFirstBlockAtAnotherScale_IsRefusedWithTheFormatException()
    {
        (EncryptedModel server, byte[] message) = Batch();
        byte[] forged = (byte[])message.Clone();
        Span<byte> scale = forged.AsSpan(CiphertextOffset(message, 199) + 8, 8); // after the size and level fields
        BitConverter.TryWriteBytes(scale, BitConverter.ToDouble(scale) * 2);
        Assert.Contains("ciphertext 0 at level", Assert.Throws<CkksFormatException>(() => server.Evaluate(forged)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MessageWithItsLastBlockCutOff_IsRefusedBeforeAnyProduct()
    {
        (EncryptedModel server, byte[] message) = Batch();
        Assert.Throws<CkksFormatException>(() => server.Evaluate(message.AsSpan(0, CiphertextOffset(message, 192))));
    }
}
