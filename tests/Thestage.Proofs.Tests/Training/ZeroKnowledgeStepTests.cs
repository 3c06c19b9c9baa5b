using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Inference;
using Thestage.Proofs.Tests.Statistics;
using Thestage.Proofs.Training;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Training;

/// <summary>
/// Step proofs of a hiding run have zero-knowledge sumchecks (<c>TSSP</c> v3): accepted after a byte round trip, and refused
/// without their masking pool, with a changed chunk opening, or checked against the plain twin of the run. Its snapshot range
/// proofs (<c>TSSR</c> v5, now v6 with the zero-knowledge logUp) and model links (<c>TSML</c> v4) commit their limb histograms instead of publishing them, and the links
/// prove their shifts minimal from committed witnesses: every new field is bound, and two runs with different histograms (or
/// witnesses) are indistinguishable by what the proofs reveal.
/// </summary>
public sealed class ZeroKnowledgeStepTests
{
    private static readonly TrainingConfig Config =
        new([6, 5, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 81);

    [Fact]
    public void HidingRunsGiveStepProofsWithBoundMasks()
    {
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 82).Train;
        TrainingRun run = TrainingRun.Record(Config, data, 2, LigeroParameters.DefaultHiding, new SeededSaltSource(83));
        TrainingStepProof proof = TrainingStepProver.Prove(run, data, 1, new SeededSaltSource(84));
        Assert.True(proof.IsMasked);
        Assert.All(proof.Sumchecks, s => Assert.True(s.IsMasked));
        TrainingStepProof reread = TrainingStepProofSerializer.Deserialize(TrainingStepProofSerializer.Serialize(proof));
        Assert.True(TrainingStepVerifier.Verify(run.Transcript, reread));
        Assert.True(TrainingStepVerifier.SoundnessBits(run.Transcript) >= VerifierPolicy.Default.MinimumSoundnessBits);

        TrainingStepProof With(SumcheckMaskChunk[] chunks, LigeroOpeningProof<E>[] openings) =>
            new(proof.Step, proof.Batch, proof.WitnessRoot, proof.Sumchecks, proof.Values, proof.WitnessOpening, proof.BeforeOpenings, proof.AfterOpenings, chunks, openings, proof.DatasetOpening, proof.HidesClaims);
        Assert.True(TrainingStepVerifier.Verify(run.Transcript, With(proof.MaskChunks, proof.MaskOpenings)));
        Assert.False(TrainingStepVerifier.Verify(run.Transcript, With([], [])));
        LigeroOpeningProof<E> opening = proof.MaskOpenings[0];
        E[] proximity = opening.ProximityRow.ToArray();
        proximity[1] += E.One;
        var changed = new LigeroOpeningProof<E>(proximity, opening.EvaluationRow, opening.RowCount, opening.Columns, opening.Salts, opening.MerkleProof);
        Assert.False(TrainingStepVerifier.Verify(run.Transcript, With(proof.MaskChunks, [changed, .. proof.MaskOpenings.Skip(1)])));

        // A plain run's proofs stay plain (TSSP v1) and are refused by a hiding run's verifier, and the reverse.
        TrainingRun plain = TrainingRun.Record(Config, data, 2, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(83));
        TrainingStepProof plainProof = TrainingStepProver.Prove(plain, data, 1, new SeededSaltSource(84));
        Assert.False(plainProof.IsMasked);
        Assert.Equal(1, System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(TrainingStepProofSerializer.Serialize(plainProof).AsSpan(4)));
        Assert.True(TrainingStepVerifier.Verify(plain.Transcript, plainProof));
        Assert.False(TrainingStepVerifier.Verify(run.Transcript, plainProof));
        Assert.False(TrainingStepVerifier.Verify(plain.Transcript, proof));
    }

    [Fact]
    public void HidingRunsGiveSnapshotRangeProofsWithBoundMasksAndCommittedMultiplicities()
    {
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 85).Train;
        TrainingRun run = TrainingRun.Record(Config, data, 2, LigeroParameters.DefaultHiding, new SeededSaltSource(86));
        SnapshotRangeProof proof = SnapshotRangeArgument.Prove(run, 2, new SeededSaltSource(87));
        Assert.True(proof.IsMasked);
        Assert.All(proof.Sumchecks, s => Assert.True(s.IsMasked));
        byte[] bytes = SnapshotRangeProofSerializer.Serialize(proof);
        Assert.Equal(6, System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.True(SnapshotRangeArgument.Verify(run.Transcript, SnapshotRangeProofSerializer.Deserialize(bytes)));

        SnapshotRangeProof With(SumcheckMaskChunk[] chunks, LigeroOpeningProof<E>[] openings) =>
            new(proof.Snapshot, proof.LimbRoot, proof.MultiplicityArray, proof.SumcheckArray, proof.ValueArray, proof.LimbOpeningArray, proof.WeightOpeningArray, chunks, openings);
        Assert.False(SnapshotRangeArgument.Verify(run.Transcript, With([], [])));
        LigeroOpeningProof<E> opening = proof.MaskOpenings[0];
        E[] evaluation = opening.EvaluationRow.ToArray();
        evaluation[0] += E.One;
        var changed = new LigeroOpeningProof<E>(opening.ProximityRow, evaluation, opening.RowCount, opening.Columns, opening.Salts, opening.MerkleProof);
        Assert.False(SnapshotRangeArgument.Verify(run.Transcript, With(proof.MaskChunks, [changed])));

        // The committed multiplicities: nothing published, and each loose value (the logUp's multiplicity claim among them) and
        // the chunk holding them (root, size) bound.
        Assert.Empty(proof.Multiplicities);
        Assert.True(SnapshotRangeArgument.SoundnessBits(run.Transcript) >= VerifierPolicy.Default.MinimumSoundnessBits);
        for (int i = 0; i < proof.ValueArray.Length; i++)
        {
            E[] values = proof.ValueArray.ToArray();
            values[i] += E.One;
            var tampered = new SnapshotRangeProof(
                proof.Snapshot, proof.LimbRoot, [], proof.SumcheckArray, values, proof.LimbOpeningArray, proof.WeightOpeningArray, proof.MaskChunks, proof.MaskOpenings);
            Assert.False(SnapshotRangeArgument.Verify(run.Transcript, tampered), $"value {i}");
        }

        Assert.False(SnapshotRangeArgument.Verify(run.Transcript, With([Moved(proof.MaskChunks[0]), .. proof.MaskChunks.Skip(1)], proof.MaskOpenings)));
        Assert.False(SnapshotRangeArgument.Verify(run.Transcript, With([proof.MaskChunks[0] with { LogSize = proof.MaskChunks[0].LogSize - 1 }, .. proof.MaskChunks.Skip(1)], proof.MaskOpenings)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SnapshotRangeProofsOfTwoRunsWithDifferentHistogramsAreIndistinguishableOnlyWhenHiding(bool hiding)
    {
        // Two runs of one configuration on different data: different final snapshots, hence different limb histograms. The
        // elements 24 range proofs of each reveal (besides the Ligero openings) in a χ² over their low four bits.
        const int Proofs = 24;
        LigeroParameters parameters = hiding ? LigeroParameters.DefaultHiding : LigeroParameters.NonHidingForBenchmarks;
        TrainingRun first = TrainingRun.Record(Config, SyntheticData.Blobs(Config, 32, 1, 0.4, 92).Train, 2, parameters, new SeededSaltSource(93));
        TrainingRun second = TrainingRun.Record(Config, SyntheticData.Blobs(Config, 32, 1, 4.0, 94).Train, 2, parameters, new SeededSaltSource(95));
        var test = new TwoSampleChiSquare();
        for (int s = 0; s < Proofs; s++)
        {
            foreach ((TrainingRun run, bool isFirst) in new[] { (first, true), (second, false) })
            {
                SnapshotRangeProof proof = SnapshotRangeArgument.Prove(run, 2, new SeededSaltSource(1000 + (2 * s) + (isFirst ? 0 : 1)));
                foreach (E value in HidingWeightRangeTests.RevealedElements(proof.MultiplicityArray, proof.ValueArray, proof.SumcheckArray))
                {
                    test.AddLowBits(isFirst, value);
                }
            }
        }

        Assert.True(hiding != test.Distinguishes, $"χ² = {test.Statistic():F1} over {test.Counts} values");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ShiftWitnessesOfTwoRunsWithOneStatementAreIndistinguishableOnlyWhenHiding(bool hiding)
    {
        // Two runs on different data whose final snapshots quantize with the same shifts (one public statement) but different
        // witness weights, 40 link proofs each. What a proof reveals about its witnesses: a plain proof publishes them (index and
        // value); a zero-knowledge one runs the three minimality sumchecks per layer (the only sumchecks with three factors),
        // whose round messages, final evaluations, mask sums and values go into the χ² over the low four bits.
        const int Proofs = 40;
        LigeroParameters parameters = hiding ? LigeroParameters.DefaultHiding : LigeroParameters.NonHidingForBenchmarks;
        TrainingRun first = TrainingRun.Record(Config, SyntheticData.Blobs(Config, 32, 1, 0.4, 97).Train, 2, parameters, new SeededSaltSource(98));
        TrainingRun second = TrainingRun.Record(Config, SyntheticData.Blobs(Config, 32, 1, 0.4, 99).Train, 2, parameters, new SeededSaltSource(100));
        Assert.Equal(ModelLinkArgument.WeightShifts(first.Snapshots[^1]), ModelLinkArgument.WeightShifts(second.Snapshots[^1]));
        var test = new TwoSampleChiSquare();
        foreach ((TrainingRun run, bool isFirst) in new[] { (first, true), (second, false) })
        {
            CommittedModel model = CommittedModel.Commit(ModelLinkArgument.Quantize(run.Snapshots[^1], 12, 6), parameters, new SeededSaltSource(isFirst ? 101 : 102));
            for (int s = 0; s < Proofs; s++)
            {
                ModelLinkProof proof = ModelLinkArgument.Prove(run, model, new SeededSaltSource(2000 + (2 * s) + (isFirst ? 0 : 1)));
                IEnumerable<Thestage.Proofs.Fields.Goldilocks> witnesses = proof.WitnessIndexArray.Concat(proof.WitnessValueArray).Select(v => WeightCommitment.Embed(v));
                SumcheckProof<E>[] minimality = proof.SumcheckArray.Where(c => c.FactorEvaluations.Length == 3).ToArray();
                Assert.Equal(hiding ? 6 : 0, minimality.Length);
                foreach (E value in HidingWeightRangeTests.RevealedElements(witnesses, [], minimality))
                {
                    test.AddLowBits(isFirst, value);
                }
            }
        }

        Assert.True(hiding != test.Distinguishes, $"χ² = {test.Statistic():F1} over {test.Counts} values");
    }

    private static SumcheckMaskChunk Moved(SumcheckMaskChunk chunk)
    {
        byte[] root = chunk.Root.ToArray();
        root[0] ^= 1;
        return chunk with { Root = Thestage.Proofs.Hashing.Digest256.FromBytes(root) };
    }

    [Fact]
    public void HidingRunsGiveModelLinkProofsWithBoundMasksAndCommittedMultiplicities()
    {
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 88).Train;
        TrainingRun run = TrainingRun.Record(Config, data, 2, LigeroParameters.DefaultHiding, new SeededSaltSource(89));
        CommittedModel model = CommittedModel.Commit(ModelLinkArgument.Quantize(run.Snapshots[^1], 12, 6), LigeroParameters.DefaultHiding, new SeededSaltSource(90));
        ModelLinkProof proof = ModelLinkArgument.Prove(run, model, new SeededSaltSource(91));
        Assert.True(proof.IsMasked);
        Assert.All(proof.Sumchecks, s => Assert.True(s.IsMasked));
        byte[] bytes = ModelLinkProofSerializer.Serialize(proof);
        Assert.Equal(5, System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4))); // TSML v5: a hiding run's link runs the zero-knowledge lookup
        Assert.True(ModelLinkArgument.Verify(run.Transcript, model.Commitment, ModelLinkProofSerializer.Deserialize(bytes)));

        LigeroOpeningProof<E> opening = proof.MaskOpenings[0];
        E[] proximity = opening.ProximityRow.ToArray();
        proximity[0] += E.One;
        var changed = new LigeroOpeningProof<E>(proximity, opening.EvaluationRow, opening.RowCount, opening.Columns, opening.Salts, opening.MerkleProof);
        ModelLinkProof With(SumcheckMaskChunk[] chunks, LigeroOpeningProof<E>[] openings) =>
            new([.. proof.WeightShifts], [.. proof.WitnessIndices], [.. proof.WitnessValues], proof.RemainderRoot, proof.MultiplicityArray, proof.SumcheckArray,
                proof.ValueArray, proof.RemainderOpeningArray, proof.TrainingOpeningArray, proof.ModelOpeningArray, chunks, openings, proof.ZeroKnowledgeLookup);
        Assert.False(ModelLinkArgument.Verify(run.Transcript, model.Commitment, With([], [])));
        Assert.False(ModelLinkArgument.Verify(run.Transcript, model.Commitment, With(proof.MaskChunks, [changed])));

        // The committed multiplicities: nothing published, and each loose value and the chunk holding them (root, size) bound.
        Assert.Empty(proof.Multiplicities);
        Assert.True(ModelLinkArgument.SoundnessBits(run.Transcript, model.Commitment, proof) >= VerifierPolicy.Default.MinimumSoundnessBits);
        for (int i = 0; i < proof.ValueArray.Length; i++)
        {
            E[] values = proof.ValueArray.ToArray();
            values[i] += E.One;
            var tampered = new ModelLinkProof(
                [.. proof.WeightShifts], [.. proof.WitnessIndices], [.. proof.WitnessValues], proof.RemainderRoot, [], proof.SumcheckArray,
                values, proof.RemainderOpeningArray, proof.TrainingOpeningArray, proof.ModelOpeningArray, proof.MaskChunks, proof.MaskOpenings, proof.ZeroKnowledgeLookup);
            Assert.False(ModelLinkArgument.Verify(run.Transcript, model.Commitment, tampered), $"value {i}");
        }

        // Every sumcheck (the logUp's layers, the three minimality sumchecks per layer, the batchings): its first round moved.
        for (int i = 0; i < proof.SumcheckArray.Length; i++)
        {
            SumcheckProof<E> sumcheck = proof.SumcheckArray[i];
            E[][] rounds = Enumerable.Range(0, sumcheck.RoundCount).Select(k => sumcheck.GetRoundPolynomial(k).ToArray()).ToArray();
            if (rounds.Length == 0)
            {
                continue;
            }

            rounds[0][0] += E.One;
            SumcheckProof<E>[] sumchecks = [.. proof.SumcheckArray];
            sumchecks[i] = new SumcheckProof<E>(rounds, sumcheck.FactorEvaluations.ToArray(), sumcheck.MaskSum, sumcheck.MaskValue);
            var tampered = new ModelLinkProof(
                [.. proof.WeightShifts], [], [], proof.RemainderRoot, [], sumchecks, proof.ValueArray, proof.RemainderOpeningArray, proof.TrainingOpeningArray,
                proof.ModelOpeningArray, proof.MaskChunks, proof.MaskOpenings, proof.ZeroKnowledgeLookup);
            Assert.False(ModelLinkArgument.Verify(run.Transcript, model.Commitment, tampered), $"sumcheck {i}");
        }

        Assert.False(ModelLinkArgument.Verify(run.Transcript, model.Commitment, With([Moved(proof.MaskChunks[0]), .. proof.MaskChunks.Skip(1)], proof.MaskOpenings)));
        Assert.False(ModelLinkArgument.Verify(
            run.Transcript, model.Commitment, With([proof.MaskChunks[0] with { LogSize = proof.MaskChunks[0].LogSize - 1 }, .. proof.MaskChunks.Skip(1)], proof.MaskOpenings)));
    }
}
