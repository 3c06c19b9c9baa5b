using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Sumcheck;

namespace Thestage.Proofs.Inference;

/// <summary>
/// The weight polynomials of a hiding model commitment with an opening budget <c>B</c> and hidden weights (<c>TSMC</c> v7): the weight
/// and bias segments, then set 0's masks (the weight range proof's: a lookup mask per weight matrix of at least four entries and a
/// padding mask per segment with padding, <see cref="RangeLookupMaskOf"/>, <see cref="RangePaddingMaskOf"/>), for every mask set
/// <c>b ∈ [1, B)</c> (the set inference proof <c>b</c>'s openings name, <see cref="LigeroParameters.OpeningBudget"/>) one mask segment per
/// weight and bias segment, and for every set <c>b ∈ [0, B)</c> one random segment of two base entries per polynomial; each mask and
/// random segment lies in the polynomial of the segment it masks.
/// </summary>
/// <remarks>
/// <para>
/// A mask holds the <see cref="MaskedExtension.Entries"/> coefficients of the masked extension of its segment replicated over the
/// largest zero-check that reads it: a weight or bias segment of layer <c>l</c> is read by the layer's zero-check over
/// <c>V = v_o + v_k + v_b</c> variables (Conv2d: <c>v_o + v_p + v_k + v_b</c>), <c>v_b ≤ 12</c> (batches up to <c>2^12</c>), so its mask
/// has <c>2·(v_out + v_k + 12)</c> entries and a zero-check of fewer variables reads its first <c>2V</c>. Proof <c>b</c> reads set <c>b</c>
/// only, one claim per mask (<see cref="MaskedExtension.MaxClaims"/> <c>= V ≥ 1</c>): its weight claims are uniform, and so is the value
/// <c>P̃_w(s)</c> its batched opening proves (the set's random segment, which no claim reads, <see cref="ClaimBatcher"/>). Set 0 is
/// the weight range proof's opening: its lookup reads each weight matrix of <c>2^v ≥ 4</c> entries through a masked extension of
/// <c>2v</c> entries (the zero-knowledge logUp reveals two functionals of it, its leaf children and its leaf claim, against <c>v ≥ 2</c>
/// coefficients) and its padding zero-check reads each segment with padding through another of <c>2v</c> entries (one claim), so its
/// claims are uniform too (<see cref="WeightRangeArgument"/>). Over the <c>B</c> proofs the values <c>P̃_w(s_b)</c> are jointly uniform when the <c>B × B</c> matrix of <c>eq(s_b, ·)</c> on the
/// random segments is invertible, which fails with probability at most <c>B/|F|</c> over the points (a non-zero determinant of degree
/// at most <c>B</c> in each point's coordinates); the opened columns stay hidden by the budget's encoding randomness.
/// </para>
/// <para>
/// Cost: <c>B·(Σ_i 2^⌈log2 2(V_i)⌉ + 2·polynomials)</c> base entries, and set 0's range masks, <c>2^⌈log2 2v_i⌉</c> per masked segment; the 784-128-10 MLP's <c>2^17</c> matrix polynomial doubles to
/// <c>2^18</c> (its masks do not fit beside it), the other polynomial holds the rest.
/// </para>
/// </remarks>
internal sealed class WeightMaskLayout
{
    /// <summary>The largest log batch size of a proof (<c>2^12</c> samples).</summary>
    public const int MaxLogBatch = 12;

    private readonly int[,] _masks; // [set − 1, weight segment]
    private readonly int[,] _random; // [set, polynomial]
    private readonly int[] _maskVariables; // per weight segment
    private readonly int[] _rangeLookup; // per weight segment: set 0's lookup mask, or −1
    private readonly int[] _rangePadding; // per weight segment: set 0's padding mask, or −1

    private WeightMaskLayout(SegmentLayout layout, int weightSegments, int budget, int[,] masks, int[,] random, int[] maskVariables, int[] rangeLookup, int[] rangePadding)
    {
        Layout = layout;
        WeightSegments = weightSegments;
        Budget = budget;
        _masks = masks;
        _random = random;
        _maskVariables = maskVariables;
        _rangeLookup = rangeLookup;
        _rangePadding = rangePadding;
    }

    /// <summary>Gets the weight polynomials' layout: the plan's weight segments first (same indices), then the masks and random segments.</summary>
    public SegmentLayout Layout { get; }

    /// <summary>Gets the number of weight and bias segments.</summary>
    public int WeightSegments { get; }

    /// <summary>Gets the opening budget <c>B</c> (the number of mask sets).</summary>
    public int Budget { get; }

    /// <summary>The layout of a plan's weights (batch 1) under an opening budget, or <see langword="null"/> for a model without weights.</summary>
    public static WeightMaskLayout? Create(CircuitPlan plan, int budget)
    {
        int n = plan.WeightLogSizes.Count;
        if (n == 0 || budget < 1)
        {
            return null;
        }

        var maskVariables = new int[n];
        foreach ((int l, (int weights, int bias, _, int logColumns)) in plan.WeightSegments)
        {
            int v = plan.Layouts[l + 1].LogSize + logColumns + MaxLogBatch;
            maskVariables[weights] = v;
            maskVariables[bias] = v;
        }

        SegmentLayout plain = plan.WeightLayout;
        int polynomials = plain.NumVariables.Length;
        var logSizes = new List<int>(plan.WeightLogSizes);
        var groups = Enumerable.Range(0, n).Select(plain.PolynomialOf).ToList();
        var masks = new int[budget - 1, n];
        var random = new int[budget, polynomials];
        int[] rangeLookup = Enumerable.Repeat(-1, n).ToArray();
        int[] rangePadding = Enumerable.Repeat(-1, n).ToArray();
        foreach ((int weights, _, _, _) in plan.WeightSegments.OrderBy(p => p.Key).Select(p => p.Value))
        {
            if (plan.WeightLogSizes[weights] >= MinLookupMaskVariables)
            {
                rangeLookup[weights] = Add(weights);
            }
        }

        for (int i = 0; i < n; i++)
        {
            if (HasPadding(plan, i))
            {
                rangePadding[i] = Add(i);
            }
        }

        for (int set = 0; set < budget; set++)
        {
            for (int i = 0; set > 0 && i < n; i++)
            {
                masks[set - 1, i] = logSizes.Count;
                logSizes.Add(TensorLayout.CeilLog2(MaskedExtension.Entries(maskVariables[i])));
                groups.Add(groups[i]);
            }

            for (int g = 0; g < polynomials; g++)
            {
                random[set, g] = logSizes.Count;
                logSizes.Add(ZeroKnowledgeLayout.RandomLogSize);
                groups.Add(g);
            }
        }

        return new WeightMaskLayout(SegmentLayout.Grouped(logSizes, groups), n, budget, masks, random, maskVariables, rangeLookup, rangePadding);

        // A set-0 mask of segment i: the masked extension over the segment's own variables, in the segment's polynomial.
        int Add(int i)
        {
            logSizes.Add(TensorLayout.CeilLog2(MaskedExtension.Entries(plan.WeightLogSizes[i])));
            groups.Add(groups[i]);
            return logSizes.Count - 1;
        }
    }

    /// <summary>The fewest variables of a weight matrix the zero-knowledge lookup masks (<c>2v ≥ 4</c> entries, two functionals against <c>v</c> coefficients).</summary>
    public const int MinLookupMaskVariables = 2;

    /// <summary>Whether weight or bias segment <paramref name="segment"/> has padding entries (outside its box): a segment without has no padding zero-check in a zero-knowledge range proof.</summary>
    public static bool HasPadding(CircuitPlan plan, int segment) =>
        plan.WeightBoxes[segment].Any(field => field.Bound < 1L << field.Bits);

    /// <summary>The range proof's (set 0's) lookup mask of weight segment <paramref name="segment"/>, or −1 (a bias, or a matrix under four entries, looked up plain).</summary>
    public int RangeLookupMaskOf(int segment) => _rangeLookup[segment];

    /// <summary>The range proof's (set 0's) padding mask of segment <paramref name="segment"/>, or −1 (no padding: no zero-check).</summary>
    public int RangePaddingMaskOf(int segment) => _rangePadding[segment];

    /// <summary>The mask segment of weight or bias segment <paramref name="segment"/> in mask set <paramref name="set"/> (in <c>[1, B)</c>).</summary>
    public int MaskOf(int set, int segment) => _masks[set - 1, segment];

    /// <summary>The number of variables a mask of <paramref name="segment"/> covers (the largest zero-check that reads it).</summary>
    public int MaskVariables(int segment) => _maskVariables[segment];

    /// <summary>
    /// The weight segments followed by fresh masks (<see cref="MaskedExtension.Entries"/> uniform base entries each, the rest of the
    /// segment zero) and random segments (two uniform base entries), drawn from <paramref name="salts"/> (<see cref="RandomSaltSource"/> when null).
    /// </summary>
    public Goldilocks[][] WithMasks(Goldilocks[][] weights, ISaltSource? salts)
    {
        var words = new LigeroMasking.SaltWords(salts ?? RandomSaltSource.Instance);
        var segments = new Goldilocks[Layout.SegmentCount][];
        weights.CopyTo(segments, 0);
        for (int s = WeightSegments; s < segments.Length; s++)
        {
            segments[s] = new Goldilocks[1 << Layout.LogSizeOf(s)];
        }

        for (int i = 0; i < WeightSegments; i++)
        {
            foreach (int mask in (int[])[_rangeLookup[i], _rangePadding[i]])
            {
                for (int e = 0; mask >= 0 && e < MaskedExtension.Entries(Layout.LogSizeOf(i)); e++)
                {
                    segments[mask][e] = Goldilocks.Sample(words);
                }
            }
        }

        for (int set = 0; set < Budget; set++)
        {
            for (int i = 0; set > 0 && i < WeightSegments; i++)
            {
                Goldilocks[] mask = segments[MaskOf(set, i)];
                for (int e = 0; e < MaskedExtension.Entries(_maskVariables[i]); e++)
                {
                    mask[e] = Goldilocks.Sample(words);
                }
            }

            for (int g = 0; g < _random.GetLength(1); g++)
            {
                segments[_random[set, g]][0] = Goldilocks.Sample(words);
                segments[_random[set, g]][1] = Goldilocks.Sample(words);
            }
        }

        words.Clear();
        return segments;
    }

    /// <summary>The first <paramref name="entries"/> base entries of a mask segment in the committed polynomials (a copy: the caller clears it).</summary>
    public Goldilocks[] Entries(Goldilocks[][] polynomials, int maskSegment, int entries) =>
        polynomials[Layout.PolynomialOf(maskSegment)].AsSpan(Layout.OffsetOf(maskSegment), entries).ToArray();

    /// <summary>Reads the masked extension's coefficients of a mask segment over <paramref name="numVariables"/> variables from the committed polynomials.</summary>
    public T[] Read<T>(Goldilocks[][] polynomials, int maskSegment, int numVariables)
        where T : struct, IExtensionField<T> =>
        MaskedExtension.Read<T>(polynomials[Layout.PolynomialOf(maskSegment)].AsSpan(Layout.OffsetOf(maskSegment), 1 << Layout.LogSizeOf(maskSegment)), numVariables);
}
