using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Inference;

/// <summary>A claimed evaluation <c>S̃(point) = value</c> of a committed segment, to be discharged by a batched opening.</summary>
/// <param name="Segment">The segment index in its <see cref="SegmentLayout"/>.</param>
/// <param name="Point">The point (length = the segment's log size).</param>
/// <param name="Value">The claimed value.</param>
internal sealed record SegmentClaim<T>(int Segment, T[] Point, T Value)
    where T : struct, IExtensionField<T>;
