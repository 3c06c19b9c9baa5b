using System.Buffers.Binary;
using Thestage.Proofs.Inference;

namespace Thestage.Proofs.Tests.Inference;

public sealed class ModelCommitmentSerializerTests
{
    [Fact]
    public void PublishedCommitmentRoundTripsAndVerifiesProofs()
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Cnn(1100, 2, 1, 6, 2, 3, 1, 1, 3);
        byte[] bytes = ModelCommitmentSerializer.Serialize(model.Commitment);
        Assert.Equal("TSMC"u8.ToArray(), bytes[..4]);
        ModelCommitment published = ModelCommitmentSerializer.Deserialize(bytes);
        Assert.Equal(model.Commitment.ArchitectureDigest, published.ArchitectureDigest);
        Assert.Equal(model.Commitment.OutputShape, published.OutputShape);
        Assert.Equal(bytes, ModelCommitmentSerializer.Serialize(published));

        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        Assert.True(InferenceVerifier.VerifyBatch(published, inputs, outputs, proof));
    }

    [Fact]
    public void EveryByteMutationIsRejectedOrChangesTheCommitment()
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(1101, 1, 7, 5, 3);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        byte[] bytes = ModelCommitmentSerializer.Serialize(model.Commitment);
        var random = new Random(1102);
        for (int position = 0; position < bytes.Length; position++)
        {
            byte[] mutated = (byte[])bytes.Clone();
            mutated[position] ^= (byte)(1 << random.Next(8));
            try
            {
                ModelCommitment parsed = ModelCommitmentSerializer.Deserialize(mutated);
                Assert.False(InferenceVerifier.VerifyBatch(parsed, inputs, outputs, proof), $"mutation at byte {position} accepted");
            }
            catch (ProofFormatException)
            {
            }
        }

        Assert.Throws<ProofFormatException>(() => ModelCommitmentSerializer.Deserialize(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<ProofFormatException>(() => ModelCommitmentSerializer.Deserialize([.. bytes, 0]));
        byte[] wrongDigest = (byte[])bytes.Clone();
        wrongDigest[^1] ^= 1;
        Assert.Throws<ProofFormatException>(() => ModelCommitmentSerializer.Deserialize(wrongDigest));
        byte[] hugeLayer = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(hugeLayer.AsSpan(6 + 28 + 4), 1 << 24);
        Assert.Throws<ProofFormatException>(() => ModelCommitmentSerializer.Deserialize(hugeLayer));
    }
}
