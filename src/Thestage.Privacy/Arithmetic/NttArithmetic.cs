using System.Runtime.CompilerServices;

namespace Thestage.Privacy.Arithmetic;

/// <summary>
/// The butterfly arithmetic of <see cref="NttKernels"/>: Harvey's lazy butterflies with the twiddle product by
/// Shoup's method, either in 64-bit integers (<see cref="IntegerShoup{TV, TL, TS}"/>, any q &lt; 2^61) or in double
/// precision (<see cref="DoubleShoup{TV, TL}"/>, q &lt; <see cref="NttTables.DoubleShoupBound"/> = 2^50). The stage loops are written once over this type.
/// </summary>
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

    /// <summary>v·w mod q lazily in [0, 2q), for v &lt; 4q.</summary>
    TV MultiplyLazy(TV v, TV w, TV auxiliary, TV prepared);

    /// <summary>(X, Y) ∈ [0, 4q)² → (X' + W·Y, X' − W·Y + 2q) with X' = X reduced to [0, 2q): outputs in [0, 4q).</summary>
    void Forward(ref TV x, ref TV y, TV w, TV auxiliary, TV prepared);

    /// <summary>(X, Y) ∈ [0, 2q)² → (X + Y reduced to [0, 2q), (X − Y + 2q)·W ∈ [0, 2q)).</summary>
    void Inverse(ref TV x, ref TV y, TV w, TV auxiliary, TV prepared);

    /// <summary>X + Y reduced to [0, 2q) and X − Y + 2q ∈ (0, 4q), for X, Y ∈ [0, 2q) (the last inverse stage).</summary>
    void SumAndDifference(TV x, TV y, out TV sum, out TV difference);
}

/// <summary>
/// Shoup's product in 64-bit words: w' = ⌊w·2^k/q⌋ is the twiddle's auxiliary word (k = <typeparamref name="TS"/>'s
/// bits), and v·w − ⌊v·w'/2^k⌋·q ∈ [0, 2q) for every value v &lt; 4q. Values are words in [0, 4q).
/// </summary>
/// <remarks>
/// <para>k = 64 (any q &lt; 2^61, <see cref="MultiplyOperand"/>): w·2^64/q − w' &lt; 1, so v·w/q − v·w'/2^64 &lt; v/2^64 &lt; 1
/// and the floor loses less than 1 more: the quotient is short of v·w/q by less than 2.</para>
/// <para>k = 62 (q &lt; 2^60, so v &lt; 4q ≤ 2^62): v·w/q − v·w'/2^62 &lt; v/2^62 ≤ 1, the same bound. The product
/// ⌊v·w'/2^62⌋ of two words below 2^62 takes the vector widths one shift and one addition fewer than a full high word
/// (<see cref="IWordLanes{TV}.MultiplyHigh62"/>), and the scalar width the same one <c>mulx</c> (by 4w').</para>
/// </remarks>
/// <typeparam name="TV">The register type.</typeparam>
/// <typeparam name="TL">The lane operations.</typeparam>
/// <typeparam name="TS">The quotient's scale: <see cref="ShoupScale64"/> or <see cref="ShoupScale62"/>.</typeparam>
internal readonly struct IntegerShoup<TV, TL, TS> : INttArithmetic<IntegerShoup<TV, TL, TS>, TV>
    where TV : unmanaged
    where TL : struct, IWordLanes<TV>
    where TS : struct, IShoupScale
{
    private readonly TV _q;
    private readonly TV _twoQ;

    private IntegerShoup(ulong q)
    {
        _q = TL.Create(q);
        _twoQ = TL.Create(2 * q);
    }

    public static IntegerShoup<TV, TL, TS> Create(ulong q) => new(q);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Prepare(TV auxiliary) => TL.High32(auxiliary);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV MultiplyLazy(TV v, TV w, TV auxiliary, TV prepared)
    {
        TV quotient = TS.Bits == 62 ? TL.MultiplyHigh62(v, auxiliary, prepared) : TL.MultiplyHigh(v, auxiliary, prepared);
        return TL.Subtract(TL.MultiplyLow(v, w), TL.MultiplyLow(quotient, _q));
    }

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
}

/// <summary>The scale 2^k of an integer Shoup quotient ⌊w·2^k/q⌋ (see <see cref="IntegerShoup{TV, TL, TS}"/>), as a type the JIT folds.</summary>
internal interface IShoupScale
{
    /// <summary>k.</summary>
    static abstract int Bits { get; }

    /// <summary>The largest modulus (exclusive) the scale serves.</summary>
    static abstract ulong ModulusBound { get; }
}

/// <summary>Quotients ⌊w·2^64/q⌋, for any q &lt; 2^61.</summary>
internal readonly struct ShoupScale64 : IShoupScale
{
    public static int Bits => 64;

    public static ulong ModulusBound => 1UL << 61;
}

/// <summary>Quotients ⌊w·2^62/q⌋, for q &lt; 2^60.</summary>
internal readonly struct ShoupScale62 : IShoupScale
{
    public static int Bits => 62;

    public static ulong ModulusBound => 1UL << 60;
}
