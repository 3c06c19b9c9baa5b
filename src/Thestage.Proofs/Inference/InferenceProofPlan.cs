using Thestage.Proofs.Quantization;

namespace Thestage.Proofs.Inference;

/// <summary>
/// A batch of inference proofs cut into independent pieces, and their gathering: the inputs in slices of at most
/// <see cref="SamplesPerPiece"/>, in order, each proven by one <see cref="InferenceProver.ProveBatch"/> (a cluster proves each
/// slice on one of its machines, <see cref="InferenceProofPiece"/>) into an <see cref="InferenceProofBundle"/>, checked as it
/// arrives (<see cref="TryAccept"/>). The counterpart of the training runs' <c>TrainingProofPlan</c>.
/// </summary>
internal sealed class InferenceProofPlan
{
    private readonly int[][] _inputs;
    private readonly InferenceProofBundle?[] _bundles;

    /// <summary>Cuts <paramref name="inputs"/> into slices of <paramref name="samplesPerPiece"/> (the last may be shorter).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samplesPerPiece"/> is not in <c>[1, 4096]</c>.</exception>
    /// <exception cref="ArgumentException">No input, an input whose length or values do not fit the commitment's inputs, or a
    /// commitment with an opening budget (<see cref="ModelCommitment.OpeningBudget"/>: every piece would draw the same mask set).</exception>
    public InferenceProofPlan(ModelCommitment commitment, IReadOnlyList<int[]> inputs, int samplesPerPiece)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(samplesPerPiece, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(samplesPerPiece, InferenceProofBundle.MaxSamples);
        if (commitment.OpeningBudget > 0)
        {
            // Each piece's prover commits again from the seed and would draw the same mask set as every other piece.
            throw new ArgumentException(
                "A commitment with an opening budget (CommittedModel.Commit's default) is proven on one machine: pieces committed again from the seed on several would reuse its mask sets. "
                + "To prove on a cluster, commit with explicit parameters: LigeroParameters.Default (hiding without a budget: the weights stay hidden for one opening, and every piece is one; docs/serving.md).",
                nameof(commitment));
        }

        long bound = 1L << (commitment.InputBits - 1);
        if (inputs.Count == 0 || inputs.Any(i => i is null || i.Length != commitment.InputShape.Size || i.Any(v => v < -bound || v >= bound)))
        {
            throw new ArgumentException($"Inputs of {commitment.InputShape.Size} values of {commitment.InputBits} bits each are required.", nameof(inputs));
        }

        Commitment = commitment;
        SamplesPerPiece = samplesPerPiece;
        _inputs = [.. inputs.Select(i => i.ToArray())];
        _bundles = new InferenceProofBundle?[(_inputs.Length + samplesPerPiece - 1) / samplesPerPiece];
    }

    /// <summary>The published commitment the proofs are made against.</summary>
    public ModelCommitment Commitment { get; }

    /// <summary>The most inputs of one piece.</summary>
    public int SamplesPerPiece { get; }

    /// <summary>The pieces.</summary>
    public int Count => _bundles.Length;

    /// <summary>The inputs of piece <paramref name="i"/>.</summary>
    public ArraySegment<int[]> Slice(int i) =>
        new(_inputs, i * SamplesPerPiece, Math.Min(SamplesPerPiece, _inputs.Length - (i * SamplesPerPiece)));

    /// <summary>Piece <paramref name="i"/> with its witness (the model's weights and the seed), to prove elsewhere.</summary>
    /// <exception cref="ArgumentException">The model's architecture is not the commitment's.</exception>
    public InferenceProofPiece Piece(int i, QuantizedModel model, ModelCommitmentSeed seed) =>
        InferenceProofPiece.For(Commitment, model, seed, Slice(i));

    /// <summary>
    /// Keeps the proof of piece <paramref name="i"/> made elsewhere (<c>TSPB</c> bytes) if it names the commitment, proves exactly
    /// the piece's inputs, and is accepted under <paramref name="policy"/>; otherwise keeps nothing and returns false (never
    /// throws on bad bytes).
    /// </summary>
    public bool TryAccept(int i, ReadOnlySpan<byte> bundle, VerifierPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArraySegment<int[]> slice = Slice(i);
        try
        {
            InferenceProofBundle proven = InferenceProofBundleSerializer.Deserialize(bundle);
            if (proven.Count != slice.Count || Enumerable.Range(0, slice.Count).Any(s => !proven.GetInput(s).SequenceEqual(slice[s]))
                || !proven.Check(Commitment, policy).IsAccepted)
            {
                return false;
            }

            _bundles[i] = proven;
            return true;
        }
        catch (ProofFormatException)
        {
            return false;
        }
    }

    /// <summary>The bundles, one per piece in input order.</summary>
    /// <exception cref="InvalidOperationException">A piece has no proof yet.</exception>
    public InferenceProofBundle[] Finish() =>
        _bundles.Any(b => b is null)
            ? throw new InvalidOperationException("Every piece must be proven before the batch's proofs are gathered.")
            : [.. _bundles.Select(b => b!)];
}
