using System.Runtime.CompilerServices;

namespace Thestage.Privacy.Arithmetic;

/// <summary>
/// The butterfly arithmetic of <see cref="NttKernels"/>: Harvey's lazy butterflies with the twiddle product by
/// Shoup's method, in 64-bit integers (<see cref="IntegerShoup{TV, TL}"/>, any q &lt; 2^61), in 64-bit integers with a
/// truncated quotient (<see cref="TruncatedShoup{TV, TL}"/>, q &lt; <see cref="NttTables.TruncatedShoupBound"/> = 2^60) or
/// in double precision (<see cref="DoubleShoup{TV, TL}"/>, q &lt; <see cref="NttTables.DoubleShoupBound"/> = 2^50). The
/// stage loops are written once over this type.
/// </summary>
/// <remarks>
/// Ranges, with B = 2 for the exact products and B = 4 for the truncated one: products lazily in [0, Bq); forward
/// values in [0, 2Bq), inverse values in [0, Bq). The transforms' own ranges ([0, 4q) forward, [0, 2q) inverse) hold at
/// their ends through <see cref="ForwardOutput"/> and <see cref="InverseOutput"/>.
/// </remarks>
/// <typeparam name="TSelf">The implementing struct.</typeparam>
/// <typeparam name="TV">The register type.</typeparam>
internal interface INttArithmetic<TSelf, TV>
    where TSelf : struct, INttArithmetic<TSelf, TV>
    where TV : unmanaged
{
    /// <summary>The broadcast constants of one call for the modulus <paramref name="q"/>.</summary>
    static abstract TSelf Create(ulong q);

    /// <summary>The per-twiddle value derived from the twiddle's auxiliary word, hoisted out of inner loops.</summary>
    TV Prepare(TV auxiliary);

    /// <summary>v·w mod q lazily in [0, Bq), for v &lt; 2Bq.</summary>
    TV MultiplyLazy(TV v, TV w, TV auxiliary, TV prepared);

    /// <summary>(X, Y) ∈ [0, 2Bq)² → (X' + W·Y, X' − W·Y + Bq) with X' = X reduced to [0, Bq): outputs in [0, 2Bq).</summary>
    void Forward(ref TV x, ref TV y, TV w, TV auxiliary, TV prepared);

    /// <summary>(X, Y) ∈ [0, Bq)² → (X + Y reduced to [0, Bq), (X − Y + Bq)·W ∈ [0, Bq)).</summary>
    void Inverse(ref TV x, ref TV y, TV w, TV auxiliary, TV prepared);

    /// <summary>X + Y reduced to [0, Bq) and X − Y + Bq ∈ (0, 2Bq), for X, Y ∈ [0, Bq) (the last inverse stage).</summary>
    void SumAndDifference(TV x, TV y, out TV sum, out TV difference);

    /// <summary>A forward value brought into the forward transform's output range [0, 4q).</summary>
    TV ForwardOutput(TV v);

    /// <summary>A product of <see cref="MultiplyLazy"/> brought into the inverse transform's output range [0, 2q).</summary>
    TV InverseOutput(TV v);
}

/// <summary>
/// Shoup's product in 64-bit words: w' = ⌊w·2^64/q⌋ is the twiddle's auxiliary word, and
/// v·w − ⌊v·w'/2^64⌋·q ∈ [0, 2q) for any v &lt; 2^64 (<see cref="MultiplyOperand"/>). Values are words in [0, 4q).
/// </summary>
internal readonly struct IntegerShoup<TV, TL> : INttArithmetic<IntegerShoup<TV, TL>, TV>
    where TV : unmanaged
    where TL : struct, IWordLanes<TV>
{
    private readonly TV _q;
    private readonly TV _twoQ;

    private IntegerShoup(ulong q)
    {
        _q = TL.Create(q);
        _twoQ = TL.Create(2 * q);
    }

    public static IntegerShoup<TV, TL> Create(ulong q) => new(q);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Prepare(TV auxiliary) => TL.High32(auxiliary);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV MultiplyLazy(TV v, TV w, TV auxiliary, TV prepared) => LaneArith.ShoupLazy<TV, TL>(v, w, auxiliary, prepared, _q);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Forward(ref TV x, ref TV y, TV w, TV auxiliary, TV prepared)
    {
        TV a = TL.SubtractIfGreaterOrEqual(x, _twoQ);
        TV t = MultiplyLazy(y, w, auxiliary, prepared);
        x = TL.Add(a, t);
        y = TL.Add(TL.Subtract(a, t), _twoQ);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Inverse(ref TV x, ref TV y, TV w, TV auxiliary, TV prepared)
    {
        SumAndDifference(x, y, out TV s, out TV d);
        y = MultiplyLazy(d, w, auxiliary, prepared);
        x = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SumAndDifference(TV x, TV y, out TV sum, out TV difference)
    {
        sum = TL.SubtractIfGreaterOrEqual(TL.Add(x, y), _twoQ);
        difference = TL.Add(TL.Subtract(x, y), _twoQ);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV ForwardOutput(TV v) => v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV InverseOutput(TV v) => v;
}

/// <summary>
/// Shoup's idea in double precision for q &lt; 2^50, the role AVX-512 IFMA's 52-bit products play in Intel HEXL
/// (.NET 10 exposes no IFMA intrinsics): values are doubles holding integers in [0, 4q), the twiddle's auxiliary
/// word is the double w/q.
/// </summary>
/// <remarks>
/// <para>v·w mod q for v &lt; 4q &lt; 2^52, w &lt; q: q̂ = round(v·(w/q)); v·w = h + l exactly with h = fl(v·w),
/// l = fma(v, w, −h) (Dekker's TwoProduct); r = fma(q̂, −q, h) + l = v·w − q̂·q. Both steps are exact: r and
/// fma(q̂, −q, h) = r − l are integers below 2^52 in magnitude (|l| ≤ ulp(h)/2 ≤ 2^49). The quotient's error:
/// v·w/q &lt; 2^52, fl(w/q) and fl(v·(w/q)) each carry a relative error ≤ 2^−53, so fl(v·w/q) is within
/// 1 + 2^−53 of v·w/q and q̂ within 1.5 + 2^−53: r ∈ (−2q, 2q), and r + 2q for negative r lands in [0, 2q).</para>
/// <para>Every step is one IEEE operation with round-to-nearest-even, so the scalar, AVX2 and AVX-512 paths give
/// the same bits. 13 vector instructions per AVX-512 butterfly instead of the integer path's 21 (of which two
/// <c>vpmullq</c>, three µops each): no 64×64 products.</para>
/// </remarks>
internal readonly struct DoubleShoup<TV, TL> : INttArithmetic<DoubleShoup<TV, TL>, TV>
    where TV : unmanaged
    where TL : struct, IWordLanes<TV>
{
    private readonly TV _negativeQ;
    private readonly TV _twoQ;
    private readonly TV _zero;

    private DoubleShoup(ulong q)
    {
        _negativeQ = TL.Create(BitConverter.DoubleToUInt64Bits(-(double)q));
        _twoQ = TL.Create(BitConverter.DoubleToUInt64Bits(2.0 * q));
        _zero = TL.Create(0);
    }

    public static DoubleShoup<TV, TL> Create(ulong q) => new(q);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Prepare(TV auxiliary) => auxiliary;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV MultiplyLazy(TV v, TV w, TV auxiliary, TV prepared)
    {
        TV quotient = TL.RoundDouble(TL.MultiplyDouble(v, auxiliary));
        TV high = TL.MultiplyDouble(v, w);
        TV low = TL.FusedMultiplySubtractDouble(v, w, high);
        TV r = TL.AddDouble(TL.FusedMultiplyAddDouble(quotient, _negativeQ, high), low);
        return TL.ConditionalSelect(TL.LessThanDouble(r, _zero), TL.AddDouble(r, _twoQ), r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Forward(ref TV x, ref TV y, TV w, TV auxiliary, TV prepared)
    {
        // x − 2q where x ≥ 2q (a select the JIT turns into one masked subtraction with AVX-512).
        TV a = TL.ConditionalSelect(TL.GreaterThanOrEqualDouble(x, _twoQ), TL.SubtractDouble(x, _twoQ), x);
        TV t = MultiplyLazy(y, w, auxiliary, prepared);
        x = TL.AddDouble(a, t);
        y = TL.AddDouble(TL.SubtractDouble(a, t), _twoQ);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Inverse(ref TV x, ref TV y, TV w, TV auxiliary, TV prepared)
    {
        SumAndDifference(x, y, out TV s, out TV d);
        y = MultiplyLazy(d, w, auxiliary, prepared);
        x = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SumAndDifference(TV x, TV y, out TV sum, out TV difference)
    {
        TV s = TL.AddDouble(x, y);
        sum = TL.ConditionalSelect(TL.GreaterThanOrEqualDouble(s, _twoQ), TL.SubtractDouble(s, _twoQ), s);
        difference = TL.AddDouble(TL.SubtractDouble(x, y), _twoQ);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV ForwardOutput(TV v) => v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV InverseOutput(TV v) => v;
}

/// <summary>
/// Shoup's product with a truncated quotient, for q &lt; <see cref="NttTables.TruncatedShoupBound"/> = 2^60: the
/// auxiliary word is w' = ⌊w·2^63/q⌋ and the quotient 2a₁w'₁ + ⌊(a₀w'₁ + a₁w'₀)/2^31⌋
/// (<see cref="IWordLanes{TV}.MultiplyHighTruncated"/>), three 32×32 products instead of four, so v·w − quotient·q lies
/// in [0, 4q) instead of [0, 2q). The butterflies keep the room that costs: forward values in [0, 8q), inverse values in
/// [0, 4q) (8q ≤ 2^63).
/// </summary>
/// <remarks>
/// <para>The bound, for v &lt; 2^63: with T = v·w', T/2^63 = 2v₁w'₁ + (v₀w'₁ + v₁w'₀)/2^31 + v₀w'₀/2^63, so T/2^63 less
/// the quotient is a fraction below 1 plus v₀w'₀/2^63 &lt; 2, below 3; and w·2^63/q − w' &lt; 1 gives
/// v·w/q − T/2^63 &lt; v/2^63 &lt; 1. So 0 ≤ v·w/q − quotient &lt; 4.</para>
/// <para>Vector µops per AVX-512 butterfly: 19 (16 instructions, two of them <c>vpmullq</c> of three µops), against 25
/// for <see cref="IntegerShoup{TV, TL}"/>; the bound on this machine is the µops its two vector ports execute. The scalar width keeps the exact product, one
/// <c>mulx</c>. Fully reduced outputs are the same words as every other arithmetic's; lazy ones within this one.</para>
/// </remarks>
/// <typeparam name="TV">The register type.</typeparam>
/// <typeparam name="TL">The lane operations.</typeparam>
internal readonly struct TruncatedShoup<TV, TL> : INttArithmetic<TruncatedShoup<TV, TL>, TV>
    where TV : unmanaged
    where TL : struct, IWordLanes<TV>
{
    private readonly TV _q;
    private readonly TV _twoQ;
    private readonly TV _fourQ;

    private TruncatedShoup(ulong q)
    {
        _q = TL.Create(q);
        _twoQ = TL.Create(2 * q);
        _fourQ = TL.Create(4 * q);
    }

    public static TruncatedShoup<TV, TL> Create(ulong q) => new(q);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Prepare(TV auxiliary) => TL.High32(auxiliary);

    /// <summary>v·w mod q lazily in [0, 4q), for v &lt; 8q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV MultiplyLazy(TV v, TV w, TV auxiliary, TV prepared)
        => TL.Subtract(TL.MultiplyLow(v, w), TL.MultiplyLow(TL.MultiplyHighTruncated(v, auxiliary, prepared), _q));

    /// <summary>(X, Y) ∈ [0, 8q)² → (X' + W·Y, X' − W·Y + 4q) with X' = X reduced to [0, 4q): outputs in [0, 8q).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Forward(ref TV x, ref TV y, TV w, TV auxiliary, TV prepared)
    {
        TV a = TL.SubtractIfGreaterOrEqual(x, _fourQ);
        TV t = MultiplyLazy(y, w, auxiliary, prepared);
        x = TL.Add(a, t);
        y = TL.Add(TL.Subtract(a, t), _fourQ);
    }

    /// <summary>(X, Y) ∈ [0, 4q)² → (X + Y reduced to [0, 4q), (X − Y + 4q)·W ∈ [0, 4q)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Inverse(ref TV x, ref TV y, TV w, TV auxiliary, TV prepared)
    {
        SumAndDifference(x, y, out TV s, out TV d);
        y = MultiplyLazy(d, w, auxiliary, prepared);
        x = s;
    }

    /// <summary>X + Y reduced to [0, 4q) and X − Y + 4q ∈ (0, 8q), for X, Y ∈ [0, 4q).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SumAndDifference(TV x, TV y, out TV sum, out TV difference)
    {
        sum = TL.SubtractIfGreaterOrEqual(TL.Add(x, y), _fourQ);
        difference = TL.Add(TL.Subtract(x, y), _fourQ);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV ForwardOutput(TV v) => TL.SubtractIfGreaterOrEqual(v, _fourQ);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV InverseOutput(TV v) => TL.SubtractIfGreaterOrEqual(v, _twoQ);
}
