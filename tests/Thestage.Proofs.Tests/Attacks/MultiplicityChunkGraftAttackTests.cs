using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Inference;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// A cheating prover rearranges the masking pool of a hiding weight range proof, whose first chunk holds the committed logUp
/// multiplicities (<c>TSMC</c> v5/v6): the multiplicity chunk declared smaller than the 256-entry table (so the histogram would
/// spill into a chunk the verifier does not read as one), the multiplicity chunk and its opening grafted from another
/// model's valid proof, the chunk dropped, and the chunk declared twice. Each is refused with a
/// verdict, never an exception.
/// </summary>
public sealed class MultiplicityChunkGraftAttackTests
{
    private static WeightRangeProof WithPool(WeightRangeProof range, SumcheckMaskChunk[] chunks, LigeroOpeningProof<E>[] openings) =>
        new(range.Multiplicities, range.Sumchecks, range.Values, range.Openings, chunks, openings);

    [Fact]
    public void MultiplicityChunkDeclaredSmallerThanTheTable_IsRefused()
    {
        (QuantizedModel quantized, _) = HidingWeightRangeTests.TwoModelsWithDifferentHistograms(9500);
        ModelCommitment commitment = CommittedModel.Commit(quantized, LigeroParameters.DefaultHiding, new SeededSaltSource(9501)).Commitment;
        WeightRangeProof range = commitment.RangeProof!;
        Assert.True(commitment.VerifyWeightRanges());

        for (int logSize = SumcheckMaskChunk.MinLogSize; logSize < 8; logSize++)
        {
            SumcheckMaskChunk[] chunks = [.. range.MaskChunks];
            chunks[0] = chunks[0] with { LogSize = logSize };
            Assert.False(commitment.WithRangeProof(WithPool(range, chunks, range.MaskOpenings)).CheckWeightRanges().IsAccepted);
        }
    }

    [Fact]
    public void MultiplicityChunkGraftedFromAnotherModelsValidProof_IsRefused()
    {
        (QuantizedModel first, QuantizedModel second) = HidingWeightRangeTests.TwoModelsWithDifferentHistograms(9510);
        ModelCommitment commitment = CommittedModel.Commit(first, LigeroParameters.DefaultHiding, new SeededSaltSource(9511)).Commitment;
        ModelCommitment other = CommittedModel.Commit(second, LigeroParameters.DefaultHiding, new SeededSaltSource(9512)).Commitment;
        Assert.True(other.VerifyWeightRanges());
        WeightRangeProof range = commitment.RangeProof!, donor = other.RangeProof!;

        SumcheckMaskChunk[] chunks = [.. range.MaskChunks];
        LigeroOpeningProof<E>[] openings = [.. range.MaskOpenings];
        chunks[0] = donor.MaskChunks[0];
        openings[0] = donor.MaskOpenings[0];
        Assert.False(commitment.WithRangeProof(WithPool(range, chunks, openings)).CheckWeightRanges().IsAccepted);
    }

    [Fact]
    public void MultiplicityChunkDroppedOrDeclaredTwice_IsRefused()
    {
        (QuantizedModel quantized, _) = HidingWeightRangeTests.TwoModelsWithDifferentHistograms(9520);
        ModelCommitment commitment = CommittedModel.Commit(quantized, LigeroParameters.DefaultHiding, new SeededSaltSource(9521)).Commitment;
        WeightRangeProof range = commitment.RangeProof!;
        Assert.Single(range.MaskChunks);

        // No pool: the multiplicities are nowhere (a masked proof without chunks); the chunk twice: the second is never read.
        Assert.False(commitment.WithRangeProof(WithPool(range, [], [])).CheckWeightRanges().IsAccepted);
        SumcheckMaskChunk[] twice = [range.MaskChunks[0], range.MaskChunks[0]];
        LigeroOpeningProof<E>[] twiceOpened = [range.MaskOpenings[0], range.MaskOpenings[0]];
        Assert.False(commitment.WithRangeProof(WithPool(range, twice, twiceOpened)).CheckWeightRanges().IsAccepted);
    }
}
