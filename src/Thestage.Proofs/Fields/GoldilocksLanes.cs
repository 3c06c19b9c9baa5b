using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Thestage.Proofs.Fields;

/// <summary>
/// Lane-wise <see cref="Goldilocks"/> arithmetic on canonical 64-bit words at one SIMD width, so that a kernel is written
/// once and the JIT specialises it per width: <see cref="Vector512GoldilocksLanes"/> (8 lanes, AVX-512F) and
/// <see cref="Vector256GoldilocksLanes"/> (4 lanes, AVX2). Scalar code uses <see cref="Goldilocks"/> itself.
/// </summary>
/// <remarks>
/// <para>
/// Every operation returns, lane by lane, exactly the canonical word the scalar operator returns (field arithmetic is
/// exact, and every output is reduced to <c>[0, p)</c>), so kernels built on it give bit-identical results on every path;
/// <c>tests/Thestage.Proofs.Tests/Fields/GoldilocksLanesTests.cs</c> checks each operation against the scalar field.
/// The shape follows <c>System.Numerics.Tensors</c>' operator structs and Plonky3's packed fields: static abstract
/// members on a struct type argument, so there is no virtual call and every member inlines.
/// </para>
/// <para>
/// Products: neither AVX2 nor AVX-512F has a 64×64 → 128-bit multiply, so <see cref="Multiply"/> forms the 128-bit
/// product from four 32×32 → 64 partial products (<c>vpmuludq</c>) and reduces it with <see cref="Goldilocks"/>'s
/// shift-and-add reduction (<c>2^64 ≡ 2^32 − 1</c>, <c>2^96 ≡ −1</c>), as Plonky2's AVX-512 Goldilocks does.
/// Extension elements <c>c0 + c1·X</c> occupy two adjacent lanes (the memory layout of <see cref="GoldilocksExt2"/>), so
/// a register holds <c>Count / 2</c> of them; <see cref="SwapPairs"/> and <see cref="BlendPairs"/> move coefficients
/// within a pair.
/// </para>
/// </remarks>
/// <typeparam name="TV">The register type.</typeparam>
internal interface IGoldilocksLanes<TV>
    where TV : struct
{
    /// <summary>Gets the number of 64-bit lanes.</summary>
    static abstract int Count { get; }

    /// <summary>Gets a value indicating whether this width runs in hardware here (a JIT-time constant).</summary>
    static abstract bool IsSupported { get; }

    /// <summary>Loads <see cref="Count"/> words.</summary>
    static abstract TV Load(ref readonly ulong source);

    /// <summary>Stores <see cref="Count"/> words.</summary>
    static abstract void Store(TV value, ref ulong destination);

    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TV Create(ulong value);

    /// <summary>Even lanes <paramref name="even"/>, odd lanes <paramref name="odd"/> (an extension element in every pair).</summary>
    static abstract TV CreatePairs(ulong even, ulong odd);

    /// <summary>Loads <c>Count / 2</c> words and places each in both lanes of a pair.</summary>
    static abstract TV LoadDuplicated(ref readonly ulong source);

    /// <summary>Canonical sum.</summary>
    static abstract TV Add(TV a, TV b);

    /// <summary>Canonical difference.</summary>
    static abstract TV Subtract(TV a, TV b);

    /// <summary>Canonical product.</summary>
    static abstract TV Multiply(TV a, TV b);

    /// <summary>Canonical <c>7·a</c> (the extension's non-residue).</summary>
    static abstract TV MultiplyBySeven(TV a);

    /// <summary>
    /// A word congruent to <c>s·x + c</c>, not necessarily below p (a Horner step with lazy reduction): <paramref name="s"/> is any
    /// 64-bit word, <paramref name="xHigh"/> is <c>x ≫ 32</c>, and <paramref name="c"/> is any 64-bit word.
    /// </summary>
    static abstract TV MultiplyAddLazy(TV s, TV x, TV xHigh, TV c);

    /// <summary>The canonical word (below p) congruent to any 64-bit word <paramref name="a"/>.</summary>
    static abstract TV Canonicalize(TV a);

    /// <summary>Swaps the two lanes of every pair.</summary>
    static abstract TV SwapPairs(TV a);

    /// <summary>Even lanes from <paramref name="even"/>, odd lanes from <paramref name="odd"/>.</summary>
    static abstract TV BlendPairs(TV even, TV odd);

    /// <summary>
    /// Splits the pairs of <c>first ‖ second</c> (pairs 0, 1, …, Count − 1) by the parity of their index: pairs 0, 2, 4, … into
    /// <paramref name="even"/> and 1, 3, 5, … into <paramref name="odd"/>, in order.
    /// </summary>
    static abstract void UnzipPairs(TV first, TV second, out TV even, out TV odd);
}

/// <summary>
/// Eight lanes with AVX-512F, written with the hardware intrinsics themselves rather than the cross-platform
/// <c>Vector512</c> helpers: every operation is then one instruction the JIT always expands, so the large kernel loops
/// stay within its inlining limits (measured: with the helpers, loops such as the fractional-sumcheck round kept calls).
/// </summary>
internal readonly struct Vector512GoldilocksLanes : IGoldilocksLanes<Vector512<ulong>>
{
    private const ulong Epsilon = 0xFFFF_FFFFUL;

    public static int Count => 8;

    public static bool IsSupported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Load(ref readonly ulong source) => Vector512.LoadUnsafe(in source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<ulong> value, ref ulong destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Create(ulong value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> CreatePairs(ulong even, ulong odd) => Avx512F.UnpackLow(Vector512.Create(even), Vector512.Create(odd));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> LoadDuplicated(ref readonly ulong source) =>
        Avx512F.PermuteVar8x64(Vector256.LoadUnsafe(in source).ToVector512Unsafe(), Vector512.Create(0UL, 0, 1, 1, 2, 2, 3, 3));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Add(Vector512<ulong> a, Vector512<ulong> b)
    {
        // a + b < 2p. On a carry the true sum is s + 2^64 and s + ε = a + b − p < p; otherwise s < 2^64 needs at most
        // one subtraction of p, which min(s, s − p) performs (s − p wraps above s exactly when s < p).
        Vector512<ulong> s = Avx512F.Add(a, b);
        s = Avx512F.Add(s, Avx512F.And(Avx512F.CompareLessThan(s, a), Vector512.Create(Epsilon)));
        return Avx512F.Min(s, Avx512F.Subtract(s, Vector512.Create(Goldilocks.Modulus)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Subtract(Vector512<ulong> a, Vector512<ulong> b) =>
        // On a borrow d = a − b + 2^64 and a − b + p = d − ε, with d ≥ 2^64 − p + 1 > ε.
        Avx512F.Subtract(Avx512F.Subtract(a, b), Avx512F.And(Avx512F.CompareLessThan(a, b), Vector512.Create(Epsilon)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Multiply(Vector512<ulong> a, Vector512<ulong> b)
    {
        // a·b = hh·2^64 + (lh + hl)·2^32 + ll for the 32-bit halves. t = hl + ⌊ll/2^32⌋ ≤ (2^32 − 1)^2 + 2^32 − 1 < 2^64 and
        // u = lh + (t mod 2^32) < 2^64 do not overflow, and a·b = (hh + ⌊t/2^32⌋ + ⌊u/2^32⌋)·2^64 + (u mod 2^32)·2^32 + (ll mod 2^32).
        Vector512<ulong> aHigh = Avx512F.ShiftRightLogical(a, 32);
        Vector512<ulong> bHigh = Avx512F.ShiftRightLogical(b, 32);
        Vector512<ulong> ll = Avx512F.Multiply(a.AsUInt32(), b.AsUInt32());
        Vector512<ulong> t = Avx512F.Add(Avx512F.Multiply(aHigh.AsUInt32(), b.AsUInt32()), Avx512F.ShiftRightLogical(ll, 32));
        Vector512<ulong> u = Avx512F.Add(Avx512F.Multiply(a.AsUInt32(), bHigh.AsUInt32()), Avx512F.And(t, Vector512.Create(Epsilon)));
        Vector512<ulong> high = Avx512F.Add(
            Avx512F.Add(Avx512F.Multiply(aHigh.AsUInt32(), bHigh.AsUInt32()), Avx512F.ShiftRightLogical(t, 32)), Avx512F.ShiftRightLogical(u, 32));

        // low = u·2^32 + (ll mod 2^32): the even 32-bit words from ll, the odd ones from u.
        Vector512<ulong> low = Avx512F.BlendVariable(ll.AsUInt32(), Avx512F.ShiftLeftLogical(u, 32).AsUInt32(), Vector512.Create(0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u)).AsUInt64();
        return Reduce128(high, low);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> MultiplyBySeven(Vector512<ulong> a)
    {
        // 7a = 8a − a as a 128-bit value h·2^64 + l with h < 7; then h·2^64 + l ≡ l + h·ε, as in Reduce128 with b = 0.
        Vector512<ulong> eight = Avx512F.ShiftLeftLogical(a, 3);
        Vector512<ulong> low = Avx512F.Subtract(eight, a);
        Vector512<ulong> high = Avx512F.Add(Avx512F.ShiftRightLogical(a, 61), Avx512F.CompareLessThan(eight, a)); // all ones = −1 on a borrow
        Vector512<ulong> u = Avx512F.Subtract(Avx512F.ShiftLeftLogical(high, 32), high);
        Vector512<ulong> r = Avx512F.Add(low, u);
        r = Avx512F.Add(r, Avx512F.And(Avx512F.CompareLessThan(r, u), Vector512.Create(Epsilon)));
        return Avx512F.Min(r, Avx512F.Subtract(r, Vector512.Create(Goldilocks.Modulus)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> MultiplyAddLazy(Vector512<ulong> s, Vector512<ulong> x, Vector512<ulong> xHigh, Vector512<ulong> c)
    {
        // The 128-bit product of Multiply (high ≤ 2^64 − 2 for any 64-bit factors), plus c with its carry into high (so high
        // stays below 2^64), then Reduce128 without its final subtraction of p.
        Vector512<ulong> sHigh = Avx512F.ShiftRightLogical(s, 32);
        Vector512<ulong> ll = Avx512F.Multiply(s.AsUInt32(), x.AsUInt32());
        Vector512<ulong> t = Avx512F.Add(Avx512F.Multiply(sHigh.AsUInt32(), x.AsUInt32()), Avx512F.ShiftRightLogical(ll, 32));
        Vector512<ulong> u = Avx512F.Add(Avx512F.Multiply(s.AsUInt32(), xHigh.AsUInt32()), Avx512F.And(t, Vector512.Create(Epsilon)));
        Vector512<ulong> high = Avx512F.Add(
            Avx512F.Add(Avx512F.Multiply(sHigh.AsUInt32(), xHigh.AsUInt32()), Avx512F.ShiftRightLogical(t, 32)), Avx512F.ShiftRightLogical(u, 32));
        Vector512<ulong> low = Avx512F.BlendVariable(ll.AsUInt32(), Avx512F.ShiftLeftLogical(u, 32).AsUInt32(), Vector512.Create(0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u)).AsUInt64();
        low = Avx512F.Add(low, c);
        high = Vector512.ConditionalSelect(Avx512F.CompareLessThan(low, c), Avx512F.Add(high, Vector512<ulong>.One), high);
        return ReduceLazy(high, low);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Canonicalize(Vector512<ulong> a) => Avx512F.Min(a, Avx512F.Subtract(a, Vector512.Create(Goldilocks.Modulus)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> SwapPairs(Vector512<ulong> a) => Avx512F.Shuffle(a.AsUInt32(), 0b01_00_11_10).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> BlendPairs(Vector512<ulong> even, Vector512<ulong> odd) => Avx512F.UnpackHigh(Avx512F.UnpackLow(even, even), odd);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void UnzipPairs(Vector512<ulong> first, Vector512<ulong> second, out Vector512<ulong> even, out Vector512<ulong> odd)
    {
        even = Avx512F.PermuteVar8x64x2(first, Vector512.Create(0UL, 1, 4, 5, 8, 9, 12, 13), second);
        odd = Avx512F.PermuteVar8x64x2(first, Vector512.Create(2UL, 3, 6, 7, 10, 11, 14, 15), second);
    }

    /// <summary>Reduces <c>high·2^64 + low</c> modulo p, lane by lane (the steps of <see cref="Goldilocks.Reduce128"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Reduce128(Vector512<ulong> high, Vector512<ulong> low) => Canonicalize(ReduceLazy(high, low));

    /// <summary>
    /// A word below 2^64 congruent to <c>high·2^64 + low</c> (any words): <c>low − ⌊high/2^32⌋ + (high mod 2^32)·ε</c>, each wrap
    /// corrected by ε (<c>2^64 ≡ ε</c>); the corrected values cannot wrap again (see <see cref="Goldilocks.Reduce128"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> ReduceLazy(Vector512<ulong> high, Vector512<ulong> low)
    {
        Vector512<ulong> epsilon = Vector512.Create(Epsilon);
        Vector512<ulong> a = Avx512F.And(high, epsilon);
        Vector512<ulong> b = Avx512F.ShiftRightLogical(high, 32);
        // Each wrap is corrected under a comparison mask (a masked subtraction or addition of ε with AVX-512).
        Vector512<ulong> t = Avx512F.Subtract(low, b);
        t = Vector512.ConditionalSelect(Avx512F.CompareLessThan(low, b), Avx512F.Subtract(t, epsilon), t);
        Vector512<ulong> u = Avx512F.Subtract(Avx512F.ShiftLeftLogical(a, 32), a);
        Vector512<ulong> r = Avx512F.Add(t, u);
        return Vector512.ConditionalSelect(Avx512F.CompareLessThan(r, u), Avx512F.Add(r, epsilon), r);
    }
}

/// <summary>
/// Four lanes with AVX2, written with the hardware intrinsics (as <see cref="Vector512GoldilocksLanes"/>). AVX2 has neither an
/// unsigned 64-bit comparison (a signed one after flipping the top bits) nor an unsigned minimum (the final subtraction of p
/// is a comparison and a masked subtraction).
/// </summary>
internal readonly struct Vector256GoldilocksLanes : IGoldilocksLanes<Vector256<ulong>>
{
    private const ulong Epsilon = 0xFFFF_FFFFUL;
    private const ulong SignBit = 0x8000_0000_0000_0000UL;

    public static int Count => 4;

    public static bool IsSupported => Vector256.IsHardwareAccelerated && Avx2.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Load(ref readonly ulong source) => Vector256.LoadUnsafe(in source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<ulong> value, ref ulong destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Create(ulong value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> CreatePairs(ulong even, ulong odd) => Avx2.UnpackLow(Vector256.Create(even), Vector256.Create(odd));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> LoadDuplicated(ref readonly ulong source) =>
        Avx2.Permute4x64(Vector128.LoadUnsafe(in source).ToVector256Unsafe(), 0b01_01_00_00);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Add(Vector256<ulong> a, Vector256<ulong> b)
    {
        Vector256<ulong> s = Avx2.Add(a, b);
        s = Avx2.Add(s, Avx2.And(LessThan(s, a), Vector256.Create(Epsilon)));
        return ReduceOnce(s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Subtract(Vector256<ulong> a, Vector256<ulong> b) =>
        Avx2.Subtract(Avx2.Subtract(a, b), Avx2.And(LessThan(a, b), Vector256.Create(Epsilon)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Multiply(Vector256<ulong> a, Vector256<ulong> b)
    {
        // The partial products of Vector512GoldilocksLanes.Multiply.
        Vector256<ulong> aHigh = Avx2.ShiftRightLogical(a, 32);
        Vector256<ulong> bHigh = Avx2.ShiftRightLogical(b, 32);
        Vector256<ulong> ll = Avx2.Multiply(a.AsUInt32(), b.AsUInt32());
        Vector256<ulong> t = Avx2.Add(Avx2.Multiply(aHigh.AsUInt32(), b.AsUInt32()), Avx2.ShiftRightLogical(ll, 32));
        Vector256<ulong> u = Avx2.Add(Avx2.Multiply(a.AsUInt32(), bHigh.AsUInt32()), Avx2.And(t, Vector256.Create(Epsilon)));
        Vector256<ulong> high = Avx2.Add(Avx2.Add(Avx2.Multiply(aHigh.AsUInt32(), bHigh.AsUInt32()), Avx2.ShiftRightLogical(t, 32)), Avx2.ShiftRightLogical(u, 32));
        Vector256<ulong> low = Avx2.Blend(ll.AsUInt32(), Avx2.ShiftLeftLogical(u, 32).AsUInt32(), 0b1010_1010).AsUInt64();

        // Reduce128, as in Vector512GoldilocksLanes.
        Vector256<ulong> epsilon = Vector256.Create(Epsilon);
        Vector256<ulong> a32 = Avx2.And(high, epsilon);
        Vector256<ulong> b32 = Avx2.ShiftRightLogical(high, 32);
        Vector256<ulong> r = Avx2.Subtract(Avx2.Subtract(low, b32), Avx2.And(LessThan(low, b32), epsilon));
        Vector256<ulong> v = Avx2.Subtract(Avx2.ShiftLeftLogical(a32, 32), a32);
        r = Avx2.Add(r, v);
        r = Avx2.Add(r, Avx2.And(LessThan(r, v), epsilon));
        return ReduceOnce(r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> MultiplyBySeven(Vector256<ulong> a)
    {
        Vector256<ulong> eight = Avx2.ShiftLeftLogical(a, 3);
        Vector256<ulong> low = Avx2.Subtract(eight, a);
        Vector256<ulong> high = Avx2.Add(Avx2.ShiftRightLogical(a, 61), LessThan(eight, a));
        Vector256<ulong> u = Avx2.Subtract(Avx2.ShiftLeftLogical(high, 32), high);
        Vector256<ulong> r = Avx2.Add(low, u);
        r = Avx2.Add(r, Avx2.And(LessThan(r, u), Vector256.Create(Epsilon)));
        return ReduceOnce(r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> MultiplyAddLazy(Vector256<ulong> s, Vector256<ulong> x, Vector256<ulong> xHigh, Vector256<ulong> c)
    {
        // As Vector512GoldilocksLanes.MultiplyAddLazy.
        Vector256<ulong> sHigh = Avx2.ShiftRightLogical(s, 32);
        Vector256<ulong> ll = Avx2.Multiply(s.AsUInt32(), x.AsUInt32());
        Vector256<ulong> t = Avx2.Add(Avx2.Multiply(sHigh.AsUInt32(), x.AsUInt32()), Avx2.ShiftRightLogical(ll, 32));
        Vector256<ulong> u = Avx2.Add(Avx2.Multiply(s.AsUInt32(), xHigh.AsUInt32()), Avx2.And(t, Vector256.Create(Epsilon)));
        Vector256<ulong> high = Avx2.Add(Avx2.Add(Avx2.Multiply(sHigh.AsUInt32(), xHigh.AsUInt32()), Avx2.ShiftRightLogical(t, 32)), Avx2.ShiftRightLogical(u, 32));
        Vector256<ulong> low = Avx2.Blend(ll.AsUInt32(), Avx2.ShiftLeftLogical(u, 32).AsUInt32(), 0b1010_1010).AsUInt64();
        low = Avx2.Add(low, c);
        high = Avx2.Subtract(high, LessThan(low, c));

        Vector256<ulong> epsilon = Vector256.Create(Epsilon);
        Vector256<ulong> a32 = Avx2.And(high, epsilon);
        Vector256<ulong> b32 = Avx2.ShiftRightLogical(high, 32);
        Vector256<ulong> r = Avx2.Subtract(Avx2.Subtract(low, b32), Avx2.And(LessThan(low, b32), epsilon));
        Vector256<ulong> v = Avx2.Subtract(Avx2.ShiftLeftLogical(a32, 32), a32);
        r = Avx2.Add(r, v);
        return Avx2.Add(r, Avx2.And(LessThan(r, v), epsilon));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Canonicalize(Vector256<ulong> a) => ReduceOnce(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> SwapPairs(Vector256<ulong> a) => Avx2.Shuffle(a.AsUInt32(), 0b01_00_11_10).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> BlendPairs(Vector256<ulong> even, Vector256<ulong> odd) =>
        Avx2.Blend(even.AsUInt32(), odd.AsUInt32(), 0b1100_1100).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void UnzipPairs(Vector256<ulong> first, Vector256<ulong> second, out Vector256<ulong> even, out Vector256<ulong> odd)
    {
        even = Avx2.Permute2x128(first, second, 0x20);
        odd = Avx2.Permute2x128(first, second, 0x31);
    }

    /// <summary>All ones where a &lt; b as unsigned integers: the signed comparison after flipping the sign bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> LessThan(Vector256<ulong> a, Vector256<ulong> b)
    {
        Vector256<ulong> sign = Vector256.Create(SignBit);
        return Avx2.CompareGreaterThan(Avx2.Xor(b, sign).AsInt64(), Avx2.Xor(a, sign).AsInt64()).AsUInt64();
    }

    /// <summary>x − p where x ≥ p, else x (x &lt; 2^64 &lt; 2p): p is subtracted where x is not below it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> ReduceOnce(Vector256<ulong> x)
    {
        Vector256<ulong> modulus = Vector256.Create(Goldilocks.Modulus);
        return Avx2.Subtract(x, Avx2.AndNot(LessThan(x, modulus), modulus));
    }
}
