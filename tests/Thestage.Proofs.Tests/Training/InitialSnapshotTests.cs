using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Training;

public sealed class InitialSnapshotTests
{
    private static readonly TrainingConfig Config =
        new([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 121);

    private static readonly TrainingDataset Data = SyntheticData.Blobs(Config, 32, 1, 0.4, 122).Train;

    private static readonly Lazy<TrainingRun> SharedRun = new(() => TrainingRun.Record(Config, Data, 2, salts: new SeededSaltSource(123)));

    [Theory]
    [InlineData(new[] { 5, 6, 3 }, 2)] // W_0 on its own polynomial
    [InlineData(new[] { 4, 8, 3 }, 1)]
    [InlineData(new[] { 3, 5, 7, 2 }, 1)]
    public void HonestRunsVerify(int[] sizes, int polynomials)
    {
        var config = new TrainingConfig(sizes, batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 124);
        TrainingRun run = TrainingRun.Record(config, SyntheticData.Blobs(config, 16, 1, 0.4, 125).Train, 1, salts: new SeededSaltSource(126));
        InitialSnapshotProof proof = InitialSnapshotArgument.Prove(run);
        Assert.Equal(polynomials, proof.Openings.Count);
        Assert.True(InitialSnapshotArgument.Verify(run.Transcript, proof));
    }

    [Fact]
    public void OtherInitialSnapshotsAreRejected()
    {
        TrainingRun run = SharedRun.Value;
        Goldilocks[][] initial = WeightCommitment.Evaluations(run.Snapshots[0]);
        SegmentLayout layout = WeightCommitment.Layout(Config);

        // One weight, one bias, one padding entry changed, or the whole table replaced by snapshot 1 (a trained start).
        var forgeries = new List<(string What, Goldilocks[][] Tables)>
        {
            ("W_0[0, 0] + 1", Change(initial, 0, 0, Goldilocks.One)),
            ("W_1[2, 5] − 1", Change(initial, 1, layout.OffsetOf(2) + (2 * 8) + 5, -Goldilocks.One)),
            ("b_0[3] = 1", Change(initial, 1, layout.OffsetOf(1) + 3, Goldilocks.One)),
            ("padding W_0[7, 7] = 1", Change(initial, 0, 63, Goldilocks.One)),
            ("snapshot 1", WeightCommitment.Evaluations(run.Snapshots[1])),
        };
        foreach ((string what, Goldilocks[][] tables) in forgeries)
        {
            // A transcript whose snapshot 0 commits to the forgery (its schedule key and digest follow); the prover
            // follows the protocol.
            (TrainingTranscript transcript, LigeroProverState[] states) = SnapshotPaddingTests.Recommit(run.Transcript, 0, tables, 127);
            InitialSnapshotProof proof = InitialSnapshotArgument.Prove(transcript, states);
            Assert.False(InitialSnapshotArgument.Verify(transcript, proof), what);
            VerdictAssert.Rejected(InitialSnapshotArgument.Check(transcript, proof, VerifierPolicy.Default), RejectionReason.Opening, "opening of snapshot polynomial");
        }

        // The same forged-transcript path with the true tables is accepted (so the rejections above are about content).
        (TrainingTranscript honest, LigeroProverState[] honestStates) = SnapshotPaddingTests.Recommit(run.Transcript, 0, initial, 128);
        Assert.True(InitialSnapshotArgument.Verify(honest, InitialSnapshotArgument.Prove(honest, honestStates)));
    }

    [Fact]
    public void ARunStartedFromAnotherSeedIsRejected()
    {
        // Snapshot 0 is the initial weights of seed 122, but the transcript declares seed 121.
        var other = new TrainingConfig([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 122);
        TrainingRun foreign = TrainingRun.Record(other, Data, 1, salts: new SeededSaltSource(129));
        TrainingTranscript declared = new(Config, foreign.Transcript.Parameters, Data.Count, foreign.Transcript.DatasetRoot, [.. foreign.Transcript.WeightRoots], foreign.Transcript.DatasetOpeningBudget);
        VerdictAssert.Rejected(InitialSnapshotArgument.Check(declared, InitialSnapshotArgument.Prove(declared, foreign.WeightStates(0)), VerifierPolicy.Default), RejectionReason.Opening, "opening of snapshot polynomial 0");
        Assert.True(InitialSnapshotArgument.Verify(foreign.Transcript, InitialSnapshotArgument.Prove(foreign)));
    }

    [Fact]
    public void ProofsAreBoundToTheirTranscript()
    {
        TrainingRun run = SharedRun.Value;
        InitialSnapshotProof proof = InitialSnapshotArgument.Prove(run);
        Assert.True(InitialSnapshotArgument.Verify(run.Transcript, proof));

        // Same initial weights, other salts: other roots, other digest, other point.
        TrainingRun rerun = TrainingRun.Record(Config, Data, 2, salts: new SeededSaltSource(130));
        VerdictAssert.Rejected(InitialSnapshotArgument.Check(rerun.Transcript, proof, VerifierPolicy.Default), RejectionReason.Opening, "opening of snapshot polynomial 0");
        VerdictAssert.Rejected(InitialSnapshotArgument.Check(run.Transcript, null, VerifierPolicy.Default), RejectionReason.Format);
        VerdictAssert.Rejected(InitialSnapshotArgument.Check(run.Transcript, new InitialSnapshotProof([proof.Openings[0]]), VerifierPolicy.Default), RejectionReason.Format);
        VerdictAssert.Rejected(InitialSnapshotArgument.Check(run.Transcript, new InitialSnapshotProof([proof.Openings[1], proof.Openings[0]]), VerifierPolicy.Default), RejectionReason.Opening, "opening of snapshot polynomial 0");
        VerdictAssert.Rejected(InitialSnapshotArgument.Check(run.Transcript, new InitialSnapshotProof([proof.Openings[0], null!]), VerifierPolicy.Default), RejectionReason.Format);
        VerdictAssert.Rejected(InitialSnapshotArgument.Check(run.Transcript, new InitialSnapshotProof([.. proof.Openings, proof.Openings[1]]), VerifierPolicy.Default), RejectionReason.Format);
    }

    [Fact]
    public void SerializedProofsRoundTripAndMutationsNeverVerify()
    {
        TrainingRun run = SharedRun.Value;
        InitialSnapshotProof proof = InitialSnapshotArgument.Prove(run);
        byte[] bytes = InitialSnapshotProofSerializer.Serialize(proof);
        Assert.Equal("TSIS"u8.ToArray(), bytes[..4]);
        Assert.Equal(1, bytes[4] | (bytes[5] << 8));
        InitialSnapshotProof copy = InitialSnapshotProofSerializer.Deserialize(bytes);
        Assert.Equal(bytes, InitialSnapshotProofSerializer.Serialize(copy));
        Assert.True(InitialSnapshotArgument.Verify(run.Transcript, copy));

        // Every byte of the header and the first opening's framing, then sampled positions: a ProofFormatException or a
        // rejected proof, never another exception or an accepted proof.
        var random = new Random(131);
        IEnumerable<int> positions = Enumerable.Range(0, 64).Concat(Enumerable.Range(0, 400).Select(_ => random.Next(64, bytes.Length)));
        int formatErrors = 0, rejections = 0;
        foreach (int position in positions)
        {
            byte[] tampered = (byte[])bytes.Clone();
            tampered[position] ^= (byte)random.Next(1, 256);
            InitialSnapshotProof parsed;
            try
            {
                parsed = InitialSnapshotProofSerializer.Deserialize(tampered);
            }
            catch (ProofFormatException)
            {
                formatErrors++;
                continue;
            }

            Assert.False(InitialSnapshotArgument.Verify(run.Transcript, parsed), $"flip at {position}");
            rejections++;
        }

        Assert.True(formatErrors > 0 && rejections > 0);
        for (int length = 0; length < bytes.Length; length += 1 + random.Next(40))
        {
            Assert.Throws<ProofFormatException>(() => InitialSnapshotProofSerializer.Deserialize(bytes.AsSpan(0, length)));
        }

        Assert.Throws<ProofFormatException>(() => InitialSnapshotProofSerializer.Deserialize([.. bytes, 0]));
        foreach (byte count in new byte[] { 0, 3, 255 })
        {
            byte[] recounted = (byte[])bytes.Clone();
            recounted[6] = count;
            Assert.Throws<ProofFormatException>(() => InitialSnapshotProofSerializer.Deserialize(recounted));
        }

        byte[] future = (byte[])bytes.Clone();
        future[4] = 2;
        Assert.Contains("version 2", Assert.Throws<ProofFormatException>(() => InitialSnapshotProofSerializer.Deserialize(future)).Message);
    }

    private static Goldilocks[][] Change(Goldilocks[][] tables, int polynomial, int index, Goldilocks delta)
    {
        Goldilocks[][] changed = tables.Select(t => (Goldilocks[])t.Clone()).ToArray();
        changed[polynomial][index] += delta;
        return changed;
    }
}
