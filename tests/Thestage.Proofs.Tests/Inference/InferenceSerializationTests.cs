using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Sumcheck;

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
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(LigeroParameters.NonHidingForBenchmarks, 1000, 2, 9, 5, 3);   // the plain format, TSIP v1
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
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(LigeroParameters.NonHidingForBenchmarks, 1009, 2, 9, 5, 3);   // plain: its messages are recombined
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        (int[][] otherOutputs, InferenceProof other) = InferenceTestKit.Prove(model, [inputs[1], inputs[0]], 8);
        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, [inputs[1], inputs[0]], otherOutputs, other));
        var weightOpenings = proof.WeightOpenings.ToList();
        (InferenceProof Variant, RejectionReason Reason, string? Relation)[] variants =
        [
            (new(proof.AdviceRoot, proof.Sumchecks, proof.Values, proof.WeightOpenings[0], [proof.AdviceOpening, .. weightOpenings.Skip(1)]), RejectionReason.Format, "opening of witness"),
            (new(other.AdviceRoot, proof.Sumchecks, proof.Values, proof.AdviceOpening, weightOpenings), RejectionReason.Lookup, "lookup"),
            (new(proof.AdviceRoot, other.Sumchecks, proof.Values, proof.AdviceOpening, weightOpenings), RejectionReason.Lookup, "lookup"),
            (new(proof.AdviceRoot, proof.Sumchecks, other.Values, proof.AdviceOpening, weightOpenings), RejectionReason.Lookup, "lookup"),
            (new(proof.AdviceRoot, proof.Sumchecks, proof.Values, other.AdviceOpening, weightOpenings), RejectionReason.Opening, "opening of witness"),
            (new(proof.AdviceRoot, proof.Sumchecks, proof.Values, proof.AdviceOpening, other.WeightOpenings), RejectionReason.Opening, "opening of weights"),
            (new(proof.AdviceRoot, proof.Sumchecks.Take(proof.Sumchecks.Count - 1).ToList(), proof.Values, proof.AdviceOpening, weightOpenings), RejectionReason.Format, "opening of weights"),
            (new(proof.AdviceRoot, [.. proof.Sumchecks, proof.Sumchecks[0]], proof.Values, proof.AdviceOpening, weightOpenings), RejectionReason.Format, "messages after the openings"),
            (new(proof.AdviceRoot, proof.Sumchecks, [.. proof.Values.ToArray(), proof.Values[0]], proof.AdviceOpening, weightOpenings), RejectionReason.Format, "messages after the openings"),
            (new(proof.AdviceRoot, proof.Sumchecks, proof.Values[1..], proof.AdviceOpening, weightOpenings), RejectionReason.Lookup, "lookup"),
            (new(proof.AdviceRoot, proof.Sumchecks.Reverse().ToList(), proof.Values, proof.AdviceOpening, weightOpenings), RejectionReason.Lookup, "lookup"),
            (new(proof.AdviceRoot, proof.Sumchecks, proof.Values, proof.AdviceOpening, []), RejectionReason.Format, "opening of weights"),
            (new(proof.AdviceRoot, [], [], proof.AdviceOpening, weightOpenings), RejectionReason.Format, "lookup"),
        ];
        foreach ((InferenceProof variant, RejectionReason reason, string? relation) in variants)
        {
            Assert.False(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, variant));
            VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, inputs, outputs, variant, VerifierPolicy.Default), reason, relation);
        }

        // One value of round k of a sumcheck changed: rejected in round k of that sumcheck. The last sumchecks are the relations
        // of layer 2 (Dense, 3 rounds), of the ReLU (layer 1) and of layer 0 (Dense), then the batching of each opened polynomial.
        int first = proof.Sumchecks.Count - 1 - weightOpenings.Count - 3;
        foreach ((int index, int round, RejectionReason reason, string relation) in new[]
        {
            (first, 1, RejectionReason.Relation, "layer 2 (Dense)"),
            (first, 2, RejectionReason.Relation, "layer 2 (Dense)"),
            (first + 1, 0, RejectionReason.Relation, "layer 1 (Relu)"),
            (first + 2, 1, RejectionReason.Relation, "layer 0 (Dense)"),
            (first + 3, 3, RejectionReason.Opening, "opening of witness"),
            (proof.Sumchecks.Count - 1, 2, RejectionReason.Opening, "opening of weights"),
        })
        {
            SumcheckProof<GoldilocksExt2> original = proof.Sumchecks[index];
            GoldilocksExt2[][] rounds = Enumerable.Range(0, original.RoundCount).Select(r => original.GetRoundPolynomial(r).ToArray()).ToArray();
            rounds[round][0] += GoldilocksExt2.One;
            var sumchecks = proof.Sumchecks.ToList();
            sumchecks[index] = new SumcheckProof<GoldilocksExt2>(rounds, original.FactorEvaluations.ToArray());
            var tampered = new InferenceProof(proof.AdviceRoot, sumchecks, proof.Values, proof.AdviceOpening, weightOpenings);
            VerdictAssert.Rejected(
                InferenceVerifier.CheckBatch(model.Commitment, inputs, outputs, tampered, VerifierPolicy.Default), reason, relation, SumcheckFailure.RoundSumMismatch, round);
        }
    }
}
