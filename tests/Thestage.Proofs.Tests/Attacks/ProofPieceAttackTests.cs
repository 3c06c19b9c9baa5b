using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Tests.Inference;
using Thestage.Proofs.Tests.Training;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// The pieces a prover receives from a gatherer (<c>TSPW</c> training, <c>TSIW</c> inference; docs/serving.md) are bytes from
/// another party: truncated, declaring more than they hold, of another version, or beyond the prover's limits, each is
/// refused with <see cref="ProofFormatException"/> before anything of the declared size is allocated (allocation measured on
/// the current thread; no timing). The fuzz campaign (<c>ProofFormatFuzzTests</c>) mutates both formats further.
/// </summary>
public sealed class ProofPieceAttackTests
{
    private const long AllocationLimit = 4 << 20;

    private static readonly TrainingConfig Config =
        new([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 5201);

    private static readonly TrainingDataset Data = SyntheticData.Blobs(Config, 40, 1, 0.4, 5202).Train;

    private static readonly Lazy<(TrainingRun Run, byte[] Range, byte[] Step)> Training = new(() =>
    {
        TrainingRun run = TrainingRun.Record(Config, Data, 2, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(5203)); // pieces: plain runs only
        TrainingProofPlan plan = TrainingProofPlan.EveryStep(run.Transcript);
        int range = Enumerable.Range(0, plan.Count).First(i => plan[i].IsRange), step = Enumerable.Range(0, plan.Count).First(i => !plan[i].IsRange);
        return (run, plan.Piece(range, run, Data).Serialize(), plan.Piece(step, run, Data).Serialize());
    });

    private static readonly Lazy<(ModelCommitment Commitment, byte[] Piece)> Inference = new(() =>
    {
        InferenceProofPieceTests.Owner owner = InferenceProofPieceTests.Plain.Value;
        return (owner.Committed.Commitment, new InferenceProofPlan(owner.Committed.Commitment, owner.Inputs, 3).Piece(0, owner.Committed.Model, owner.Seed).Serialize());
    });

    [Fact]
    public void TruncatedPieces_AreRefused_AtEveryLength()
    {
        (TrainingRun run, byte[] range, byte[] step) = Training.Value;
        (ModelCommitment commitment, byte[] piece) = Inference.Value;
        foreach (byte[] training in new[] { range, step })
        {
            for (int length = 0; length < training.Length; length++)
            {
                AssertRefusedCheaply(() => TrainingProofPiece.Deserialize(training.AsSpan(0, length), run.Transcript));
            }

            AssertRefusedCheaply(() => TrainingProofPiece.Deserialize([.. training, 0], run.Transcript));   // and one byte too many
        }

        for (int length = 0; length < piece.Length; length++)
        {
            AssertRefusedCheaply(() => InferenceProofPiece.Deserialize(piece.AsSpan(0, length), commitment, 4096, long.MaxValue));
        }

        AssertRefusedCheaply(() => InferenceProofPiece.Deserialize([.. piece, 0], commitment, 4096, long.MaxValue));
    }

    [Fact]
    public void PiecesDeclaringMoreThanTheyHold_AreRefusedBeforeAllocating()
    {
        (TrainingRun run, _, byte[] step) = Training.Value;
        (ModelCommitment commitment, byte[] piece) = Inference.Value;

        AssertRefusedCheaply(() => TrainingProofPiece.Deserialize(StepPieceDeclaringAHugeBatch(step, run.Transcript), run.Transcript));
        foreach (uint count in new[] { uint.MaxValue, 1u << 31, 4097u, 4u })
        {
            AssertRefusedCheaply(() => InferenceProofPiece.Deserialize(InferencePieceDeclaringManyInputs(piece, commitment, 3, count), commitment, 4096, long.MaxValue));
        }
    }

    [Fact]
    public void PiecesOfAnotherVersion_AreRefused()
    {
        (TrainingRun run, byte[] range, _) = Training.Value;
        (ModelCommitment commitment, byte[] piece) = Inference.Value;
        foreach (ushort version in new ushort[] { 0, 2, ushort.MaxValue })
        {
            AssertRefusedCheaply(() => TrainingProofPiece.Deserialize(WithVersion(range, version), run.Transcript));
            Assert.Throws<ProofFormatException>(() => TrainingProofPiece.TranscriptOf(WithVersion(range, version)));
            AssertRefusedCheaply(() => InferenceProofPiece.Deserialize(WithVersion(piece, version), commitment, 4096, long.MaxValue));
            Assert.Throws<ProofFormatException>(() => InferenceProofPiece.CommitmentOf(WithVersion(piece, version)));
        }

        // The seed inside an inference piece is a TSCS of version 1 too.
        byte[] seedVersion = (byte[])piece.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(seedVersion.AsSpan(6 + 32 + 4), 2);
        AssertRefusedCheaply(() => InferenceProofPiece.Deserialize(seedVersion, commitment, 4096, long.MaxValue));
    }

    [Fact]
    public void InferencePieceBeyondTheProversLimits_IsRefused()
    {
        (ModelCommitment commitment, byte[] piece) = Inference.Value;   // three inputs of a 9-5-3 MLP: 68 parameters
        AssertRefusedCheaply(() => InferenceProofPiece.Deserialize(piece, commitment, 2, long.MaxValue));
        AssertRefusedCheaply(() => InferenceProofPiece.Deserialize(piece, commitment, 4096, 67));
        Assert.Equal(3, InferenceProofPiece.Deserialize(piece, commitment, 3, 68).Inputs.Length);
    }

    [Fact]
    public void PiecesOfACommitmentWithAnOpeningBudget_AreNeitherCutNorProven()
    {
        // Every piece's prover commits again from the seed, so two pieces would open the weights with the same mask set —
        // the repeated-opening attack on hiding commitments. Such commitments are refused on both sides.
        InferenceProofPieceTests.Owner owner = InferenceProofPieceTests.Plain.Value;
        using ModelCommitmentSeed seed = ModelCommitmentSeed.Create();
        CommittedModel budgeted = CommittedModel.Commit(owner.Committed.Model, seed, LigeroParameters.DefaultHidingWithBudget(4));
        Assert.Throws<ArgumentException>(() => new InferenceProofPlan(budgeted.Commitment, owner.Inputs, 2));

        // A piece written for the model's unbudgeted commitment, read against the budgeted one, whose fingerprint it is given.
        (ModelCommitment commitment, byte[] piece) = Inference.Value;
        byte[] relabelled = (byte[])piece.Clone();
        budgeted.Commitment.Fingerprint.ToArray().CopyTo(relabelled, 6);
        Assert.Equal(budgeted.Commitment.Fingerprint, InferenceProofPiece.CommitmentOf(relabelled));
        AssertRefusedCheaply(() => InferenceProofPiece.Deserialize(relabelled, budgeted.Commitment, 4096, long.MaxValue));
    }

    [Fact]
    public void TrainingStepPieceWithABatchOfAnotherShape_IsRefused()
    {
        (TrainingRun run, _, byte[] step) = Training.Value;
        TrainingRun wider = TrainingRun.Record(
            new TrainingConfig([5, 6, 3], batchSize: 8, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 5201), Data, 2, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(5203));
        TrainingProofPlan plan = TrainingProofPlan.EveryStep(wider.Transcript);
        byte[] eight = plan.Piece(Enumerable.Range(0, plan.Count).First(i => !plan[i].IsRange), wider, Data).Serialize();

        // The batch of 8 spliced after the parameters and seeds of the run of batch 4: it parses as an opening, not as that step's.
        int prefix = step.Length - BatchBytes(step, run.Transcript);
        byte[] spliced = [.. step.AsSpan(0, prefix), .. eight.AsSpan(eight.Length - BatchBytes(eight, wider.Transcript))];
        ProofFormatException refused = Assert.Throws<ProofFormatException>(() => TrainingProofPiece.Deserialize(spliced, run.Transcript));
        Assert.Contains("8 samples", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>A step piece whose batch opening declares 2^16 samples of 2^16 features (the largest the reader takes).</summary>
    internal static byte[] StepPieceDeclaringAHugeBatch(byte[] step, TrainingTranscript transcript)
    {
        int at = step.Length - BatchBytes(step, transcript);
        byte[] bytes = step[..(at + 8)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), (uint)TrainingConfig.MaxBatchSize);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 4), (uint)TrainingConfig.MaxWidth);
        return bytes;
    }

    /// <summary>An inference piece of <paramref name="inputs"/> inputs whose sample count says <paramref name="count"/> (the inputs stay the original's).</summary>
    internal static byte[] InferencePieceDeclaringManyInputs(byte[] piece, ModelCommitment commitment, int inputs, uint count)
    {
        int at = piece.Length - (inputs * commitment.InputShape.Size * sizeof(short)) - sizeof(uint);
        Assert.Equal(inputs, BinaryPrimitives.ReadInt32LittleEndian(piece.AsSpan(at)));
        byte[] bytes = (byte[])piece.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), count);
        return bytes;
    }

    private static byte[] WithVersion(byte[] piece, ushort version)
    {
        byte[] bytes = (byte[])piece.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), version);
        return bytes;
    }

    private static int BatchBytes(byte[] step, TrainingTranscript transcript)
    {
        var writer = new ProofWriter();
        TrainingProofPiece.Deserialize(step, transcript).Batch!.Write(writer);
        return writer.ToArray().Length;
    }

    private static void AssertRefusedCheaply(Func<object> read)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ProofFormatException>(read);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationLimit, $"allocated {allocated:N0} bytes");
    }
}
