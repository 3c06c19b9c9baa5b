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
        Goldilocks[][] tables = WeightCommitment.Evaluations(run.Snapshots[1]);
        Assert.Equal(2, tables.Length); // 5-6-3: W_0 (64 entries) outweighs the rest (44), so it has its own polynomial
        Assert.Equal([6, 6], honest.WeightVariables);
        foreach (long bad in new[] { 1L << 19, -(1L << 19) - 1, 1L << 40, -1L << 40 })
        {
            for (int g = 0; g < tables.Length; g++)
            {
                // The first and last parameter positions (padding must be zero, so an entry there fails for that reason).
                int last = Array.LastIndexOf(SnapshotPadding.Table<Goldilocks>(honest.Config, g), Goldilocks.Zero);
                foreach (int position in new[] { 0, last })
                {
                    // A transcript whose snapshot 1 commits to a table with one out-of-range entry; the prover follows the protocol.
                    Goldilocks[][] forged = tables.Select(t => (Goldilocks[])t.Clone()).ToArray();
                    forged[g][position] = WeightCommitment.Embed(bad);
                    (TrainingTranscript transcript, LigeroProverState[] states) = SnapshotPaddingTests.Recommit(honest, 1, forged, 701);
                    SnapshotRangeProof proof = SnapshotRangeArgument.Prove(transcript, 1, states, forged, new SeededSaltSource(702));
                    Assert.False(SnapshotRangeArgument.Verify(transcript, proof), $"{bad} at {position} of polynomial {g}");

                    // When the offset entry w + 2^19 is an integer in [0, 2^24), its three byte limbs hold it and the top one is out
                    // of its 4-bit range: the lookup fails. Otherwise the limbs are the low bytes of the field element (of p − 1 for
                    // −1, of 2^40 + 2^19), all in range, and do not recompose the entry.
                    (RejectionReason reason, string relation) = bad + (1L << 19) is >= 0 and < 1L << 24
                        ? (RejectionReason.Lookup, "lookup") : (RejectionReason.Relation, $"recomposition of polynomial {g}");
                    VerdictAssert.Rejected(SnapshotRangeArgument.Check(transcript, proof, VerifierPolicy.Default), reason, relation);
                }
            }
        }

        // Boundary values are accepted, in both polynomials.
        Goldilocks[][] edge = tables.Select(t => (Goldilocks[])t.Clone()).ToArray();
        edge[0][0] = WeightCommitment.Embed((1L << 19) - 1);
        edge[0][1] = WeightCommitment.Embed(-(1L << 19));
        edge[1][Array.LastIndexOf(SnapshotPadding.Table<Goldilocks>(honest.Config, 1), Goldilocks.Zero)] = WeightCommitment.Embed(-(1L << 19));
        (TrainingTranscript edgeTranscript, LigeroProverState[] edgeStates) = SnapshotPaddingTests.Recommit(honest, 1, edge, 703);
        Assert.True(SnapshotRangeArgument.Verify(edgeTranscript, SnapshotRangeArgument.Prove(edgeTranscript, 1, edgeStates, edge, null)));
    }

    [Fact]
    public void LargeFirstLayersGetTheirOwnPolynomial()
    {
        var mnist = new TrainingConfig([784, 128, 10], batchSize: 16, learningRateShift: 4, fractionalBits: 16, weightBits: 24, valueBits: 28, seed: 1);
        Assert.Equal([17, 12], WeightCommitment.NumVariables(mnist)); // 2^17 + 2^12 entries instead of 2^18
        var small = new TrainingConfig([4, 8, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 1);
        Assert.Equal([7], WeightCommitment.NumVariables(small));
    }

    [Fact]
    public void ProofsAreBoundToTheirSnapshot()
    {
        TrainingRun run = Run(20);

        // Limbs of another (in-range) table than the committed one: the snapshot opening at z disagrees.
        Goldilocks[][] other = WeightCommitment.Evaluations(run.Snapshots[0]);
        SnapshotRangeProof mismatched = SnapshotRangeArgument.Prove(run.Transcript, 1, run.WeightStates(1), other, null);
        VerdictAssert.Rejected(SnapshotRangeArgument.Check(run.Transcript, mismatched, VerifierPolicy.Default), RejectionReason.Opening, "opening of snapshot polynomial 0");

        // Only the second polynomial (biases and later layers) replaced by the previous snapshot's.
        Goldilocks[][] mixed = [WeightCommitment.Evaluations(run.Snapshots[1])[0], other[1]];
        VerdictAssert.Rejected(SnapshotRangeArgument.Check(run.Transcript, SnapshotRangeArgument.Prove(run.Transcript, 1, run.WeightStates(1), mixed, null), VerifierPolicy.Default), RejectionReason.Opening, "opening of snapshot polynomial 1");

        SnapshotRangeProof proof = SnapshotRangeArgument.Prove(run, 2);
        Assert.True(SnapshotRangeArgument.Verify(run.Transcript, proof));
        var relabelled = new SnapshotRangeProof(
            1, proof.LimbRoot, [.. proof.Multiplicities], [.. proof.Sumchecks], [.. proof.Values], [.. proof.LimbOpenings], [.. proof.WeightOpenings]);
        VerdictAssert.Rejected(SnapshotRangeArgument.Check(run.Transcript, relabelled, VerifierPolicy.Default), RejectionReason.Lookup);
        Goldilocks[] multiplicities = [.. proof.Multiplicities];
        multiplicities[3] += Goldilocks.One;
        var recounted = new SnapshotRangeProof(
            2, proof.LimbRoot, multiplicities, [.. proof.Sumchecks], [.. proof.Values], [.. proof.LimbOpenings], [.. proof.WeightOpenings]);
        VerdictAssert.Rejected(SnapshotRangeArgument.Check(run.Transcript, recounted, VerifierPolicy.Default), RejectionReason.Lookup);
        GoldilocksExt2[] values = [.. proof.Values];
        values[^1] += GoldilocksExt2.One;
        var altered = new SnapshotRangeProof(
            2, proof.LimbRoot, [.. proof.Multiplicities], [.. proof.Sumchecks], values, [.. proof.LimbOpenings], [.. proof.WeightOpenings]);
        VerdictAssert.Rejected(SnapshotRangeArgument.Check(run.Transcript, altered, VerifierPolicy.Default), RejectionReason.Relation, "recomposition of polynomial 1");
        VerdictAssert.Rejected(SnapshotRangeArgument.Check(run.Transcript, null, VerifierPolicy.Default), RejectionReason.Format);
        var oneOpening = new SnapshotRangeProof(
            2, proof.LimbRoot, [.. proof.Multiplicities], [.. proof.Sumchecks], [.. proof.Values], [.. proof.LimbOpenings], [proof.WeightOpenings[0]]);
        VerdictAssert.Rejected(SnapshotRangeArgument.Check(run.Transcript, oneOpening, VerifierPolicy.Default), RejectionReason.Format);
        var swapped = new SnapshotRangeProof(
            2, proof.LimbRoot, [.. proof.Multiplicities], [.. proof.Sumchecks], [.. proof.Values], [.. proof.LimbOpenings], [proof.WeightOpenings[1], proof.WeightOpenings[0]]);
        VerdictAssert.Rejected(SnapshotRangeArgument.Check(run.Transcript, swapped, VerifierPolicy.Default), RejectionReason.Opening, "opening of snapshot polynomial 0");
    }

    private static TrainingRun Run(int weightBits)
    {
        int fractionalBits = Math.Min(12, weightBits - 1);
        var config = new TrainingConfig([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: fractionalBits, weightBits: weightBits, valueBits: 24, seed: 81);
        TrainingDataset data = SyntheticData.Blobs(config, 32, 1, 0.4, 82).Train;
        return TrainingRun.Record(config, data, 2, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(83));   // the plain range proof (TSSR v3, published multiplicities)
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

        // Version 3 is current; versions 1 and 2 (no padding zero-check) are refused with the reason.
        Assert.Equal(3, bytes[4] | (bytes[5] << 8));
        foreach (byte version in new byte[] { 1, 2 })
        {
            byte[] old = (byte[])bytes.Clone();
            old[4] = version;
            string message = Assert.Throws<ProofFormatException>(() => SnapshotRangeProofSerializer.Deserialize(old)).Message;
            Assert.Contains($"version {version}", message);
            Assert.Contains("padding", message);
        }
    }
}
