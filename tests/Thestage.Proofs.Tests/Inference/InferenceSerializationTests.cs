using System.Buffers.Binary;
using Thestage.Proofs.Inference;

namespace Thestage.Proofs.Tests.Inference;

public sealed class InferenceSerializationTests
{
    private static void AssertMutationsRejected(CommittedModel model, List<int[]> inputs, int[][] outputs, byte[] bytes, int samples, int seed)
    {
        var random = new Random(seed);
        IEnumerable<int> positions = Enumerable.Range(0, 48).Concat(Enumerable.Range(0, samples).Select(_ => random.Next(bytes.Length))).Append(bytes.Length - 1);
        foreach (int position in positions)
        {
            byte[] mutated = (byte[])bytes.Clone();
            mutated[position] ^= (byte)(1 << random.Next(8));
            InferenceProof parsed;
            try
            {
                parsed = InferenceProofSerializer.Deserialize(mutated);
            }
            catch (ProofFormatException)
            {
                continue;
            }

            Assert.False(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, parsed), $"mutation at byte {position} accepted");
        }
    }

    [Fact]
    public void RoundTripsAndStillVerifies()
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(1000, 2, 9, 5, 3);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        byte[] bytes = InferenceProofSerializer.Serialize(proof);
        Assert.Equal("TSIP"u8.ToArray(), bytes[..4]);
        Assert.Equal(InferenceProofSerializer.Version, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        InferenceProof parsed = InferenceProofSerializer.Deserialize(bytes);
        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, parsed));
        Assert.Equal(bytes, InferenceProofSerializer.Serialize(parsed));
    }

    [Fact]
    public void SingleByteMutationsOfAnMlpProofAreRejected()
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(1001, 2, 9, 5, 3);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        AssertMutationsRejected(model, inputs, outputs, InferenceProofSerializer.Serialize(proof), 400, 1002);
    }

    [Fact]
    public void SingleByteMutationsOfACnnProofAreRejected()
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Cnn(1003, 2, 1, 6, 2, 3, 1, 1, 3);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        AssertMutationsRejected(model, inputs, outputs, InferenceProofSerializer.Serialize(proof), 250, 1004);
    }

    [Fact]
    public void TruncatedExtendedAndForeignBytesRaiseOnlyProofFormatException()
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(1005, 1, 6, 4, 2);
        (_, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        byte[] bytes = InferenceProofSerializer.Serialize(proof);
        var random = new Random(1006);
        foreach (int length in Enumerable.Range(0, 64).Concat(Enumerable.Range(0, 64).Select(_ => random.Next(bytes.Length))))
        {
            Assert.Throws<ProofFormatException>(() => InferenceProofSerializer.Deserialize(bytes.AsSpan(0, length)));
        }

        Assert.Throws<ProofFormatException>(() => InferenceProofSerializer.Deserialize([.. bytes, 0]));
        Assert.Throws<ProofFormatException>(() => InferenceProofSerializer.Deserialize(new byte[1000]));
        byte[] huge = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(huge.AsSpan(38), uint.MaxValue);
        Assert.Throws<ProofFormatException>(() => InferenceProofSerializer.Deserialize(huge));
        for (int i = 0; i < 200; i++)
        {
            var noise = new byte[random.Next(6, 400)];
            random.NextBytes(noise);
            "TSIP"u8.CopyTo(noise);
            if (noise.Length > 5)
            {
                noise[4] = 1;
                noise[5] = 0;
            }

            Assert.Throws<ProofFormatException>(() => InferenceProofSerializer.Deserialize(noise));
        }
    }

    [Fact]
    public void SampledMutationsOfALargeMlpProofAreRejected()
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(1007, 1, 196, 64, 10);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        byte[] bytes = InferenceProofSerializer.Serialize(proof);
        Assert.True(bytes.Length > 50_000);
        AssertMutationsRejected(model, inputs, outputs, bytes, 150, 1008);
    }

    [Fact]
    public void RecombinedProofComponentsAreRejectedWithoutExceptions()
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(1009, 2, 9, 5, 3);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        (int[][] otherOutputs, InferenceProof other) = InferenceTestKit.Prove(model, [inputs[1], inputs[0]], 8);
        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, [inputs[1], inputs[0]], otherOutputs, other));
        var weightOpenings = proof.WeightOpenings.ToList();
        InferenceProof[] variants =
        [
            new(proof.AdviceRoot, proof.Sumchecks, proof.Values, proof.WeightOpenings[0], [proof.AdviceOpening, .. weightOpenings.Skip(1)]),
            new(other.AdviceRoot, proof.Sumchecks, proof.Values, proof.AdviceOpening, weightOpenings),
            new(proof.AdviceRoot, other.Sumchecks, proof.Values, proof.AdviceOpening, weightOpenings),
            new(proof.AdviceRoot, proof.Sumchecks, other.Values, proof.AdviceOpening, weightOpenings),
            new(proof.AdviceRoot, proof.Sumchecks, proof.Values, other.AdviceOpening, weightOpenings),
            new(proof.AdviceRoot, proof.Sumchecks, proof.Values, proof.AdviceOpening, other.WeightOpenings),
            new(proof.AdviceRoot, proof.Sumchecks.Take(proof.Sumchecks.Count - 1).ToList(), proof.Values, proof.AdviceOpening, weightOpenings),
            new(proof.AdviceRoot, [.. proof.Sumchecks, proof.Sumchecks[0]], proof.Values, proof.AdviceOpening, weightOpenings),
            new(proof.AdviceRoot, proof.Sumchecks, [.. proof.Values.ToArray(), proof.Values[0]], proof.AdviceOpening, weightOpenings),
            new(proof.AdviceRoot, proof.Sumchecks, proof.Values[1..], proof.AdviceOpening, weightOpenings),
            new(proof.AdviceRoot, proof.Sumchecks.Reverse().ToList(), proof.Values, proof.AdviceOpening, weightOpenings),
            new(proof.AdviceRoot, proof.Sumchecks, proof.Values, proof.AdviceOpening, []),
            new(proof.AdviceRoot, [], [], proof.AdviceOpening, weightOpenings),
        ];
        foreach (InferenceProof variant in variants)
        {
            Assert.False(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, variant));
        }
    }
}
