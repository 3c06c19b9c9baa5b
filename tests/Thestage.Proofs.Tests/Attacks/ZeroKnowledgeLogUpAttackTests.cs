using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Lookups;
using Thestage.Proofs.Training;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// Attacks on the zero-knowledge logUp GKR (<see cref="FractionalSumcheck.ProveZeroKnowledge{T}"/>): a false layer claim moved
/// through a layer's mask, and downgrades to the hiding formats that revealed the layer claims.
/// </summary>
public sealed class ZeroKnowledgeLogUpAttackTests
{
    /// <summary>
    /// A column holds a value outside the table, so <c>p_0 ≠ 0</c>. The forger proves the root claim 0 anyway (its root round shifted
    /// by <c>−p_0/2</c>), sends the false <c>ṗ_1(t)</c> that the root's final check then needs, shifts layer 1's round by half the claim's
    /// error and absorbs the rest in <c>E_1</c> — as if <c>R_1</c> had been chosen after the challenges <c>t</c> and <c>s</c>. Every check of
    /// the GKR and the leaves passes; only the pool's opening, at the functional of the committed <c>R_1</c>, refuses it.
    /// </summary>
    [Theory]
    [InlineData(300UL)]
    [InlineData(Goldilocks.Modulus - 5)]
    public void LayerClaimShiftedThroughTheMaskToHideAnOutOfRangeValue_IsCaughtByThePoolOpening(ulong outlier)
    {
        ((Goldilocks[] Values, ulong Scale)[] columns, Goldilocks[]?[] masks) = ZeroKnowledgeLogUpGkrTests.Columns(21, 6, outlier);
        ZeroKnowledgeLogUpGkrTests.Run honest = ZeroKnowledgeLogUpGkrTests.Prove(columns, masks, 7);
        Assert.False(ZeroKnowledgeLogUpGkrTests.Accepts(honest));

        ZeroKnowledgeLogUpGkrTests.Run forged = ZeroKnowledgeLogUpGkrTests.Prove(columns, masks, 7, forge: true);
        var transcript = new Transcript("zk-logup-gkr-test");
        var pool = new SumcheckMaskVerifier<E>(LigeroParameters.DefaultHiding, forged.Chunks);
        var cursor = new ProofCursor<E>(forged.Sumchecks, forged.Values, pool);
        LogUpClaims<E>? claims = LogUpArgument.Verify(
            transcript, cursor, ZeroKnowledgeLogUpGkrTests.Specs(forged, true), ZeroKnowledgeLogUpGkrTests.TableBits, committedMultiplicities: true, zeroKnowledge: true);

        // The forgery passes the GKR, the leaf check and the column claims...
        Assert.NotNull(claims);
        Assert.True(cursor.IsExhausted);
        Assert.All(Enumerable.Range(0, columns.Length), j => Assert.Equal(ZeroKnowledgeLogUpGkrTests.ColumnClaim(forged, j, claims), claims.ColumnValues[j]));

        // ...and is caught by the opening of the pool that committed R_1 before α.
        Assert.False(pool.Finish(transcript, forged.Openings));
        Assert.False(ZeroKnowledgeLogUpGkrTests.Accepts(forged));
    }

    /// <summary>
    /// The lookups of the hiding formats before this one (masked sumchecks, revealed layer and leaf claims) are not zero-knowledge
    /// lookups: a lookup proven that way is refused by the zero-knowledge verifier (and the reverse), and <c>TSSR</c> version 5 bytes are
    /// refused by the parser with a message to prove again, so the leak cannot return as a downgrade.
    /// </summary>
    [Fact]
    public void RangeProofsThatRevealTheLayerClaims_AreRefusedWhereZeroKnowledgeIsRequired()
    {
        ((Goldilocks[] Values, ulong Scale)[] columns, Goldilocks[]?[] masks) = ZeroKnowledgeLogUpGkrTests.Columns(23, 5);
        ZeroKnowledgeLogUpGkrTests.Run revealing = ZeroKnowledgeLogUpGkrTests.Prove(columns, masks, 9, zeroKnowledge: false);
        Assert.True(ZeroKnowledgeLogUpGkrTests.Accepts(revealing, zeroKnowledge: false));
        Assert.False(ZeroKnowledgeLogUpGkrTests.Accepts(revealing));
        Assert.False(ZeroKnowledgeLogUpGkrTests.Accepts(ZeroKnowledgeLogUpGkrTests.Prove(columns, masks, 9), zeroKnowledge: false));

        var config = new TrainingConfig([6, 5, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 81);
        TrainingDataset data = Tests.Training.SyntheticData.Blobs(config, 32, 1, 0.4, 85).Train;
        TrainingRun run = TrainingRun.Record(config, data, 2, LigeroParameters.DefaultHiding, new SeededSaltSource(186));
        byte[] bytes = SnapshotRangeProofSerializer.Serialize(SnapshotRangeArgument.Prove(run, 2, new SeededSaltSource(187)));
        Assert.True(SnapshotRangeArgument.Verify(run.Transcript, SnapshotRangeProofSerializer.Deserialize(bytes)));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 5);
        ProofFormatException refused = Assert.Throws<ProofFormatException>(() => SnapshotRangeProofSerializer.Deserialize(bytes));
        Assert.Contains("version 5 is no longer accepted", refused.Message, StringComparison.Ordinal);
    }
}
