using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Thestage.Privacy.Arithmetic;

/// <summary>
/// Lane-wise operations on 64-bit words at one SIMD width, so that a modular kernel is written once and the JIT
/// specialises it per width: <see cref="ScalarLanes"/> (1 lane), <see cref="Vector256Lanes"/> (4, AVX2) and
/// <see cref="Vector512Lanes"/> (8, AVX-512F/DQ).
/// </summary>
/// <remarks>
/// Every implementation computes exactly the same function lane by lane (exact 64×64 → high 64 product,
/// wrapping low product, the same conditional subtraction), so a kernel gives bit-identical results on every
/// path; <c>tests/Thestage.Privacy.Tests/Arithmetic/WordLanesTests.cs</c> checks this for each operation, and CI
/// reruns the tests with AVX-512 and with all hardware intrinsics switched off. The shape follows
/// <c>System.Numerics.Tensors</c>' operator structs and Plonky3's packed fields: static abstract members on a
/// struct type argument, so there is no virtual call and every member inlines.
/// </remarks>
/// <typeparam name="TV">The register type: <see cref="ulong"/>, <see cref="Vector256{T}"/> or <see cref="Vector512{T}"/> of ulong.</typeparam>
internal unsafe interface IWordLanes<TV>
    where TV : unmanaged
{
    /// <summary>The number of 64-bit lanes.</summary>
    static abstract int Count { get; }

    /// <summary>True when this width runs in hardware here (constant after JIT).</summary>
    static abstract bool IsSupported { get; }

    static abstract TV Create(ulong value);

    static abstract TV Load(ulong* source);

    static abstract void Store(ulong* destination, TV value);

    static abstract TV Add(TV a, TV b);

    static abstract TV Subtract(TV a, TV b);

    static abstract TV BitwiseAnd(TV a, TV b);

    /// <summary>a &amp; ~b.</summary>
    static abstract TV AndNot(TV a, TV b);

    /// <summary>Lanes of <paramref name="mask"/> all ones pick <paramref name="ifSet"/>, all zeros <paramref name="ifClear"/>.</summary>
    static abstract TV ConditionalSelect(TV mask, TV ifSet, TV ifClear);

    /// <summary>All ones where a &lt; b, else zero. Requires a, b &lt; 2^63.</summary>
    static abstract TV LessThan(TV a, TV b);

    static abstract TV ShiftLeft(TV x, int count);

    static abstract TV ShiftRightLogical(TV x, int count);

    /// <summary>x − m where x ≥ m, else x. Requires x, m &lt; 2^63 (as <see cref="UInt64Math.SubtractIfGreaterOrEqual"/>).</summary>
    static abstract TV SubtractIfGreaterOrEqual(TV x, TV m);

    /// <summary>Lanes equal to zero become all ones, the others zero.</summary>
    static abstract TV EqualsZero(TV x);

    /// <summary>a·b mod 2^64.</summary>
    static abstract TV MultiplyLow(TV a, TV b);

    /// <summary>⌊a·b / 2^64⌋, exact; <paramref name="bHigh"/> is b &gt;&gt; 32 (hoisted by callers with a fixed b).</summary>
    static abstract TV MultiplyHigh(TV a, TV b, TV bHigh);

    /// <summary>
    /// 2a₁b₁ + ⌊(a₀b₁ + a₁b₀)/2^31⌋ for a, b &lt; 2^63 (a = a₁·2^32 + a₀, b likewise): ⌊a·b/2^63⌋ less e ∈ [0, 3), the
    /// lowest partial product a₀b₀ left out. Three 32×32 products; the cross sum is below 2^64.
    /// <paramref name="bHigh"/> is b &gt;&gt; 32.
    /// </summary>
    static abstract TV MultiplyHighTruncated(TV a, TV b, TV bHigh);

    /// <summary>x &gt;&gt; 32.</summary>
    static abstract TV High32(TV x);

    /// <summary>(a mod 2^32)·(b mod 2^32), the exact 64-bit product of the low halves (<c>vpmuludq</c>).</summary>
    static abstract TV MultiplyLow32(TV a, TV b);

    // The lanes read as IEEE doubles (bit patterns, not conversions), for NttArithmetic's double-precision products.
    // Each is one correctly rounded IEEE operation, so every width gives the same bits.

    static abstract TV AddDouble(TV a, TV b);

    static abstract TV SubtractDouble(TV a, TV b);

    static abstract TV MultiplyDouble(TV a, TV b);

    /// <summary>a·b + c with one rounding.</summary>
    static abstract TV FusedMultiplyAddDouble(TV a, TV b, TV c);

    /// <summary>a·b − c with one rounding.</summary>
    static abstract TV FusedMultiplySubtractDouble(TV a, TV b, TV c);

    /// <summary>The nearest integer, ties to even.</summary>
    static abstract TV RoundDouble(TV a);

    /// <summary>All ones where a ≥ b, else zero.</summary>
    static abstract TV GreaterThanOrEqualDouble(TV a, TV b);

    /// <summary>All ones where a &lt; b, else zero.</summary>
    static abstract TV LessThanDouble(TV a, TV b);
}

/// <summary>Vector widths that also regroup two registers for the NTT stages whose butterfly gap is below the width.</summary>
/// <typeparam name="TV">The register type.</typeparam>
internal unsafe interface IShuffleLanes<TV> : IWordLanes<TV>
    where TV : unmanaged
{
    /// <summary>
    /// From two registers holding 2·Count consecutive words (groups of 2·G: G first halves then G second halves),
    /// gathers the first halves into <paramref name="x"/> and the second halves into <paramref name="y"/>, lane by lane
    /// in the order <see cref="LoadSpread{TGap}"/> gives the groups' twiddles.
    /// </summary>
    static abstract void Split<TGap>(TV v0, TV v1, out TV x, out TV y)
        where TGap : struct, IButterflyGap;

    /// <summary>The inverse of <see cref="Split{TGap}"/>.</summary>
    static abstract void Join<TGap>(TV x, TV y, out TV v0, out TV v1)
        where TGap : struct, IButterflyGap;

    /// <summary>
    /// The per-group values <paramref name="source"/>[0 … Count/G) spread over the lanes of <see cref="Split{TGap}"/>'s
    /// x. Reads Count words from <paramref name="source"/> (callers keep that inside the table).
    /// </summary>
    static abstract TV LoadSpread<TGap>(ulong* source)
        where TGap : struct, IButterflyGap;
}

/// <summary>A butterfly gap below the vector width, as a type so the JIT folds it to a constant.</summary>
internal interface IButterflyGap
{
    static abstract int Value { get; }
}

internal readonly struct Gap1 : IButterflyGap
{
    public static int Value => 1;
}

internal readonly struct Gap2 : IButterflyGap
{
    public static int Value => 2;
}

internal readonly struct Gap4 : IButterflyGap
{
    public static int Value => 4;
}

/// <summary>One lane: plain 64-bit arithmetic (<c>mulx</c> for the high product where BMI2 exists).</summary>
internal readonly unsafe struct ScalarLanes : IWordLanes<ulong>
{
    public static int Count => 1;

    public static bool IsSupported => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Create(ulong value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Load(ulong* source) => *source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ulong* destination, ulong value) => *destination = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Add(ulong a, ulong b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Subtract(ulong a, ulong b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong BitwiseAnd(ulong a, ulong b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong AndNot(ulong a, ulong b) => a & ~b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ConditionalSelect(ulong mask, ulong ifSet, ulong ifClear) => (ifSet & mask) | (ifClear & ~mask);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong LessThan(ulong a, ulong b) => (ulong)((long)(a - b) >> 63);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ShiftLeft(ulong x, int count) => x << count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ShiftRightLogical(ulong x, int count) => x >> count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SubtractIfGreaterOrEqual(ulong x, ulong m) => UInt64Math.SubtractIfGreaterOrEqual(x, m);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong EqualsZero(ulong x) => Mask(x == 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MultiplyLow(ulong a, ulong b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MultiplyHigh(ulong a, ulong b, ulong bHigh) => UInt64Math.MultiplyHigh(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MultiplyHighTruncated(ulong a, ulong b, ulong bHigh)
        => (a >> 32) * (bHigh << 1) + (((a & 0xFFFF_FFFF) * bHigh + (a >> 32) * (b & 0xFFFF_FFFF)) >> 31);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong High32(ulong x) => x >> 32;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MultiplyLow32(ulong a, ulong b) => (ulong)(uint)a * (uint)b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong AddDouble(ulong a, ulong b) => Bits(D(a) + D(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SubtractDouble(ulong a, ulong b) => Bits(D(a) - D(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MultiplyDouble(ulong a, ulong b) => Bits(D(a) * D(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong FusedMultiplyAddDouble(ulong a, ulong b, ulong c) => Bits(Math.FusedMultiplyAdd(D(a), D(b), D(c)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong FusedMultiplySubtractDouble(ulong a, ulong b, ulong c) => Bits(Math.FusedMultiplyAdd(D(a), D(b), -D(c)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong RoundDouble(ulong a) => Bits(Math.Round(D(a), MidpointRounding.ToEven));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong GreaterThanOrEqualDouble(ulong a, ulong b) => Mask(D(a) >= D(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong LessThanDouble(ulong a, ulong b) => Mask(D(a) < D(b));

    // All ones for true, zero for false, without a branch (setcc, then negation): the conditions are data-dependent.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mask(bool condition) => (ulong)-(long)Unsafe.BitCast<bool, byte>(condition);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double D(ulong bits) => BitConverter.UInt64BitsToDouble(bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Bits(double value) => BitConverter.DoubleToUInt64Bits(value);
}

/// <summary>Four lanes with AVX2. 64×64 products from 32×32 → 64 partial products (<c>vpmuludq</c>).</summary>
internal readonly unsafe struct Vector256Lanes : IShuffleLanes<Vector256<ulong>>
{
    public static int Count => 4;

    public static bool IsSupported => Vector256.IsHardwareAccelerated && Avx2.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Create(ulong value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Load(ulong* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ulong* destination, Vector256<ulong> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Add(Vector256<ulong> a, Vector256<ulong> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Subtract(Vector256<ulong> a, Vector256<ulong> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> BitwiseAnd(Vector256<ulong> a, Vector256<ulong> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> AndNot(Vector256<ulong> a, Vector256<ulong> b) => Vector256.AndNot(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> ConditionalSelect(Vector256<ulong> mask, Vector256<ulong> ifSet, Vector256<ulong> ifClear)
        => Vector256.ConditionalSelect(mask, ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> LessThan(Vector256<ulong> a, Vector256<ulong> b)
        => Avx2.CompareGreaterThan(b.AsInt64(), a.AsInt64()).AsUInt64(); // both below 2^63: signed order is unsigned order

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> ShiftLeft(Vector256<ulong> x, int count) => Vector256.ShiftLeft(x, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> ShiftRightLogical(Vector256<ulong> x, int count) => Vector256.ShiftRightLogical(x, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> SubtractIfGreaterOrEqual(Vector256<ulong> x, Vector256<ulong> m)
    {
        // Both below 2^63, so the signed compare orders them as unsigned numbers would.
        Vector256<ulong> below = Avx2.CompareGreaterThan(m.AsInt64(), x.AsInt64()).AsUInt64();
        return x - Vector256.AndNot(m, below);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> EqualsZero(Vector256<ulong> x) => Vector256.Equals(x, Vector256<ulong>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> MultiplyLow(Vector256<ulong> a, Vector256<ulong> b)
    {
        if (Avx512DQ.VL.IsSupported)
        {
            return Avx512DQ.VL.MultiplyLow(a, b);
        }

        // a·b mod 2^64 = a₀b₀ + ((a₀b₁ + a₁b₀) mod 2^32)·2^32 with a = a₁·2^32 + a₀ (the a₁b₁ term vanishes).
        Vector256<ulong> cross = Avx2.Multiply(a.AsUInt32(), High32(b).AsUInt32()) + Avx2.Multiply(High32(a).AsUInt32(), b.AsUInt32());
        return Avx2.Multiply(a.AsUInt32(), b.AsUInt32()) + Vector256.ShiftLeft(cross, 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> MultiplyHigh(Vector256<ulong> a, Vector256<ulong> b, Vector256<ulong> bHigh)
    {
        // See Vector512Lanes.MultiplyHigh for the carry argument.
        Vector256<ulong> aHigh = High32(a);
        Vector256<ulong> ll = Avx2.Multiply(a.AsUInt32(), b.AsUInt32());
        Vector256<ulong> lh = Avx2.Multiply(a.AsUInt32(), bHigh.AsUInt32());
        Vector256<ulong> hl = Avx2.Multiply(aHigh.AsUInt32(), b.AsUInt32());
        Vector256<ulong> hh = Avx2.Multiply(aHigh.AsUInt32(), bHigh.AsUInt32());
        Vector256<ulong> t = lh + High32(ll);
        Vector256<ulong> mid = (t & Vector256.Create(0xFFFF_FFFFUL)) + hl;
        return hh + High32(t) + High32(mid);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> MultiplyHighTruncated(Vector256<ulong> a, Vector256<ulong> b, Vector256<ulong> bHigh)
    {
        // 2·bHigh is below 2^32 (b < 2^63), a loop invariant the JIT hoists where b is.
        Vector256<ulong> aHigh = High32(a);
        Vector256<ulong> cross = Avx2.Multiply(a.AsUInt32(), bHigh.AsUInt32()) + Avx2.Multiply(aHigh.AsUInt32(), b.AsUInt32());
        return Avx2.Multiply(aHigh.AsUInt32(), Vector256.ShiftLeft(bHigh, 1).AsUInt32()) + Vector256.ShiftRightLogical(cross, 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> High32(Vector256<ulong> x) => Vector256.ShiftRightLogical(x, 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> MultiplyLow32(Vector256<ulong> a, Vector256<ulong> b) => Avx2.Multiply(a.AsUInt32(), b.AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> AddDouble(Vector256<ulong> a, Vector256<ulong> b) => (a.AsDouble() + b.AsDouble()).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> SubtractDouble(Vector256<ulong> a, Vector256<ulong> b) => (a.AsDouble() - b.AsDouble()).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> MultiplyDouble(Vector256<ulong> a, Vector256<ulong> b) => (a.AsDouble() * b.AsDouble()).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> FusedMultiplyAddDouble(Vector256<ulong> a, Vector256<ulong> b, Vector256<ulong> c)
        => Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> FusedMultiplySubtractDouble(Vector256<ulong> a, Vector256<ulong> b, Vector256<ulong> c)
        => Fma.IsSupported
            ? Fma.MultiplySubtract(a.AsDouble(), b.AsDouble(), c.AsDouble()).AsUInt64()
            : Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), -c.AsDouble()).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> RoundDouble(Vector256<ulong> a) => Vector256.Round(a.AsDouble()).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> GreaterThanOrEqualDouble(Vector256<ulong> a, Vector256<ulong> b)
        => Vector256.GreaterThanOrEqual(a.AsDouble(), b.AsDouble()).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> LessThanDouble(Vector256<ulong> a, Vector256<ulong> b)
        => Vector256.LessThan(a.AsDouble(), b.AsDouble()).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Split<TGap>(Vector256<ulong> v0, Vector256<ulong> v1, out Vector256<ulong> x, out Vector256<ulong> y)
        where TGap : struct, IButterflyGap
    {
        if (TGap.Value == 2)
        {
            // v0 = [x0 x1 y0 y1], v1 = [x0' x1' y0' y1'] → x = [x0 x1 x0' x1'], y = [y0 y1 y0' y1'].
            x = Avx2.Permute2x128(v0, v1, 0x20);
            y = Avx2.Permute2x128(v0, v1, 0x31);
        }
        else
        {
            // Gap 1: v0 = [x_0 y_0 x_1 y_1], v1 = [x_2 y_2 x_3 y_3] → x = [x_0 x_2 x_1 x_3], y likewise (groups 0, 2, 1, 3).
            x = Avx2.UnpackLow(v0, v1);
            y = Avx2.UnpackHigh(v0, v1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Join<TGap>(Vector256<ulong> x, Vector256<ulong> y, out Vector256<ulong> v0, out Vector256<ulong> v1)
        where TGap : struct, IButterflyGap
    {
        if (TGap.Value == 2)
        {
            v0 = Avx2.Permute2x128(x, y, 0x20);
            v1 = Avx2.Permute2x128(x, y, 0x31);
        }
        else
        {
            v0 = Avx2.UnpackLow(x, y);
            v1 = Avx2.UnpackHigh(x, y);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> LoadSpread<TGap>(ulong* source)
        where TGap : struct, IButterflyGap
    {
        // Gap 2: [w0 w0 w1 w1]; gap 1: [w0 w2 w1 w3], the group order of Split's unpack.
        Vector256<ulong> w = Vector256.Load(source);
        return TGap.Value == 2 ? Avx2.Permute4x64(w, 0b01_01_00_00) : Avx2.Permute4x64(w, 0b11_01_10_00);
    }
}

/// <summary>Eight lanes with AVX-512F (and DQ's <c>vpmullq</c> for the low product).</summary>
internal readonly unsafe struct Vector512Lanes : IShuffleLanes<Vector512<ulong>>
{
    public static int Count => 8;

    public static bool IsSupported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx512DQ.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Create(ulong value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Load(ulong* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ulong* destination, Vector512<ulong> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Add(Vector512<ulong> a, Vector512<ulong> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Subtract(Vector512<ulong> a, Vector512<ulong> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> BitwiseAnd(Vector512<ulong> a, Vector512<ulong> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> AndNot(Vector512<ulong> a, Vector512<ulong> b) => Vector512.AndNot(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> ConditionalSelect(Vector512<ulong> mask, Vector512<ulong> ifSet, Vector512<ulong> ifClear)
        => Vector512.ConditionalSelect(mask, ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> LessThan(Vector512<ulong> a, Vector512<ulong> b) => Vector512.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> ShiftLeft(Vector512<ulong> x, int count) => Vector512.ShiftLeft(x, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> ShiftRightLogical(Vector512<ulong> x, int count) => Vector512.ShiftRightLogical(x, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> SubtractIfGreaterOrEqual(Vector512<ulong> x, Vector512<ulong> m)
    {
        // min(x, x − m) unsigned: x − m when x ≥ m; otherwise x − m wraps above x and x is kept.
        return Avx512F.Min(x, x - m);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> EqualsZero(Vector512<ulong> x) => Vector512.Equals(x, Vector512<ulong>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> MultiplyLow(Vector512<ulong> a, Vector512<ulong> b) => Avx512DQ.MultiplyLow(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> MultiplyHigh(Vector512<ulong> a, Vector512<ulong> b, Vector512<ulong> bHigh)
    {
        // a = a₁·2^32 + a₀, b = b₁·2^32 + b₀; a·b = a₁b₁·2^64 + (a₀b₁ + a₁b₀)·2^32 + a₀b₀.
        // t = a₀b₁ + ⌊a₀b₀/2^32⌋ ≤ (2^32−1)² + 2^32 − 1 < 2^64; mid = (t mod 2^32) + a₁b₀ < 2^64;
        // then a·b = (a₁b₁ + ⌊t/2^32⌋)·2^64 + mid·2^32 + (a₀b₀ mod 2^32), so the high word is
        // a₁b₁ + ⌊t/2^32⌋ + ⌊mid/2^32⌋ exactly (vpmuludq reads the low 32 bits of each lane).
        Vector512<ulong> aHigh = High32(a);
        Vector512<ulong> ll = Avx512F.Multiply(a.AsUInt32(), b.AsUInt32());
        Vector512<ulong> lh = Avx512F.Multiply(a.AsUInt32(), bHigh.AsUInt32());
        Vector512<ulong> hl = Avx512F.Multiply(aHigh.AsUInt32(), b.AsUInt32());
        Vector512<ulong> hh = Avx512F.Multiply(aHigh.AsUInt32(), bHigh.AsUInt32());
        Vector512<ulong> t = lh + High32(ll);
        Vector512<ulong> mid = (t & Vector512.Create(0xFFFF_FFFFUL)) + hl;
        return hh + High32(t) + High32(mid);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> MultiplyHighTruncated(Vector512<ulong> a, Vector512<ulong> b, Vector512<ulong> bHigh)
    {
        // 2·bHigh is below 2^32 (b < 2^63), a loop invariant the JIT hoists where b is.
        Vector512<ulong> aHigh = High32(a);
        Vector512<ulong> cross = Avx512F.Multiply(a.AsUInt32(), bHigh.AsUInt32()) + Avx512F.Multiply(aHigh.AsUInt32(), b.AsUInt32());
        return Avx512F.Multiply(aHigh.AsUInt32(), Vector512.ShiftLeft(bHigh, 1).AsUInt32()) + Vector512.ShiftRightLogical(cross, 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> High32(Vector512<ulong> x) => Vector512.ShiftRightLogical(x, 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> MultiplyLow32(Vector512<ulong> a, Vector512<ulong> b) => Avx512F.Multiply(a.AsUInt32(), b.AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> AddDouble(Vector512<ulong> a, Vector512<ulong> b) => (a.AsDouble() + b.AsDouble()).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> SubtractDouble(Vector512<ulong> a, Vector512<ulong> b) => (a.AsDouble() - b.AsDouble()).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> MultiplyDouble(Vector512<ulong> a, Vector512<ulong> b) => (a.AsDouble() * b.AsDouble()).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> FusedMultiplyAddDouble(Vector512<ulong> a, Vector512<ulong> b, Vector512<ulong> c)
        => Avx512F.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> FusedMultiplySubtractDouble(Vector512<ulong> a, Vector512<ulong> b, Vector512<ulong> c)
        => Avx512F.FusedMultiplySubtract(a.AsDouble(), b.AsDouble(), c.AsDouble()).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> RoundDouble(Vector512<ulong> a) => Vector512.Round(a.AsDouble()).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> GreaterThanOrEqualDouble(Vector512<ulong> a, Vector512<ulong> b)
        => Vector512.GreaterThanOrEqual(a.AsDouble(), b.AsDouble()).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> LessThanDouble(Vector512<ulong> a, Vector512<ulong> b)
        => Vector512.LessThan(a.AsDouble(), b.AsDouble()).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Split<TGap>(Vector512<ulong> v0, Vector512<ulong> v1, out Vector512<ulong> x, out Vector512<ulong> y)
        where TGap : struct, IButterflyGap
    {
        // Index i < 8 picks v0[i], 8 + i picks v1[i]; x gets the first halves of the four (gap 2: eight) groups in order.
        if (TGap.Value == 4)
        {
            x = Avx512F.PermuteVar8x64x2(v0, Vector512.Create(0UL, 1, 2, 3, 8, 9, 10, 11), v1);
            y = Avx512F.PermuteVar8x64x2(v0, Vector512.Create(4UL, 5, 6, 7, 12, 13, 14, 15), v1);
        }
        else if (TGap.Value == 2)
        {
            x = Avx512F.PermuteVar8x64x2(v0, Vector512.Create(0UL, 1, 4, 5, 8, 9, 12, 13), v1);
            y = Avx512F.PermuteVar8x64x2(v0, Vector512.Create(2UL, 3, 6, 7, 10, 11, 14, 15), v1);
        }
        else
        {
            x = Avx512F.PermuteVar8x64x2(v0, Vector512.Create(0UL, 2, 4, 6, 8, 10, 12, 14), v1);
            y = Avx512F.PermuteVar8x64x2(v0, Vector512.Create(1UL, 3, 5, 7, 9, 11, 13, 15), v1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Join<TGap>(Vector512<ulong> x, Vector512<ulong> y, out Vector512<ulong> v0, out Vector512<ulong> v1)
        where TGap : struct, IButterflyGap
    {
        if (TGap.Value == 4)
        {
            v0 = Avx512F.PermuteVar8x64x2(x, Vector512.Create(0UL, 1, 2, 3, 8, 9, 10, 11), y);
            v1 = Avx512F.PermuteVar8x64x2(x, Vector512.Create(4UL, 5, 6, 7, 12, 13, 14, 15), y);
        }
        else if (TGap.Value == 2)
        {
            v0 = Avx512F.PermuteVar8x64x2(x, Vector512.Create(0UL, 1, 8, 9, 2, 3, 10, 11), y);
            v1 = Avx512F.PermuteVar8x64x2(x, Vector512.Create(4UL, 5, 12, 13, 6, 7, 14, 15), y);
        }
        else
        {
            v0 = Avx512F.PermuteVar8x64x2(x, Vector512.Create(0UL, 8, 1, 9, 2, 10, 3, 11), y);
            v1 = Avx512F.PermuteVar8x64x2(x, Vector512.Create(4UL, 12, 5, 13, 6, 14, 7, 15), y);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> LoadSpread<TGap>(ulong* source)
        where TGap : struct, IButterflyGap
    {
        Vector512<ulong> w = Vector512.Load(source);
        return TGap.Value switch
        {
            4 => Avx512F.PermuteVar8x64(w, Vector512.Create(0UL, 0, 0, 0, 1, 1, 1, 1)),
            2 => Avx512F.PermuteVar8x64(w, Vector512.Create(0UL, 0, 1, 1, 2, 2, 3, 3)),
            _ => w,
        };
    }
}
