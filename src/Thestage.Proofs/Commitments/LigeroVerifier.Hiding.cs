using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Polynomials;

namespace Thestage.Proofs.Commitments;

/// <content>The checks of a hiding opening (<see cref="LigeroParameters.Hiding"/>).</content>
public static partial class LigeroVerifier
{
    /// <summary>
    /// The checks of a hiding opening given its challenges <paramref name="gamma"/> and <paramref name="indices"/> (the
    /// transcript is not touched, so the simulator of the tests can program them): <c>Σ_(ζ∈H_k) q(ζ) = value</c>, the
    /// Merkle batch opening, and at every queried column <c>j</c> with point <c>η_j = s·ω_n^j</c>:
    /// <c>w(η_j) = Σ_i γ_i M_(i,j) + R_j</c> and <c>q(η_j) = (Σ_i eq(r_row, i) M_(i,j))·ê(η_j) + μ_1,j + η_j^(D/2) μ_2,j + η_j^D μ_3,j</c>.
    /// </summary>
    internal static LigeroVerdict CheckHiding<TExt>(
        LigeroCommitment commitment, LigeroParameters parameters, ReadOnlySpan<TExt> point, TExt value, LigeroOpeningProof<TExt> proof, TExt[] gamma, int[] indices)
        where TExt : struct, IExtensionField<TExt>
    {
        int numVariables = commitment.NumVariables;
        int rowVariables = parameters.RowVariables(numVariables);
        int rows = 1 << rowVariables;
        int k = 1 << (numVariables - rowVariables);
        int n = parameters.CodewordLength(numVariables);
        int d = parameters.DegreeBound(k);
        int height = proof.RowCount;
        if (LigeroMasking.SumOverSubgroup(proof.EvaluationRow, k) != value)
        {
            return LigeroVerdict.WrongValue;
        }

        if (proof.ColumnCount != indices.Length)
        {
            return LigeroVerdict.WrongColumnCount;
        }

        var leaves = new Digest256[indices.Length];
        var scratch = new byte[height * 8];
        for (int q = 0; q < indices.Length; q++)
        {
            leaves[q] = LigeroProtocol.HashColumn(proof.GetSalt(q), proof.GetColumn(q), scratch);
        }

        if (!MerkleTree.VerifyBatch(commitment.Root, n, indices, leaves, proof.MerkleProof))
        {
            return LigeroVerdict.MerkleMismatch;
        }

        TExt[] eqRow = EqPolynomial.Table(point[..rowVariables]);
        Goldilocks[] points = LigeroProtocol.QueriedPoints(indices, n);
        TExt[] eqColumn = LigeroProtocol.EncodeAt<TExt>(EqPolynomial.Table(point[rowVariables..]), points);
        TExt[] proximity = LigeroMasking.EvaluateAt<TExt>(proof.ProximityRow, points);
        TExt[] evaluation = LigeroMasking.EvaluateAt<TExt>(proof.EvaluationRow, points);
        int masks = rows;
        for (int q = 0; q < indices.Length; q++)
        {
            ReadOnlySpan<Goldilocks> column = proof.GetColumn(q);
            TExt combined = FieldKernels.DotBase<TExt>(gamma, column[..(rows + LigeroMasking.EvaluationMaskRows)])
                + LigeroMasking.Pair<TExt>(column[masks + 6], column[masks + 7]);
            if (combined != proximity[q])
            {
                return LigeroVerdict.ProximityMismatch;
            }

            Goldilocks half = Goldilocks.Pow(points[q], (ulong)(d / 2));
            TExt mask = LigeroMasking.Pair<TExt>(column[masks], column[masks + 1])
                + LigeroMasking.Pair<TExt>(column[masks + 2], column[masks + 3]).MultiplyByBase(half)
                + LigeroMasking.Pair<TExt>(column[masks + 4], column[masks + 5]).MultiplyByBase(half * half);
            if ((FieldKernels.DotBase<TExt>(eqRow, column[..rows]) * eqColumn[q]) + mask != evaluation[q])
            {
                return LigeroVerdict.EvaluationMismatch;
            }
        }

        return LigeroVerdict.Accepted;
    }
}
