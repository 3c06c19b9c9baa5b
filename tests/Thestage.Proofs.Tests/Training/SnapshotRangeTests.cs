using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Training;

public sealed class SnapshotRangeTests
{
    [Theory]
    [InlineData(20)] // three limbs, top limb 4 bits (looked up twice)
    [InlineData(16)] // two full limbs
    [InlineData(5)] // one 5-bit limb
    public void HonestSnapshotsAreInRange(int weightBits)
    {
        TrainingRun run = Run(weightBits);
        for (int snapshot = 0; snapshot <= run.Transcript.StepCount; snapshot++)
        {
            SnapshotRangeProof proof = SnapshotRangeArgument.Prove(run, snapshot, new SeededSaltSource(700 + snapshot));
            Assert.True(SnapshotRangeArgument.Verify(run.Transcript, proof));
        }
    }

    [Fact]
    public void OutOfRangeEntriesAreRejected()
    {
        TrainingRun run = Run(20);
        TrainingTranscript honest = run.Transcript;
        Goldilocks[] table = WeightCommitment.Evaluations(run.Snapshots[1]);
        foreach (long bad in new[] { 1L << 19, -(1L << 19) - 1, 1L << 40, -1L << 40 })
        {
            foreach (int position in new[] { 0, table.Length - 1 })
            {
                // A transcript whose snapshot 1 commits to a table with one out-of-range entry; the prover follows the protocol.
                Goldilocks[] forged = (Goldilocks[])table.Clone();
                forged[position] = WeightCommitment.Embed(bad);
                LigeroProverState state = LigeroProver.Commit(forged, honest.Parameters, new SeededSaltSource(701));
                Digest256[] roots = [.. honest.WeightRoots];
                roots[1] = state.Commitment.Root;
                var transcript = new TrainingTranscript(honest.Config, honest.Parameters, honest.SampleCount, honest.DatasetRoot, roots);
                SnapshotRangeProof proof = SnapshotRangeArgument.Prove(transcript, 1, state, forged, new SeededSaltSource(702));
                Assert.False(SnapshotRangeArgument.Verify(transcript, proof), $"{bad} at {position}");
            }
        }

        // Boundary values are accepted.
        Goldilocks[] edge = (Goldilocks[])table.Clone();
        edge[0] = WeightCommitment.Embed((1L << 19) - 1);
        edge[1] = WeightCommitment.Embed(-(1L << 19));
        LigeroProverState edgeState = LigeroProver.Commit(edge, honest.Parameters, new SeededSaltSource(703));
        Digest256[] edgeRoots = [.. honest.WeightRoots];
        edgeRoots[1] = edgeState.Commitment.Root;
        var edgeTranscript = new TrainingTranscript(honest.Config, honest.Parameters, honest.SampleCount, honest.DatasetRoot, edgeRoots);
        Assert.True(SnapshotRangeArgument.Verify(edgeTranscript, SnapshotRangeArgument.Prove(edgeTranscript, 1, edgeState, edge, null)));
    }

    [Fact]
    public void ProofsAreBoundToTheirSnapshot()
    {
        TrainingRun run = Run(20);

        // Limbs of another (in-range) table than the committed one: the snapshot opening at z disagrees.
        Goldilocks[] other = WeightCommitment.Evaluations(run.Snapshots[0]);
        SnapshotRangeProof mismatched = SnapshotRangeArgument.Prove(run.Transcript, 1, run.WeightState(1), other, null);
        Assert.False(SnapshotRangeArgument.Verify(run.Transcript, mismatched));

        SnapshotRangeProof proof = SnapshotRangeArgument.Prove(run, 2);
        Assert.True(SnapshotRangeArgument.Verify(run.Transcript, proof));
        var relabelled = new SnapshotRangeProof(
            1, proof.LimbRoot, [.. proof.Multiplicities], [.. proof.Sumchecks], [.. proof.Values], [.. proof.LimbOpenings], proof.WeightOpening);
        Assert.False(SnapshotRangeArgument.Verify(run.Transcript, relabelled));
        Goldilocks[] multiplicities = [.. proof.Multiplicities];
        multiplicities[3] += Goldilocks.One;
        var recounted = new SnapshotRangeProof(
            2, proof.LimbRoot, multiplicities, [.. proof.Sumchecks], [.. proof.Values], [.. proof.LimbOpenings], proof.WeightOpening);
        Assert.False(SnapshotRangeArgument.Verify(run.Transcript, recounted));
        GoldilocksExt2[] values = [.. proof.Values];
        values[^1] += GoldilocksExt2.One;
        var altered = new SnapshotRangeProof(
            2, proof.LimbRoot, [.. proof.Multiplicities], [.. proof.Sumchecks], values, [.. proof.LimbOpenings], proof.WeightOpening);
        Assert.False(SnapshotRangeArgument.Verify(run.Transcript, altered));
        Assert.False(SnapshotRangeArgument.Verify(run.Transcript, null));
    }

    private static TrainingRun Run(int weightBits)
    {
        int fractionalBits = Math.Min(12, weightBits - 1);
        var config = new TrainingConfig([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: fractionalBits, weightBits: weightBits, valueBits: 24, seed: 81);
        TrainingDataset data = SyntheticData.Blobs(config, 32, 1, 0.4, 82).Train;
        return TrainingRun.Record(config, data, 2, salts: new SeededSaltSource(83));
    }

    [Fact]
    public void SerializedProofsRoundTripAndMutationsNeverVerify()
    {
        TrainingRun run = Run(20);
        SnapshotRangeProof proof = SnapshotRangeArgument.Prove(run, 1, new SeededSaltSource(704));
        byte[] bytes = SnapshotRangeProofSerializer.Serialize(proof);
        Assert.Equal("TSSR"u8.ToArray(), bytes[..4]);
        SnapshotRangeProof copy = SnapshotRangeProofSerializer.Deserialize(bytes);
        Assert.Equal(bytes, SnapshotRangeProofSerializer.Serialize(copy));
        Assert.True(SnapshotRangeArgument.Verify(run.Transcript, copy));

        // Header, limb root and the first multiplicities byte by byte, then sampled positions: a ProofFormatException
        // or a rejected proof, never another exception or an accepted proof.
        var random = new Random(705);
        IEnumerable<int> positions = Enumerable.Range(0, 120).Concat(Enumerable.Range(0, 300).Select(_ => random.Next(120, bytes.Length)));
        int formatErrors = 0, rejections = 0;
        foreach (int position in positions)
        {
            byte[] tampered = (byte[])bytes.Clone();
            tampered[position] ^= (byte)random.Next(1, 256);
            SnapshotRangeProof parsed;
            try
            {
                parsed = SnapshotRangeProofSerializer.Deserialize(tampered);
            }
            catch (ProofFormatException)
            {
                formatErrors++;
                continue;
            }

            Assert.False(SnapshotRangeArgument.Verify(run.Transcript, parsed), $"flip at {position}");
            rejections++;
        }

        Assert.True(formatErrors > 0 && rejections > 0);
        for (int length = 0; length < bytes.Length; length += 1 + random.Next(60))
        {
            Assert.Throws<ProofFormatException>(() => SnapshotRangeProofSerializer.Deserialize(bytes.AsSpan(0, length)));
        }

        Assert.Throws<ProofFormatException>(() => SnapshotRangeProofSerializer.Deserialize([.. bytes, 0]));
    }
}
