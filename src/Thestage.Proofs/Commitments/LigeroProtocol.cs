using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Commitments;

/// <summary>Steps shared by the Ligero prover and verifier, so both drive the transcript identically.</summary>
internal static class LigeroProtocol
{
    private const string RootLabel = "ligero/root";
    private const string ShapeLabel = "ligero/shape";
    private const string QueriesLabel = "ligero/column-queries";
    private const string PointLabel = "ligero/point";
    private const string ValueLabel = "ligero/value";
    private const string ProximityChallengeLabel = "ligero/proximity-challenge";
    private const string ProximityRowLabel = "ligero/proximity-row";
    private const string EvaluationRowLabel = "ligero/evaluation-row";
    private const string ColumnsLabel = "ligero/columns";
    private const string BudgetLabel = "ligero/opening-budget";
    private const string MaskSetLabel = "ligero/mask-set";
    private const string MaskScaleLabel = "ligero/mask-scale";

    /// <summary>
    /// Absorbs the statement and returns the proximity challenges <c>γ</c> (one per combined row). Hiding parameters add a
    /// fourth shape byte (1), so a hiding opening never shares a transcript with a plain one; plain transcripts are unchanged.
    /// </summary>
    public static TExt[] BeginOpening<TExt>(
        Transcript transcript, LigeroCommitment commitment, LigeroParameters parameters, ReadOnlySpan<TExt> point, TExt value, int rowCount)
        where TExt : struct, IExtensionField<TExt>
    {
        transcript.AbsorbDigest(RootLabel, commitment.Root);
        Span<byte> shape = stackalloc byte[4];
        shape[0] = (byte)commitment.NumVariables;
        shape[1] = (byte)parameters.LogBlowup;
        shape[2] = (byte)TExt.Degree;
        shape[3] = 1;
        transcript.AbsorbBytes(ShapeLabel, shape[..(parameters.Hiding ? 4 : 3)]);
        transcript.AbsorbUInt64(QueriesLabel, (ulong)parameters.ColumnQueries);
        transcript.Absorb(PointLabel, point);
        transcript.Absorb(ValueLabel, value);
        return transcript.Challenges<TExt>(ProximityChallengeLabel, rowCount);
    }

    /// <summary>
    /// As <see cref="BeginOpening{TExt}(Transcript, LigeroCommitment, LigeroParameters, ReadOnlySpan{TExt}, TExt, int)"/>, for parameters
    /// with an opening budget: the budget and the opening's mask set are absorbed after the statement, before <c>γ</c>, and the
    /// mask scale <c>λ</c> is drawn after <c>γ</c> (see <see cref="LigeroParameters"/> remarks, "Opening budget"). Without a
    /// budget this is the plain call with <c>λ = 1</c> (transcripts unchanged).
    /// </summary>
    public static (TExt[] Gamma, TExt Scale) BeginOpening<TExt>(
        Transcript transcript, LigeroCommitment commitment, LigeroParameters parameters, ReadOnlySpan<TExt> point, TExt value, int rowCount, int maskSet)
        where TExt : struct, IExtensionField<TExt>
    {
        if (parameters.OpeningBudget == 0)
        {
            return (BeginOpening(transcript, commitment, parameters, point, value, rowCount), TExt.One);
        }

        transcript.AbsorbUInt64(BudgetLabel, (ulong)parameters.OpeningBudget);
        transcript.AbsorbUInt64(MaskSetLabel, (ulong)maskSet);
        TExt[] gamma = BeginOpening(transcript, commitment, parameters, point, value, rowCount);
        return (gamma, transcript.Challenge<TExt>(MaskScaleLabel));
    }

    /// <summary>Absorbs the two rows and returns the distinct queried column indices in increasing order.</summary>
    public static int[] QueryColumns<TExt>(
        Transcript transcript, ReadOnlySpan<TExt> proximityRow, ReadOnlySpan<TExt> evaluationRow, int codewordLength, int queries)
        where TExt : struct, IExtensionField<TExt>
    {
        transcript.Absorb(ProximityRowLabel, proximityRow);
        transcript.Absorb(EvaluationRowLabel, evaluationRow);
        int[] indices = transcript.ChallengeIndices(ColumnsLabel, codewordLength, queries);
        Array.Sort(indices);
        int distinct = 0;
        for (int i = 0; i < indices.Length; i++)
        {
            if (distinct == 0 || indices[i] != indices[distinct - 1])
            {
                indices[distinct++] = indices[i];
            }
        }

        return indices[..distinct];
    }

    /// <summary>Hashes a salted column leaf: the salt and the canonical encodings of its entries.</summary>
    public static Digest256 HashColumn(ReadOnlySpan<byte> salt, ReadOnlySpan<Goldilocks> column, Span<byte> scratch)
    {
        for (int i = 0; i < column.Length; i++)
        {
            column[i].WriteTo(scratch[(8 * i)..]);
        }

        return MerkleHasher.HashLeaf(salt, scratch[..(8 * column.Length)]);
    }

    /// <summary>The points <c>η_j = s·ω_n^j</c> of the coset <c>s·H_n</c> at the queried columns <c>j</c> (codeword index <c>j</c> is <c>η_j</c>).</summary>
    public static Goldilocks[] QueriedPoints(ReadOnlySpan<int> indices, int n)
    {
        Goldilocks root = Goldilocks.RootOfUnity(System.Numerics.BitOperations.Log2((uint)n));
        var points = new Goldilocks[indices.Length];
        for (int q = 0; q < indices.Length; q++)
        {
            points[q] = GoldilocksNtt.CosetShift * Goldilocks.Pow(root, (ulong)indices[q]);
        }

        return points;
    }

    /// <summary>
    /// The Reed–Solomon codeword of an extension-field row (its message on <c>H_k</c>; the code is F_p-linear) at the given
    /// coset points only: the interpolant's coefficients (an inverse transform of length <c>k</c>) evaluated there, the entries
    /// <see cref="GoldilocksNtt.CosetLowDegreeExtension"/> would give at those columns.
    /// </summary>
    public static TExt[] EncodeAt<TExt>(ReadOnlySpan<TExt> row, ReadOnlySpan<Goldilocks> points)
        where TExt : struct, IExtensionField<TExt> =>
        LigeroMasking.EvaluateAt<TExt>(LigeroMasking.Interpolate(row), points);
}
