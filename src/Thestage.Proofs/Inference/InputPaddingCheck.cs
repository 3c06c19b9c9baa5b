using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Inference;

/// <summary>
/// The zero-check that a private input's padding entries are zero, <c>Σ_x eq(r, x)·Pad(x)·X(x) = 0</c> at a random <c>r</c> with
/// <c>Pad = 1 − Box</c> (<see cref="InputLayout.Box"/>), as <see cref="WeightRangeArgument"/> checks the weights' padding: the verifier
/// evaluates <c>eq</c> and <c>P̃ad</c> itself, the claim <c>X̃(s)</c> joins the input commitment's batched opening. A non-zero
/// <c>Pad·X</c> on the cube has a non-zero extension, which vanishes at <c>r</c> with probability at most <c>v/|F|</c>; the degree-3
/// sumcheck adds <c>3v/|F|</c>.
/// </summary>
internal static class InputPaddingCheck
{
    private const string Relation = "padding of the input";

    /// <summary>Proves the zero-check over the padded tensor <paramref name="tensor"/> and returns the claim it leaves on the tensor segment.</summary>
    public static SegmentClaim<E> Prove(Transcript transcript, ProofBuilder<E> builder, InputLayout layout, Goldilocks[] tensor)
    {
        E[] r = transcript.Challenges<E>(InferenceTranscript.InputPaddingPoint, layout.Tensor.LogSize);
        var padding = new E[layout.Tensor.Size];
        padding.AsSpan().Fill(E.One);
        BoxIndicator.Add<E>(padding, layout.Box, -E.One);
        SumcheckProverOutput<E> zeroCheck = SumcheckProver.Prove(
            transcript, E.Zero, [new MultilinearPolynomial<E>(EqPolynomial.Table<E>(r)), new(padding), new(Array.ConvertAll(tensor, E.FromBase))], builder.Masks);
        builder.AddSumcheck(zeroCheck.Proof);
        return new SegmentClaim<E>(InputLayout.TensorSegment, zeroCheck.Point.ToArray(), zeroCheck.Proof.FactorEvaluations[2]);
    }

    /// <summary>Verifies the zero-check, throwing <see cref="ProofRejectedException"/> on failure, and returns the claim it leaves.</summary>
    public static SegmentClaim<E> Verify(Transcript transcript, ProofCursor<E> cursor, InputLayout layout)
    {
        int v = layout.Tensor.LogSize;
        E[] r = transcript.Challenges<E>(InferenceTranscript.InputPaddingPoint, v);
        ProofVerdict.Require(cursor.TryNextSumcheck(out SumcheckProof<E>? zeroCheck), RejectionReason.Format, Relation);
        SumcheckVerification<E> result = SumcheckVerifier.Verify(transcript, E.Zero, v, 3, zeroCheck, cursor.Masks);
        ProofVerdict.Require(result, RejectionReason.Relation, Relation);
        ProofVerdict.Require(
            result.FactorEvaluations[0] == EqPolynomial.Evaluate<E>(r, result.Point)
            && result.FactorEvaluations[1] == E.One - BoxIndicator.Evaluate(result.Point, layout.Box),
            RejectionReason.Relation,
            Relation);
        return new SegmentClaim<E>(InputLayout.TensorSegment, result.Point.ToArray(), result.FactorEvaluations[2]);
    }
}
