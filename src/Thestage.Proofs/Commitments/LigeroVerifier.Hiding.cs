using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Commitments;

/// <content>The checks of a hiding opening (<see cref="LigeroParameters.Hiding"/>).</content>
public static partial class LigeroVerifier
{
    /// <summary>
    /// Checks a hiding opening at the functional <c>Σ_t a_t ⊗ b_t</c> (the counterpart of <see cref="LigeroProver"/>'s functional
    /// opening), driving the transcript as a point opening does with <paramref name="binding"/> absorbed in place of the point.
    /// </summary>
    internal static LigeroVerdict CheckFunctional<TExt>(
        Transcript transcript, LigeroCommitment commitment, LigeroParameters parameters, ReadOnlySpan<TExt> binding, IReadOnlyList<LigeroFunctionalTerm<TExt>> terms, TExt value, LigeroOpeningProof<TExt>? proof)
        where TExt : struct, IExtensionField<TExt>
    {
        int numVariables = commitment.NumVariables;
        if (proof is null || !parameters.Hiding || !HasShape(parameters, numVariables, proof))
        {
            return LigeroVerdict.WrongShape;
        }

        int rows = 1 << parameters.RowVariables(numVariables);
        (TExt[] gamma, TExt scale) = LigeroProtocol.BeginOpening(transcript, commitment, parameters, binding, value, rows + LigeroMasking.EvaluationMaskRows, proof.MaskIndex ?? 0);
        int[] indices = LigeroProtocol.QueryColumns(transcript, proof.ProximityRow, proof.EvaluationRow, parameters.CodewordLength(numVariables), parameters.ColumnQueries);
        return CheckHiding(commitment, parameters, terms, value, proof, gamma, indices, scale);
    }

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
        return CheckHiding(commitment, parameters, PointTerm(parameters, commitment.NumVariables, point), value, proof, gamma, indices);
    }

    /// <summary>The functional of a point <c>r = (r_row, r_col)</c>: the single term <c>eq(r_row) ⊗ eq(r_col)</c>.</summary>
    private static LigeroFunctionalTerm<TExt>[] PointTerm<TExt>(LigeroParameters parameters, int numVariables, ReadOnlySpan<TExt> point)
        where TExt : struct, IExtensionField<TExt>
    {
        int rowVariables = parameters.RowVariables(numVariables);
        return [new LigeroFunctionalTerm<TExt>(EqPolynomial.Table(point[..rowVariables]), EqPolynomial.Table(point[rowVariables..]))];
    }

    /// <summary>
    /// The checks of a hiding opening at the functional <c>Σ_t a_t ⊗ b_t</c> (see <see cref="LigeroProver"/>'s functional
    /// opening): at every queried column the evaluation row must equal <c>Σ_t (Σ_i a_t,i M_(i,j))·b̂_t(η_j) + μ(η_j)</c>.
    /// Soundness is that of a point opening: <c>q</c> still has degree below <c>2D</c> (see <see cref="LigeroParameters"/> remarks).
    /// </summary>
    internal static LigeroVerdict CheckHiding<TExt>(
        LigeroCommitment commitment, LigeroParameters parameters, IReadOnlyList<LigeroFunctionalTerm<TExt>> terms, TExt value, LigeroOpeningProof<TExt> proof, TExt[] gamma, int[] indices)
        where TExt : struct, IExtensionField<TExt> =>
        CheckHiding(commitment, parameters, terms, value, proof, gamma, indices, TExt.One);

    /// <summary>
    /// As the overload without <paramref name="scale"/>, for an opening with an opening budget: the mask rows are those of the set
    /// <see cref="LigeroOpeningProof{TExt}.MaskIndex"/> names, and <c>μ</c> enters the evaluation row scaled by the challenge
    /// <c>λ</c> (<paramref name="scale"/>; 1 without a budget). See <see cref="LigeroParameters"/> remarks, "Opening budget".
    /// </summary>
    internal static LigeroVerdict CheckHiding<TExt>(
        LigeroCommitment commitment, LigeroParameters parameters, IReadOnlyList<LigeroFunctionalTerm<TExt>> terms, TExt value, LigeroOpeningProof<TExt> proof, TExt[] gamma, int[] indices, TExt scale)
        where TExt : struct, IExtensionField<TExt>
    {
        int numVariables = commitment.NumVariables;
        int rowVariables = parameters.RowVariables(numVariables);
        int rows = 1 << rowVariables;
        int k = 1 << (numVariables - rowVariables);
        int n = parameters.CodewordLength(numVariables);
        int d = parameters.DegreeBound(k);
        if (LigeroMasking.SumOverSubgroup(proof.EvaluationRow, k) != value)
        {
            return LigeroVerdict.WrongValue;
        }

        // One thread: splitting these independent checks over both cores was slower by the median on the quiet machine (the
        // thread pool's wake-up is comparable with the ~3 ms of work; docs/results/zkverify-lenet5-verifier-2026-12-07.md).
        LigeroVerdict columns = CheckOpenedColumns(commitment, n, indices, proof);
        if (columns != LigeroVerdict.Accepted)
        {
            return columns;
        }

        Goldilocks[] points = LigeroProtocol.QueriedPoints(indices, n);
        TExt[] proximity = LigeroMasking.EvaluateAt<TExt>(proof.ProximityRow, points);
        TExt[] evaluation = LigeroMasking.EvaluateAt<TExt>(proof.EvaluationRow, points);
        var encodedColumns = new TExt[terms.Count][];
        for (int t = 0; t < terms.Count; t++)
        {
            encodedColumns[t] = LigeroProtocol.EncodeAt<TExt>(terms[t].ColumnWeights, points);
        }

        int masks = rows + ((proof.MaskIndex ?? 0) * LigeroParameters.HidingMaskRows);
        for (int q = 0; q < indices.Length; q++)
        {
            ReadOnlySpan<Goldilocks> column = proof.GetColumn(q);
            TExt combined = FieldKernels.DotBase<TExt>(gamma.AsSpan(0, rows), column[..rows])
                + FieldKernels.DotBase<TExt>(gamma.AsSpan(rows), column.Slice(masks, LigeroMasking.EvaluationMaskRows))
                + LigeroMasking.Pair<TExt>(column[masks + 6], column[masks + 7]);
            if (combined != proximity[q])
            {
                return LigeroVerdict.ProximityMismatch;
            }

            Goldilocks half = Goldilocks.Pow(points[q], (ulong)(d / 2));
            TExt mask = scale * (LigeroMasking.Pair<TExt>(column[masks], column[masks + 1])
                + LigeroMasking.Pair<TExt>(column[masks + 2], column[masks + 3]).MultiplyByBase(half)
                + LigeroMasking.Pair<TExt>(column[masks + 4], column[masks + 5]).MultiplyByBase(half * half));
            for (int t = 0; t < terms.Count; t++)
            {
                mask += FieldKernels.DotBase<TExt>(terms[t].RowWeights, column[..rows]) * encodedColumns[t][q];
            }

            if (mask != evaluation[q])
            {
                return LigeroVerdict.EvaluationMismatch;
            }
        }

        return LigeroVerdict.Accepted;
    }
}
