using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
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
    public void ByteMutationsAreRejectedOrChangeTheCommitment()
    {
        // The plain layout (TSMC v3), whose field offsets the last mutation uses.
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(LigeroParameters.NonHidingForBenchmarks, 1101, 1, 7, 5, 3);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        byte[] bytes = ModelCommitmentSerializer.Serialize(model.Commitment);
        var random = new Random(1102);
        // Every byte of the header, architecture, roots and digest (the first 400 bytes), then sampled positions in the range proof.
        IEnumerable<int> positions = Enumerable.Range(0, 400).Concat(Enumerable.Range(0, 250).Select(_ => random.Next(bytes.Length)));
        foreach (int position in positions)
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

    [Fact]
    public void CommitmentsToNonInt8WeightsFailTheRangeProof()
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(1103, 1, 7, 5, 3);
        Assert.True(model.Commitment.VerifyWeightRanges());
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, proof));

        // Forge a commitment whose weight polynomial holds 200 (not an int8) and reuse the honest range-proof transcript shape.
        var plan = CircuitPlan.Create(model.Commitment.InputShape, model.Commitment.Layers, 1);
        Thestage.Proofs.Fields.Goldilocks[][] segments = plan.BuildWeightSegments(model.Model);
        segments[plan.WeightSegments[0].Weights][0] = new Thestage.Proofs.Fields.Goldilocks(200);
        Thestage.Proofs.Fields.Goldilocks[][] polynomials = plan.WeightLayout.Assemble(segments);
        var states = polynomials.Select(p => Thestage.Proofs.Commitments.LigeroProver.Commit(p, model.Commitment.Parameters, new SeededSaltSource(1))).ToArray();
        var bare = new ModelCommitment(
            model.Commitment.InputShape, model.Commitment.InputBits, model.Commitment.InputFractionBits, model.Commitment.OutputFractionBits,
            model.Commitment.Layers, states.Select(s => s.Commitment).ToArray(), model.Commitment.Parameters, null);
        VerdictAssert.Rejected(bare.CheckWeightRanges(), RejectionReason.Format);
        ModelCommitment forged = bare.WithRangeProof(WeightRangeArgument.Prove(bare, plan, segments, polynomials, states));
        VerdictAssert.Rejected(forged.CheckWeightRanges(), RejectionReason.Lookup, "lookup");
        Assert.False(forged.VerifyWeightRanges());
        VerdictAssert.Rejected(InferenceVerifier.CheckBatch(forged, inputs, outputs, proof, VerifierPolicy.Default), RejectionReason.WeightRanges, "weight range proof: lookup");
        Assert.False(ModelCommitmentSerializer.Deserialize(ModelCommitmentSerializer.Serialize(forged)).VerifyWeightRanges());
    }
}
