using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Inference;
using Thestage.Proofs.Tests.Quantization;
using Thestage.Proofs.Tests.Sumcheck;
using Thestage.Proofs.Tests.Training;
using Thestage.Proofs.Training;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// A cheating prover and a hostile proof file against the masking pool of the zero-knowledge sumchecks (<see cref="SumcheckMaskPool{T}"/>):
/// reordered or grafted chunks, round messages of a higher degree than the statement's (room for a mask of higher degree), and
/// masked and plain formats relabelled as each other by their version field. Each is refused.
/// </summary>
public sealed class ZeroKnowledgePoolAttackTests
{
    private static readonly TrainingConfig Config =
        new([6, 5, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 9100);

    [Fact]
    public void MaskChunksDeclaredInSwappedOrder_AreRefused()
    {
        // Two sumchecks of 18 entries each in chunks of 32: two chunks of one size, so the swap keeps every shape.
        MultilinearPolynomial<E>[][] factors = [ZeroKnowledgeSumcheckTests.RandomFactors(4, 2, 9001), ZeroKnowledgeSumcheckTests.RandomFactors(4, 2, 9002)];
        (E, int, int)[] statements = factors.Select(f => (SumcheckProver.ComputeSum(f), 4, 2)).ToArray();
        ZeroKnowledgeSumcheckTests.MaskedRun run = ZeroKnowledgeSumcheckTests.ProveMasked(factors, SumcheckMaskChunk.MinLogSize, 9003);
        Assert.Equal(2, run.Chunks.Count);
        Assert.Equal(run.Chunks[0].LogSize, run.Chunks[1].LogSize);
        Assert.Equal((SumcheckFailure.None, true), ZeroKnowledgeSumcheckTests.VerifyMasked(statements, run));

        // The chunks are absorbed before each ρ: swapped, the first sumcheck's ρ changes and its first round fails.
        ZeroKnowledgeSumcheckTests.MaskedRun swapped = run with { Chunks = [run.Chunks[1], run.Chunks[0]], Openings = [run.Openings[1], run.Openings[0]] };
        Assert.Equal(SumcheckFailure.RoundSumMismatch, ZeroKnowledgeSumcheckTests.VerifyMasked(statements, swapped).Failure);

        // Only the openings swapped (the roots in order): each opening is checked against its own root and functional.
        ZeroKnowledgeSumcheckTests.MaskedRun openingsSwapped = run with { Openings = [run.Openings[1], run.Openings[0]] };
        Assert.Equal((SumcheckFailure.None, false), ZeroKnowledgeSumcheckTests.VerifyMasked(statements, openingsSwapped));
    }

    [Fact]
    public void RoundMessagesOfHigherDegreeThanTheStatement_AreRefused()
    {
        // A mask of degree d + 1 would need d + 2 values per round: the verifier fixes d + 1 from the statement.
        MultilinearPolynomial<E>[] factors = ZeroKnowledgeSumcheckTests.RandomFactors(3, 2, 9010);
        E sum = SumcheckProver.ComputeSum(factors);
        ZeroKnowledgeSumcheckTests.MaskedRun run = ZeroKnowledgeSumcheckTests.ProveMasked([factors], 10, 9011);
        SumcheckProof<E> honest = run.Proofs[0];
        var raised = new SumcheckProof<E>(
            Enumerable.Range(0, 3).Select(i => (E[])[.. honest.GetRoundPolynomial(i), E.One]).ToArray(), honest.FactorEvaluations.ToArray(), honest.MaskSum, honest.MaskValue);
        Assert.Equal(SumcheckFailure.MalformedProof, ZeroKnowledgeSumcheckTests.VerifyMasked([(sum, 3, 2)], run with { Proofs = [raised] }).Failure);

        // Nor can the statement be read at a higher degree than the prover's: the pool's functional reads d coefficients per variable.
        MultilinearPolynomial<E>[] cubic = ZeroKnowledgeSumcheckTests.RandomFactors(3, 3, 9012);
        ZeroKnowledgeSumcheckTests.MaskedRun cubicRun = ZeroKnowledgeSumcheckTests.ProveMasked([cubic], 10, 9013);
        Assert.Equal(SumcheckFailure.MalformedProof, ZeroKnowledgeSumcheckTests.VerifyMasked([(SumcheckProver.ComputeSum(cubic), 3, 2)], cubicRun).Failure);
    }

    [Fact]
    public void MaskPoolGraftedFromAnotherProofOfTheSameStatement_IsRefused()
    {
        var random = new Random(9020);
        (QuantizedModel quantized, List<int[]> inputs) = TestModels.Quantized(TestModels.Mlp(random, [9, 5, 3]), random, 1);
        CommittedModel model = CommittedModel.Commit(quantized, LigeroParameters.DefaultHiding, new SeededSaltSource(9021));
        CircuitPlan plan = model.Commitment.Plan(inputs.Count);
        InferenceWitness witness = InferenceWitness.Build(plan, model.Model, inputs);
        InferenceProof first = InferenceProver.ProveWithWitness(model, plan, inputs, witness, new SeededSaltSource(9022), new SeededSaltSource(9023));
        InferenceProof second = InferenceProver.ProveWithWitness(model, plan, inputs, witness, new SeededSaltSource(9022), new SeededSaltSource(9024));
        int[][] outputs = witness.Outputs;
        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, first));
        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, second));
        Assert.NotEqual(first.MaskChunks[0].Root, second.MaskChunks[0].Root);

        // The second proof's pool (roots and openings) on the first proof's messages; then also its masks' G and g(r).
        var grafted = new InferenceProof(first.AdviceRoot, first.Sumchecks, first.Values, first.AdviceOpening, first.WeightOpenings, second.MaskChunks, second.MaskOpenings);
        Assert.False(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, grafted));
        SumcheckProof<E>[] withMasks = first.Sumchecks.Zip(second.Sumchecks, (a, b) => new SumcheckProof<E>(
            Enumerable.Range(0, a.RoundCount).Select(i => a.GetRoundPolynomial(i).ToArray()).ToArray(), a.FactorEvaluations.ToArray(), b.MaskSum, b.MaskValue)).ToArray();
        var graftedMasks = new InferenceProof(first.AdviceRoot, withMasks, first.Values, first.AdviceOpening, first.WeightOpenings, second.MaskChunks, second.MaskOpenings);
        Assert.False(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, graftedMasks));

        // The first proof's pool with the second's opening of it: the openings are bound to the functional of their own run.
        var mixed = new InferenceProof(first.AdviceRoot, first.Sumchecks, first.Values, first.AdviceOpening, first.WeightOpenings, first.MaskChunks, second.MaskOpenings);
        Assert.False(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, mixed));
    }

    [Fact]
    public void MaskedAndPlainProofsRelabelledByTheirVersionField_AreRefused()
    {
        var random = new Random(9030);
        (QuantizedModel quantized, List<int[]> inputs) = TestModels.Quantized(TestModels.Mlp(random, [9, 5, 3]), random, 1);
        CommittedModel hiding = CommittedModel.Commit(quantized, LigeroParameters.DefaultHiding, new SeededSaltSource(9031));
        CommittedModel plain = CommittedModel.Commit(quantized, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(9031));
        (int[][] outputs, InferenceProof hidingProof) = InferenceTestKit.Prove(hiding, inputs, 9032);
        (_, InferenceProof plainProof) = InferenceTestKit.Prove(plain, inputs, 9032);
        // A hiding MLP proof is TSIP v3 (zero-checks with hidden claims); relabelled as v2 (masked rounds, revealed claims) or v1 it is refused.
        AssertRelabelRefused(InferenceProofSerializer.Serialize(hidingProof), 3, 2, b => InferenceVerifier.VerifyBatch(hiding.Commitment, inputs, outputs, InferenceProofSerializer.Deserialize(b)));
        AssertRelabelRefused(InferenceProofSerializer.Serialize(hidingProof), 3, 1, b => InferenceVerifier.VerifyBatch(hiding.Commitment, inputs, outputs, InferenceProofSerializer.Deserialize(b)));
        AssertRelabelRefused(InferenceProofSerializer.Serialize(plainProof), 1, 2, b => InferenceVerifier.VerifyBatch(plain.Commitment, inputs, outputs, InferenceProofSerializer.Deserialize(b)));
        AssertRelabelRefused(InferenceProofSerializer.Serialize(plainProof), 1, 3, b => InferenceVerifier.VerifyBatch(plain.Commitment, inputs, outputs, InferenceProofSerializer.Deserialize(b)));
        AssertRelabelRefused(ModelCommitmentSerializer.Serialize(hiding.Commitment), 5, 3, b => ModelCommitmentSerializer.Deserialize(b).VerifyWeightRanges());
        AssertRelabelRefused(ModelCommitmentSerializer.Serialize(hiding.Commitment), 5, 4, b => ModelCommitmentSerializer.Deserialize(b).VerifyWeightRanges());
        AssertRelabelRefused(ModelCommitmentSerializer.Serialize(plain.Commitment), 3, 5, b => ModelCommitmentSerializer.Deserialize(b).VerifyWeightRanges());
        AssertRelabelRefused(ModelCommitmentSerializer.Serialize(plain.Commitment), 3, 4, b => ModelCommitmentSerializer.Deserialize(b).VerifyWeightRanges());

        MultilinearPolynomial<E>[] factors = ZeroKnowledgeSumcheckTests.RandomFactors(4, 2, 9033);
        E sum = SumcheckProver.ComputeSum(factors);
        ZeroKnowledgeSumcheckTests.MaskedRun run = ZeroKnowledgeSumcheckTests.ProveMasked([factors], 10, 9034);
        SumcheckProof<E> plainSumcheck = SumcheckProver.Prove(new Transcript("zk-sumcheck-test"), sum, factors).Proof;
        AssertRelabelRefused(SumcheckProofSerializer.Serialize(run.Proofs[0]), 2, 1, b =>
            ZeroKnowledgeSumcheckTests.VerifyMasked([(sum, 4, 2)], run with { Proofs = [SumcheckProofSerializer.Deserialize<E>(b)] }) == (SumcheckFailure.None, true));
        AssertRelabelRefused(SumcheckProofSerializer.Serialize(plainSumcheck), 1, 2, b =>
            SumcheckVerifier.Verify(new Transcript("zk-sumcheck-test"), sum, 4, 2, SumcheckProofSerializer.Deserialize<E>(b)).IsValid);

        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 9035).Train;
        TrainingRun hidingRun = TrainingRun.Record(Config, data, 2, LigeroParameters.DefaultHiding, new SeededSaltSource(9036));
        TrainingRun plainRun = TrainingRun.Record(Config, data, 2, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(9036));
        // Each format's versions: the step proof (plain, masked), the snapshot range proof and the model link (plain, masked with
        // committed multiplicities and witnesses, and the refused masked versions that published them, which neither kind may be
        // relabelled as).
        foreach ((TrainingRun run2, bool masked) in new[] { (hidingRun, true), (plainRun, false) })
        {
            AssertRelabelRefused(TrainingStepProofSerializer.Serialize(TrainingStepProver.Prove(run2, data, 1, new SeededSaltSource(9037))), masked ? (ushort)4 : (ushort)1, masked ? (ushort)1 : (ushort)4,
                b => TrainingStepVerifier.Verify(run2.Transcript, TrainingStepProofSerializer.Deserialize(b)));
            byte[] range = SnapshotRangeProofSerializer.Serialize(SnapshotRangeArgument.Prove(run2, 2, new SeededSaltSource(9038)));
            CommittedModel linked = CommittedModel.Commit(ModelLinkArgument.Quantize(run2.Snapshots[^1], 12, 6), run2.Transcript.Parameters, new SeededSaltSource(9039));
            byte[] link = ModelLinkProofSerializer.Serialize(ModelLinkArgument.Prove(run2, linked, new SeededSaltSource(9040)));
            foreach (ushort other in masked ? new ushort[] { 3, 4, 5 } : [4, 5, 6])
            {
                AssertRelabelRefused(range, masked ? (ushort)6 : (ushort)3, other, b => SnapshotRangeArgument.Verify(run2.Transcript, SnapshotRangeProofSerializer.Deserialize(b)));
            }

            // A hiding run's link is v5 (the zero-knowledge lookup): relabelled as v4, the revealing lookup's version, it is refused too.
            foreach (ushort other in masked ? new ushort[] { 1, 2, 3, 4 } : [2, 3, 4, 5])
            {
                AssertRelabelRefused(link, masked ? (ushort)5 : (ushort)1, other, b => ModelLinkArgument.Verify(run2.Transcript, linked.Commitment, ModelLinkProofSerializer.Deserialize(b)));
            }
        }
    }

    [Fact]
    public void MaskCoefficientsScrapedFromMemoryAfterTheProof_AreCleared()
    {
        // Whoever reads a mask's coefficients after the proof strips the mask off the round messages (g's part of round i is
        // ρ·2^w·(common + Σ_j a_(i,j)·X^j)), so the prover clears its copy once g(r) is sent, and the chunk's table at the opening.
        var pool = new SumcheckMaskPool<E>(LigeroParameters.DefaultHiding, 8, new SeededSaltSource(9050));
        var transcript = new Transcript("zk-pool-clear");
        SumcheckMask<E> mask = pool.Take(transcript, 3, 2);
        Assert.Contains(mask.Coefficients.ToArray(), c => !c.IsZero);
        Assert.Contains(mask.Chunk.Table, x => x != Goldilocks.Zero);
        E[] point = new SeededWordSource(9051).NextArray<E>(3);
        for (int round = 0; round < point.Length; round++)
        {
            mask.Bind(round, point[round]);
        }

        E value = mask.Value;
        SumcheckMaskPool<E>.Finish(transcript, mask, point, 2);
        Assert.All(mask.Coefficients.ToArray(), c => Assert.True(c.IsZero));
        Assert.Equal(value, mask.Value);
        LigeroOpeningProof<E>[] openings = pool.Open(transcript);
        Assert.All(mask.Chunk.Table, x => Assert.Equal(Goldilocks.Zero, x));

        // The cleared copies are not needed for the opening, which still proves g(r).
        var replay = new Transcript("zk-pool-clear");
        var masks = new SumcheckMaskVerifier<E>(LigeroParameters.DefaultHiding, pool.Chunks);
        (int Chunk, int Offset)? slot = masks.TryTake(replay, 3, 2);
        Assert.NotNull(slot);
        masks.Accumulate(replay, slot.Value, point, 2, value);
        Assert.True(masks.Finish(replay, openings));
    }

    [Fact]
    public void MasksRepeatedAcrossTwoProofsOfTheDefaultApi_AreFresh()
    {
        // Two proofs sharing a mask would give away the difference of their witnesses' round polynomials; the public provers
        // draw the pool from the CSPRNG unless handed a source, so two proofs of one statement share no chunk or mask.
        var random = new Random(9060);
        (QuantizedModel quantized, List<int[]> inputs) = TestModels.Quantized(TestModels.Mlp(random, [9, 5, 3]), random, 1);
        CommittedModel model = CommittedModel.Commit(quantized, LigeroParameters.DefaultHiding, new SeededSaltSource(9061));
        (int[][] outputs, InferenceProof first) = InferenceProver.ProveBatch(model, inputs);
        (_, InferenceProof second) = InferenceProver.ProveBatch(model, inputs);
        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, first) && InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, second));
        Assert.Empty(first.MaskChunks.Select(c => c.Root).Intersect(second.MaskChunks.Select(c => c.Root)));
        Assert.Empty(first.Sumchecks.Select(s => s.MaskSum).Intersect(second.Sumchecks.Select(s => s.MaskSum)));

        // A model's range proof, made once at commitment time, likewise draws fresh masks without a source.
        CommittedModel again = CommittedModel.Commit(quantized, LigeroParameters.DefaultHiding);
        CommittedModel twice = CommittedModel.Commit(quantized, LigeroParameters.DefaultHiding);
        Assert.NotEqual(again.Commitment.RangeProof!.MaskChunks[0].Root, twice.Commitment.RangeProof!.MaskChunks[0].Root);
    }

    [Fact]
    public void ModelCommitmentRelabelledAsVersion5WithoutItsRangeProof_IsRefused()
    {
        // Version 5 exists only to carry the zero-knowledge range proof; without one the file would be a second encoding of a
        // hiding version 3 (Serialize writes 3), so the bytes a party signs or hashes would not be the only ones it accepts.
        // Version 4 (the zero-knowledge range proof with published multiplicities) is refused outright.
        var random = new Random(9070);
        QuantizedModel quantized = TestModels.Quantized(TestModels.Mlp(random, [9, 5, 3]), random, 1).Model;
        CommittedModel model = CommittedModel.Commit(quantized, LigeroParameters.DefaultHiding, new SeededSaltSource(9071));
        byte[] bare = ModelCommitmentSerializer.Serialize(ModelCommitment.From(quantized, model.Commitment.WeightCommitmentArray, LigeroParameters.DefaultHiding));
        Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(bare.AsSpan(4)));
        Assert.Equal(bare, ModelCommitmentSerializer.Serialize(ModelCommitmentSerializer.Deserialize(bare)));
        foreach (ushort version in new ushort[] { 4, 5 })
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bare.AsSpan(4), version);
            Assert.Throws<ProofFormatException>(() => ModelCommitmentSerializer.Deserialize(bare));
        }
    }

    /// <summary>
    /// The honest bytes (of format <paramref name="version"/>) verify; relabelled as <paramref name="other"/>, they must be refused
    /// by the parser (the format exception) or by the verifier, and nothing else may be thrown.
    /// </summary>
    private static void AssertRelabelRefused(byte[] bytes, ushort version, ushort other, Func<byte[], bool> verify)
    {
        Assert.Equal(version, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.True(verify(bytes));
        byte[] relabelled = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(relabelled.AsSpan(4), other);
        bool accepted;
        try
        {
            accepted = verify(relabelled);
        }
        catch (ProofFormatException)
        {
            accepted = false;
        }

        Assert.False(accepted, $"Version {version} relabelled as {other} was accepted.");
    }
}
