using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Inference;

/// <summary>
/// The zero-check that a committed table's padding entries are zero, <c>Σ_x eq(r, x)·Pad(x)·S(x) = 0</c> at a random <c>r</c> with
/// <c>Pad = 1 − Box</c> (<see cref="BoxIndicator"/>): the weight range proof runs it per weight and bias segment
/// (<see cref="WeightRangeArgument"/>), a private-input proof on the committed input (<see cref="InputLayout.Box"/>). The verifier
/// evaluates <c>eq</c> and <c>P̃ad</c> itself; the claim on <c>S</c> joins the batched opening of its polynomial. A non-zero <c>Pad·S</c>
/// on the cube has a non-zero extension, which vanishes at <c>r</c> with probability at most <c>v/|F|</c>; the degree-3 sumcheck adds
/// <c>3v/|F|</c>. Masked (<c>TSIP</c> 0x8003), <c>S</c> is read through its masked extension (<see cref="MaskedExtension"/>): round degree 5,
/// <c>5v/|F|</c>, and the claim is uniform.
/// </summary>
internal static class PaddingZeroCheck
{
    /// <summary>
    /// Proves the zero-check over <paramref name="table"/> and returns the point and value it leaves on it; with <paramref name="mask"/> (the
    /// table's masked-extension coefficients, <see cref="MaskedExtension.Read{T}"/>) the masked form, whose value is <c>Ṡ(s)</c>.
    /// </summary>
    public static (E[] Point, E Value) Prove(Transcript transcript, ProofBuilder<E> builder, string label, (int Bits, long Bound)[] box, Goldilocks[] table, E[]? mask = null)
    {
        E[] r = transcript.Challenges<E>(label, System.Numerics.BitOperations.Log2((uint)table.Length));
        var padding = new E[table.Length];
        padding.AsSpan().Fill(E.One);
        BoxIndicator.Add<E>(padding, box, -E.One);
        E[] values = Array.ConvertAll(table, E.FromBase);
        SumcheckProverOutput<E> zeroCheck = mask is null
            ? SumcheckProver.Prove(transcript, E.Zero, [new MultilinearPolynomial<E>(EqPolynomial.Table<E>(r)), new(padding), new(values)], builder.Masks)
            : SumcheckProver.ProveMaskedFactors(transcript, E.Zero, [EqPolynomial.Table<E>(r), padding, values], [null, null, mask], builder.Masks!);
        Array.Clear(values); // the committed table's (secret) entries, folded in place
        builder.AddSumcheck(zeroCheck.Proof);
        return (zeroCheck.Point.ToArray(), zeroCheck.Proof.FactorEvaluations[2]);
    }

    /// <summary>
    /// Verifies the zero-check over a table of <paramref name="numVariables"/> variables (masked or not, as proven), throwing
    /// <see cref="ProofRejectedException"/> naming <paramref name="relation"/> on failure, and returns the point and value it leaves.
    /// </summary>
    public static (E[] Point, E Value) Verify(
        Transcript transcript, ProofCursor<E> cursor, string label, int numVariables, (int Bits, long Bound)[] box, string relation, bool masked = false)
    {
        E[] r = transcript.Challenges<E>(label, numVariables);
        ProofVerdict.Require(cursor.TryNextSumcheck(out SumcheckProof<E>? zeroCheck), RejectionReason.Format, relation);
        ProofVerdict.Require(!masked || cursor.Masks is not null, RejectionReason.Format, relation);
        SumcheckVerification<E> result = masked
            ? SumcheckVerifier.Verify(transcript, E.Zero, numVariables, [false, false, true], zeroCheck, cursor.Masks!)
            : SumcheckVerifier.Verify(transcript, E.Zero, numVariables, 3, zeroCheck, cursor.Masks);
        ProofVerdict.Require(result, RejectionReason.Relation, relation);
        ProofVerdict.Require(
            result.FactorEvaluations[0] == EqPolynomial.Evaluate<E>(r, result.Point)
            && result.FactorEvaluations[1] == E.One - BoxIndicator.Evaluate(result.Point, box),
            RejectionReason.Relation,
            relation);
        return (result.Point.ToArray(), result.FactorEvaluations[2]);
    }
}
