using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Thestage.Proofs.Fields;

/// <summary>
/// An element of the Goldilocks prime field, <c>p = 2^64 − 2^32 + 1</c>, stored canonically in
/// <c>[0, p)</c>.
/// </summary>
/// <remarks>
/// The prime is chosen so that products reduce with shifts and additions only
/// (<c>2^64 ≡ 2^32 − 1</c> and <c>2^96 ≡ −1 (mod p)</c>) and so that <c>p − 1 = 2^32 · (2^32 − 1)</c>
/// has 2-adicity 32, which gives radix-2 NTTs of every size up to <c>2^32</c>. It is the field used
/// by Plonky2 and by several small-field sumcheck provers; see Thaler, "Proofs, Arguments, and
/// Zero-Knowledge" (2022), and the Plonky2 paper (Polygon Zero, 2022), §5.
/// </remarks>
public readonly struct Goldilocks : IField<Goldilocks>
{
    /// <summary>The modulus <c>p = 2^64 − 2^32 + 1</c>.</summary>
    public const ulong Modulus = 0xFFFF_FFFF_0000_0001UL;

    /// <summary>The 2-adicity of <c>p − 1</c>: the largest <c>s</c> with <c>2^s | p − 1</c>.</summary>
    public const int TwoAdicity = 32;

    /// <summary><c>2^64 mod p = 2^32 − 1</c>.</summary>
    private const ulong Epsilon = 0xFFFF_FFFFUL;

    private static readonly Goldilocks[] PrimitiveRoots = ComputePrimitiveRoots();

    private readonly ulong _value;

    /// <summary>Initializes a new element from any 64-bit integer, reducing it modulo <c>p</c>.</summary>
    /// <param name="value">The integer (any value; <c>2^64 − 1 &lt; 2p</c>, so one subtraction reduces it).</param>
    public Goldilocks(ulong value) => _value = value >= Modulus ? value - Modulus : value;

    /// <summary>Gets the canonical integer representative in <c>[0, p)</c>.</summary>
    public ulong Value => _value;

    /// <inheritdoc />
    public static Goldilocks Zero => default;

    /// <inheritdoc />
    public static Goldilocks One => new(1UL);

    /// <summary>Gets a generator of the full multiplicative group (7).</summary>
    public static Goldilocks MultiplicativeGenerator => new(7UL);

    /// <inheritdoc />
    public static int EncodedLength => 8;

    /// <inheritdoc />
    public static double Log2Size => 63.999999999664; // log2(2^64 − 2^32 + 1)

    /// <inheritdoc />
    public bool IsZero => _value == 0;

    /// <inheritdoc />
    public static Goldilocks FromUInt64(ulong value) => new(value);

    /// <summary>Adds two elements.</summary>
    /// <param name="left">The first summand.</param>
    /// <param name="right">The second summand.</param>
    /// <returns>The sum modulo <c>p</c>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Goldilocks operator +(Goldilocks left, Goldilocks right)
    {
        // Branch-free: a carry means the true sum is sum + 2^64 < 2p, and sum + 2^64 − p = sum + Epsilon < p
        // cannot wrap; otherwise sum < 2^64 and at most one subtraction of p is needed.
        ulong sum = left._value + right._value;
        sum += Epsilon & MaskIf(sum < left._value);
        return FromCanonical(sum - (Modulus & MaskIf(sum >= Modulus)));
    }

    /// <summary>Subtracts two elements.</summary>
    /// <param name="left">The minuend.</param>
    /// <param name="right">The subtrahend.</param>
    /// <returns>The difference modulo <c>p</c>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Goldilocks operator -(Goldilocks left, Goldilocks right)
    {
        // Branch-free: on a borrow diff = true + 2^64, and true + p = diff − Epsilon with diff ≥ 2^64 − p + 1 > Epsilon.
        ulong diff = left._value - right._value;
        return FromCanonical(diff - (Epsilon & MaskIf(left._value < right._value)));
    }

    /// <summary>Negates an element.</summary>
    /// <param name="value">The element.</param>
    /// <returns><c>−value mod p</c>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Goldilocks operator -(Goldilocks value) =>
        FromCanonical(value._value == 0 ? 0 : Modulus - value._value);

    /// <summary>Multiplies two elements.</summary>
    /// <param name="left">The first factor.</param>
    /// <param name="right">The second factor.</param>
    /// <returns>The product modulo <c>p</c>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Goldilocks operator *(Goldilocks left, Goldilocks right)
    {
        ulong hi = Math.BigMul(left._value, right._value, out ulong lo);
        return FromCanonical(Reduce128(hi, lo));
    }

    /// <summary>Compares two elements for equality.</summary>
    /// <param name="left">The first element.</param>
    /// <param name="right">The second element.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(Goldilocks left, Goldilocks right) => left._value == right._value;

    /// <summary>Compares two elements for inequality.</summary>
    /// <param name="left">The first element.</param>
    /// <param name="right">The second element.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(Goldilocks left, Goldilocks right) => left._value != right._value;

    /// <summary>
    /// Reduces the 128-bit integer <c>hi · 2^64 + lo</c> modulo <c>p</c>.
    /// </summary>
    /// <param name="hi">The high 64 bits.</param>
    /// <param name="lo">The low 64 bits.</param>
    /// <returns>The canonical residue in <c>[0, p)</c>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Reduce128(ulong hi, ulong lo)
    {
        // Correctness. Write hi = a + 2^32·b with a, b < 2^32, and ε = 2^32 − 1 = 2^64 mod p.
        // Since 2^64 ≡ ε and 2^96 = 2^32·2^64 ≡ 2^32·ε = 2^64 − 2^32 ≡ ε − 2^32 = −1 (mod p):
        //     x = lo + 2^64·a + 2^96·b ≡ lo + ε·a − b (mod p).
        // Step 1: t = lo − b. If it borrows, the machine value is t + 2^64 ≡ t + ε, so we subtract ε;
        //         this cannot underflow because after a borrow t ≥ 2^64 − b > 2^64 − 2^32 > ε.
        // Step 2: u = ε·a = (a << 32) − a < 2^64 fits in 64 bits.
        // Step 3: r = t + u. If it carries, the machine value lost 2^64 ≡ ε, so we add ε; this cannot
        //         overflow again because after a carry r < u ≤ ε·(2^32 − 1) = 2^64 − 2^33 + 1.
        // Step 4: r < 2^64 < 2p, so one conditional subtraction of p yields the canonical residue.
        ulong a = hi & Epsilon;
        ulong b = hi >> 32;

        ulong t = lo - b;
        t -= Epsilon & MaskIf(lo < b);

        ulong u = (a << 32) - a;
        ulong r = t + u;
        r += Epsilon & MaskIf(r < u);

        return r - (Modulus & MaskIf(r >= Modulus));
    }

    /// <summary>Raises an element to a power by square-and-multiply.</summary>
    /// <param name="value">The base.</param>
    /// <param name="exponent">The exponent.</param>
    /// <returns><c>value^exponent</c> (with <c>0^0 = 1</c>).</returns>
    public static Goldilocks Pow(Goldilocks value, ulong exponent)
    {
        Goldilocks result = One;
        Goldilocks power = value;
        while (exponent != 0)
        {
            if ((exponent & 1) != 0)
            {
                result *= power;
            }

            power *= power;
            exponent >>= 1;
        }

        return result;
    }

    /// <inheritdoc />
    public static Goldilocks Invert(Goldilocks value)
    {
        if (value.IsZero)
        {
            throw new ArgumentException("Zero has no multiplicative inverse.", nameof(value));
        }

        // Fermat: a^(p−2) = a^−1 for a ≠ 0.
        return Pow(value, Modulus - 2);
    }

    /// <summary>Gets the two-adic generator: a primitive <c>2^32</c>-th root of unity, <c>7^((p−1)/2^32)</c>.</summary>
    public static Goldilocks TwoAdicGenerator => PrimitiveRoots[TwoAdicity];

    /// <summary>
    /// Returns a primitive <c>2^logOrder</c>-th root of unity, <c>g^((p−1)/2^logOrder)</c> for the
    /// multiplicative generator <c>g = 7</c>; successive roots satisfy <c>ω_{k}^2 = ω_{k−1}</c>.
    /// </summary>
    /// <param name="logOrder">The base-2 logarithm of the order, in <c>[0, 32]</c>.</param>
    /// <returns>An element of multiplicative order exactly <c>2^logOrder</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="logOrder"/> is outside <c>[0, 32]</c>.</exception>
    public static Goldilocks RootOfUnity(int logOrder)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(logOrder);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(logOrder, TwoAdicity);
        return PrimitiveRoots[logOrder];
    }

    /// <inheritdoc />
    public static Goldilocks Sample(IUniformWordSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        while (true)
        {
            // Rejection probability (2^64 − p) / 2^64 = 2^−32 · (1 − 2^−32); the accepted value is exactly uniform.
            ulong word = source.NextUInt64();
            if (word < Modulus)
            {
                return FromCanonical(word);
            }
        }
    }

    /// <inheritdoc />
    public static bool TryRead(ReadOnlySpan<byte> source, out Goldilocks value)
    {
        if (source.Length < 8)
        {
            value = default;
            return false;
        }

        ulong raw = BinaryPrimitives.ReadUInt64LittleEndian(source);
        value = FromCanonical(raw);
        return raw < Modulus;
    }

    /// <summary>Whether every word is below p (the canonical encodings <see cref="TryRead"/> accepts), several words per SIMD register.</summary>
    internal static bool AreCanonical(ReadOnlySpan<ulong> words)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var modulus = new Vector<ulong>(Modulus);
            ReadOnlySpan<Vector<ulong>> vectors = MemoryMarshal.Cast<ulong, Vector<ulong>>(words);
            foreach (Vector<ulong> vector in vectors)
            {
                if (Vector.GreaterThanOrEqualAny(vector, modulus))
                {
                    return false;
                }
            }

            i = vectors.Length * Vector<ulong>.Count;
        }

        for (; i < words.Length; i++)
        {
            if (words[i] >= Modulus)
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public void WriteTo(Span<byte> destination) => BinaryPrimitives.WriteUInt64LittleEndian(destination, _value);

    /// <inheritdoc />
    public bool Equals(Goldilocks other) => _value == other._value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Goldilocks other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _value.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => _value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>All ones when <paramref name="condition"/> holds, else zero (compiled to setcc/neg, without branches).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MaskIf(bool condition) => 0UL - Unsafe.BitCast<bool, byte>(condition);

    /// <summary>Wraps a value already known to be canonical.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Goldilocks FromCanonical(ulong canonical) => new(canonical, 0);

    private Goldilocks(ulong canonical, int marker)
    {
        _ = marker;
        _value = canonical;
    }

    private static Goldilocks[] ComputePrimitiveRoots()
    {
        var roots = new Goldilocks[TwoAdicity + 1];
        Goldilocks root = Pow(new Goldilocks(7UL), (Modulus - 1) >> TwoAdicity);
        for (int log = TwoAdicity; log >= 0; log--)
        {
            roots[log] = root;
            root *= root;
        }

        return roots;
    }
}
