using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Inference;

/// <summary>
/// A claimed evaluation <c>S̃(point) = value</c> of a committed segment, to be discharged by a batched opening; with a
/// <paramref name="MaskSegment"/>, a claim <c>Ṡ(point) = value</c> on the segment's masked extension
/// (<see cref="Sumcheck.MaskedExtension"/>), whose coefficients <c>c</c> are the first <see cref="Sumcheck.MaskedExtension.Entries"/>
/// base entries of that segment (in the same polynomial).
/// </summary>
/// <param name="Segment">The segment index in its <see cref="SegmentLayout"/>.</param>
/// <param name="Point">The point (length = the segment's log size).</param>
/// <param name="Value">The claimed value.</param>
/// <param name="MaskSegment">The segment holding the mask coefficients, or −1 for a claim on the plain multilinear extension.</param>
/// <param name="MaskPoint">
/// The point of the mask, when the segment is read inside a sumcheck over more variables than its own (a bias <c>b(o)</c> in a
/// sumcheck over <c>(o, k)</c>): the claim is then <c>S̃(point) + ⟨m(maskPoint), c⟩</c>, the masked extension of the segment replicated
/// over the sumcheck's variables; <see langword="null"/> uses <paramref name="Point"/>.
/// </param>
internal sealed record SegmentClaim<T>(int Segment, T[] Point, T Value, int MaskSegment = -1, T[]? MaskPoint = null)
    where T : struct, IExtensionField<T>;
