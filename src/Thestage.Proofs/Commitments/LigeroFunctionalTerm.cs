using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Commitments;

/// <summary>
/// One rank-one term <c>a ⊗ b</c> of a linear functional <c>Φ(M) = Σ_t Σ_(i,j) a_t,i · b_t,j · M_(i,j)</c> on a committed
/// Ligero matrix: a multilinear evaluation is the single term <c>eq(r_row) ⊗ eq(r_col)</c>; the sumcheck masking pool opens
/// other functionals (one term per row it reads).
/// </summary>
/// <param name="RowWeights">The weights <c>a</c> of the data rows (length: the row count).</param>
/// <param name="ColumnWeights">The weights <c>b</c> of the columns (length: the row length <c>k</c>).</param>
internal sealed record LigeroFunctionalTerm<TExt>(TExt[] RowWeights, TExt[] ColumnWeights)
    where TExt : struct, IExtensionField<TExt>;
