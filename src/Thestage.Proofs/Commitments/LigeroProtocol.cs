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

    /// <summary>Reed–Solomon encodes an extension-field row coefficient-wise (the code is F_p-linear) to length <paramref name="n"/>.</summary>
    public static TExt[] EncodeRow<TExt>(ReadOnlySpan<TExt> row, int n)
        where TExt : struct, IExtensionField<TExt>
    {
        int k = row.Length;
        var message = new Goldilocks[k];
        var codeword = new Goldilocks[n];
        var result = new TExt[n];
        var coefficients = new Goldilocks[TExt.Degree];
        var parts = new Goldilocks[TExt.Degree][];
        for (int d = 0; d < TExt.Degree; d++)
        {
            for (int i = 0; i < k; i++)
            {
                message[i] = row[i].GetCoefficient(d);
            }

            GoldilocksNtt.CosetLowDegreeExtension(message, codeword);
            parts[d] = (Goldilocks[])codeword.Clone();
        }

        for (int j = 0; j < n; j++)
        {
            for (int d = 0; d < TExt.Degree; d++)
            {
                coefficients[d] = parts[d][j];
            }

            result[j] = TExt.FromCoefficients(coefficients);
        }

        return result;
    }
}
