using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Training;

/// <summary>
/// The pieces of a run's proofs proven away from the run (<see cref="TrainingProofPiece"/>, as a cluster does) and gathered
/// by <see cref="TrainingProofPlan"/>: the gathered proofs verify as the single-machine ones; pieces of another run or with
/// altered witnesses are refused; wrong proofs are not gathered.
/// </summary>
public sealed class TrainingProofPieceTests
{
    private static readonly TrainingConfig Config =
        new([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 41);

    private static readonly TrainingDataset Data = SyntheticData.Blobs(Config, 40, 1, 0.4, 42).Train;

    // Plain: a hiding run's steps are not split into pieces (a piece carries neither the dataset nor the run's next mask set).
    private static readonly Lazy<TrainingRun> SharedRun = new(() => TrainingRun.Record(Config, Data, 3, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(43)));

    [Fact]
    public void PiecesProvenFromTheirBytesAlone_GatherIntoProofsThatVerifyAsTheSingleMachineOnes()
    {
        TrainingRun run = SharedRun.Value;
        TrainingTranscript transcript = TrainingTranscriptSerializer.Deserialize(TrainingTranscriptSerializer.Serialize(run.Transcript));
        TrainingProofPlan plan = TrainingProofPlan.EveryStep(run.Transcript);
        for (int i = 0; i < plan.Count; i++)
        {
            byte[] bytes = plan.Piece(i, run, Data).Serialize();
            Assert.Equal(run.Transcript.Digest, TrainingProofPiece.TranscriptOf(bytes));
            Assert.True(plan.TryAccept(i, TrainingProofPiece.Deserialize(bytes, transcript).Prove(transcript)));
        }

        TrainingProofs gathered = plan.Finish(run);
        TrainingProofs single = TrainingProver.ProveEveryStep(run, Data);
        Assert.Equal(single.Steps.Select(s => s.Step), gathered.Steps.Select(s => s.Step));
        Assert.Equal(single.Ranges.Select(r => r.Snapshot), gathered.Ranges.Select(r => r.Snapshot));
        Assert.True(TrainingVerifier.Verify(run.Transcript, single));
        Assert.True(TrainingVerifier.Verify(run.Transcript, gathered));
    }

    [Fact]
    public void PieceOfAnotherRun_OrWithAlteredWitness_IsRefused()
    {
        TrainingRun run = SharedRun.Value;
        TrainingRun other = TrainingRun.Record(Config, Data, 3, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(44));
        TrainingProofPlan plan = TrainingProofPlan.EveryStep(run.Transcript);
        int step = Enumerable.Range(0, plan.Count).First(i => !plan[i].IsRange);
        byte[] bytes = plan.Piece(step, run, Data).Serialize();
        Assert.Throws<ProofFormatException>(() => TrainingProofPiece.Deserialize(bytes, other.Transcript));

        // A parameter changed (the last weight: its bytes sit just before the seeds and the batch) no longer commits to the transcript's root.
        int weightsEnd = bytes.Length - (2 * 32) - BatchBytes(plan.Piece(step, run, Data));
        byte[] altered = (byte[])bytes.Clone();
        altered[weightsEnd - 4] ^= 1;
        Assert.Throws<ProofFormatException>(() => TrainingProofPiece.Deserialize(altered, run.Transcript).Prove(run.Transcript));

        // A seed changed: the recommitted root differs.
        altered = (byte[])bytes.Clone();
        altered[weightsEnd] ^= 1;
        Assert.Throws<ProofFormatException>(() => TrainingProofPiece.Deserialize(altered, run.Transcript).Prove(run.Transcript));
    }

    [Fact]
    public void TamperedOrMisplacedProof_IsNotGathered()
    {
        TrainingRun run = SharedRun.Value;
        TrainingProofPlan plan = TrainingProofPlan.EveryStep(run.Transcript);
        int first = Enumerable.Range(0, plan.Count).First(i => !plan[i].IsRange);
        int second = Enumerable.Range(first + 1, plan.Count - first - 1).First(i => !plan[i].IsRange);
        byte[] proof = plan.Piece(first, run, Data).Prove(run.Transcript);

        Assert.False(plan.TryAccept(second, proof));   // the proof of another step
        foreach (int at in new[] { 10, proof.Length / 2, proof.Length - 1 })
        {
            byte[] tampered = (byte[])proof.Clone();
            tampered[at] ^= 0x10;
            Assert.False(plan.TryAccept(first, tampered));
        }

        Assert.False(plan.TryAccept(first, proof[..^1]));
        Assert.Throws<InvalidOperationException>(() => plan.Finish(run));
        Assert.True(plan.TryAccept(first, proof));
    }

    private static int BatchBytes(TrainingProofPiece piece)
    {
        var writer = new ProofWriter();
        piece.Batch!.Write(writer);
        return writer.ToArray().Length;
    }
}
