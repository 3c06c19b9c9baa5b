using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Statistics;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Lookups;

/// <summary>
/// The logUp GKR with zero-knowledge layer sumchecks (<see cref="FractionalSumcheck"/> under a <see cref="SumcheckMaskPool{T}"/>):
/// completeness, rejection of tampered layers and pools, and the indistinguishability of the layer round messages of two
/// columns with one multiset of values.
/// </summary>
public sealed class ZeroKnowledgeLogUpTests
{
    private const int TableBits = 8;
    private const string Protocol = "zk-logup-test";

    private static readonly LigeroParameters Hiding = LigeroParameters.DefaultHiding;

    private static (ProofBuilder<E> Builder, IReadOnlyList<SumcheckMaskChunk> Chunks, LigeroOpeningProof<E>[] Openings) Prove((Goldilocks[] Values, ulong Scale)[] columns, int seed, bool masked)
    {
        var transcript = new Transcript(Protocol);
        var builder = new ProofBuilder<E>(masked ? new SumcheckMaskPool<E>(Hiding, 10, new SeededSaltSource(seed)) : null);
        LogUpArgument.Prove(transcript, builder, columns, LogUpArgument.Multiplicities(columns, TableBits), TableBits);
        return (builder, builder.Masks?.Chunks ?? [], builder.Masks?.Open(transcript) ?? []);
    }

    private static bool Accepts((Goldilocks[] Values, ulong Scale)[] columns, ProofBuilder<E> builder, IReadOnlyList<SumcheckMaskChunk> chunks, LigeroOpeningProof<E>[] openings, bool masked)
    {
        var transcript = new Transcript(Protocol);
        SumcheckMaskVerifier<E>? masks = masked ? new SumcheckMaskVerifier<E>(Hiding, chunks) : null;
        LookupColumnSpec[] specs = columns.Select(c => new LookupColumnSpec(System.Numerics.BitOperations.Log2((uint)c.Values.Length), c.Scale)).ToArray();
        LogUpClaims<E>? claims = LogUpArgument.Verify(transcript, new ProofCursor<E>(builder.Sumchecks, builder.Values, masks), specs, TableBits);
        return claims is not null
            && Enumerable.Range(0, columns.Length).All(j => MatrixMultiplicationSumcheck.EvaluateMatrix<E>(columns[j].Values, claims.ColumnPoints[j]) == claims.ColumnValues[j])
            && (masks is null || masks.Finish(transcript, openings));
    }

    private static (Goldilocks[] Values, ulong Scale)[] Columns(int seed, int logSize)
    {
        var random = new Random(seed);
        return [(Enumerable.Range(0, 1 << logSize).Select(_ => new Goldilocks((ulong)random.Next(256))).ToArray(), 1UL), ([new Goldilocks(3), new Goldilocks(200)], 1UL)];
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(9)]
    public void MaskedLookupsAreAcceptedAndTamperedOnesRejected(int logSize)
    {
        (Goldilocks[] Values, ulong Scale)[] columns = Columns(logSize, logSize);
        (ProofBuilder<E> builder, IReadOnlyList<SumcheckMaskChunk> chunks, LigeroOpeningProof<E>[] openings) = Prove(columns, 1, masked: true);
        Assert.All(builder.Sumchecks, s => Assert.True(s.IsMasked));
        Assert.True(Accepts(columns, builder, chunks, openings, masked: true));
        Assert.False(Accepts(columns, builder, chunks, openings, masked: false));

        // A layer whose g(r) is moved, a layer whose mask sum is moved, and a pool without its opening.
        int last = builder.Sumchecks.Count - 1;
        SumcheckProof<E> proof = builder.Sumchecks[last];
        E[][] rounds = Enumerable.Range(0, proof.RoundCount).Select(i => proof.GetRoundPolynomial(i).ToArray()).ToArray();
        builder.Sumchecks[last] = new SumcheckProof<E>(rounds, proof.FactorEvaluations, proof.MaskSum, proof.MaskValue + E.One);
        Assert.False(Accepts(columns, builder, chunks, openings, masked: true));
        builder.Sumchecks[last] = new SumcheckProof<E>(rounds, proof.FactorEvaluations, proof.MaskSum + E.One, proof.MaskValue);
        Assert.False(Accepts(columns, builder, chunks, openings, masked: true));
        builder.Sumchecks[last] = proof;
        Assert.True(Accepts(columns, builder, chunks, openings, masked: true));
        Assert.False(Accepts(columns, builder, chunks, [], masked: true));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LayerRoundMessagesOfTwoColumnsWithOneMultisetAreIndistinguishableOnlyWhenMasked(bool masked)
    {
        const int LogSize = 5, Proofs = 30;
        (Goldilocks[] Values, ulong Scale)[] first = Columns(77, LogSize);
        Goldilocks[] reversed = first[0].Values.Reverse().ToArray();
        (Goldilocks[] Values, ulong Scale)[] second = [(reversed, 1UL), first[1]];
        var test = new TwoSampleChiSquare();
        for (int s = 0; s < Proofs; s++)
        {
            foreach (((Goldilocks[] Values, ulong Scale)[] columns, bool isFirst) in new[] { (first, true), (second, false) })
            {
                (ProofBuilder<E> builder, _, _) = Prove(columns, (2 * s) + (isFirst ? 0 : 1), masked);
                test.AddRoundMessages(isFirst, builder.Sumchecks);
            }
        }

        Assert.True(masked != test.Distinguishes, $"χ² = {test.Statistic():F1} over {test.Counts} values");
    }
}
