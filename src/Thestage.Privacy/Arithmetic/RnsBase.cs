using System.Numerics;

namespace Thestage.Privacy.Arithmetic;

/// <summary>
/// A residue number system base q₀, …, q_(k−1) of distinct primes with the constants of the Chinese
/// remainder theorem: Q = ∏ qᵢ, the punctured products Q/qᵢ and their inverses modulo qᵢ.
/// </summary>
/// <remarks>
/// x ≡ Σᵢ yᵢ·(Q/qᵢ) (mod Q) with yᵢ = [xᵢ·(Q/qᵢ)⁻¹]_qᵢ. <see cref="ComposeCentered"/> evaluates this sum in
/// multi-word integer arithmetic and returns the centered representative as a double, which is what CKKS decoding
/// needs when Q exceeds 64 bits. The number of Q's to subtract comes from the same sum divided by Q,
/// Σᵢ yᵢ/qᵢ = c + x/Q, computed in double precision (the floating-point estimate of SEAL's and Halevi–Polyakov–Shoup's
/// fast base conversion, eprint 2018/117, §2.2): its error is below k²·2⁻⁵⁰, so unless the fraction lies within 2⁻³²
/// of ½ the nearest integer c is exact and x − c·Q is the centered value (one multiply–subtract instead of
/// comparisons and repeated subtractions). Within 2⁻³² of ½ (the centered value within 2⁻³²·Q of ±Q/2) the exact
/// comparisons decide. Both give the same double, the magnitude converted word by word from the top.
/// </remarks>
internal sealed unsafe class RnsBase
{
    private readonly ulong[] _punctured;      // k × k words: Q/qᵢ as little-endian multi-word integers
    private readonly MultiplyOperand[] _invPunctured; // [(Q/qᵢ)⁻¹]_qᵢ
    private readonly ulong[] _product;        // Q, k words
    private readonly ulong[] _halfProduct;    // ⌈Q/2⌉... stored as ⌊Q/2⌋, k words
    private readonly double[] _inverseModuli; // 1/qᵢ, rounded
    private readonly UInt128[]? _puncturedWide; // Q/qᵢ as 128-bit integers, when k·Q < 2^128 (else null)
    private readonly UInt128 _productWide;      // Q, when _puncturedWide is set

    public RnsBase(ReadOnlySpan<Modulus> moduli)
    {
        if (moduli.IsEmpty)
        {
            throw new ArgumentException("An RNS base needs at least one modulus.", nameof(moduli));
        }

        Moduli = moduli.ToArray();
        int k = Moduli.Length;
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (Moduli[i].Value == Moduli[j].Value)
                {
                    throw new ArgumentException($"The modulus {Moduli[i].Value} appears twice in the RNS base.", nameof(moduli));
                }
            }
        }

        BigInteger product = BigInteger.One;
        foreach (Modulus m in Moduli)
        {
            product *= m.Value;
        }

        Product = product;
        _punctured = new ulong[k * k];
        _invPunctured = new MultiplyOperand[k];
        for (int i = 0; i < k; i++)
        {
            BigInteger punctured = product / Moduli[i].Value;
            ToWords(punctured, _punctured.AsSpan(i * k, k));
            ulong residue = (ulong)(punctured % Moduli[i].Value);
            _invPunctured[i] = new MultiplyOperand(ModArith.Inverse(residue, Moduli[i].Value), Moduli[i].Value);
        }

        _product = new ulong[k];
        ToWords(product, _product);
        _halfProduct = new ulong[k];
        ToWords(product >> 1, _halfProduct);
        _inverseModuli = new double[k];
        for (int i = 0; i < k; i++)
        {
            _inverseModuli[i] = 1.0 / Moduli[i].Value;
        }

        if (product * k < BigInteger.One << 128)
        {
            _productWide = (UInt128)product;
            _puncturedWide = new UInt128[k];
            for (int i = 0; i < k; i++)
            {
                _puncturedWide[i] = (UInt128)(product / Moduli[i].Value);
            }
        }
    }

    /// <summary>The primes of the base.</summary>
    public Modulus[] Moduli { get; }

    /// <summary>The number of primes.</summary>
    public int Count => Moduli.Length;

    /// <summary>Q, the product of the primes.</summary>
    public BigInteger Product { get; }

    /// <summary>Decomposes a non-negative integer below Q into its residues.</summary>
    public void Decompose(BigInteger value, Span<ulong> residues)
    {
        BigInteger v = BigInteger.Remainder(value, Product);
        if (v.Sign < 0)
        {
            v += Product;
        }

        for (int i = 0; i < Count; i++)
        {
            residues[i] = (ulong)(v % Moduli[i].Value);
        }
    }

    /// <summary>The integer in [0, Q) with the given residues (reference implementation with BigInteger).</summary>
    public BigInteger Compose(ReadOnlySpan<ulong> residues)
    {
        BigInteger sum = BigInteger.Zero;
        for (int i = 0; i < Count; i++)
        {
            ulong y = _invPunctured[i].Multiply(residues[i], Moduli[i].Value);
            sum += (Product / Moduli[i].Value) * y;
        }

        return sum % Product;
    }

    /// <summary>
    /// The centered representative in (−Q/2, Q/2] of the integer with residues
    /// <c>residues[i·stride]</c>, as a double.
    /// </summary>
    /// <param name="residues">Residues, the i-th at index i·<paramref name="stride"/>, each in [0, qᵢ).</param>
    /// <param name="stride">Distance between consecutive residues.</param>
    /// <param name="scratch">At least 2·(k + 1) words of scratch space.</param>
    public double ComposeCentered(ReadOnlySpan<ulong> residues, int stride, Span<ulong> scratch)
    {
        int k = Count;
        if (k == 1)
        {
            ulong q = Moduli[0].Value, r = residues[0];
            return r > q >> 1 ? -(double)(q - r) : r;
        }

        Span<ulong> acc = scratch[..(k + 1)];
        Span<ulong> digits = scratch.Slice(k + 1, k);
        double fraction = 0;
        for (int i = 0; i < k; i++)
        {
            ulong y = _invPunctured[i].Multiply(residues[i * stride], Moduli[i].Value);
            digits[i] = y;
            fraction += y * _inverseModuli[i];
        }

        double multiple = Math.Round(fraction);
        bool ambiguous = Math.Abs(fraction - multiple) > 0.5 - FractionMargin;
        if (_puncturedWide is not null && !ambiguous)
        {
            // k·Q < 2^128: the sum and c·Q are exact in 128 bits, and the centered value, below Q/2 < 2^127 in
            // magnitude, is the difference read as a signed 128-bit integer. Its magnitude converts as the words do.
            UInt128 sum = 0;
            for (int i = 0; i < k; i++)
            {
                sum += digits[i] * _puncturedWide[i];
            }

            UInt128 centered = sum - (ulong)multiple * _productWide;
            bool negative = (Int128)centered < 0;
            UInt128 magnitude = negative ? UInt128.Zero - centered : centered;
            double value = ((double)(ulong)(magnitude >> 64) * 18446744073709551616.0) + (ulong)magnitude;
            return negative ? -value : value;
        }

        // Pinned for the call; indices stay below k·k (_punctured), k + 1 (acc) and k (digits), the checked lengths.
        fixed (ulong* a = acc, y = digits, punctured = _punctured, product = _product)
        {
            // acc = Σᵢ yᵢ·(Q/qᵢ), column by column: word w sums the low halves of yᵢ·(Q/qᵢ)[w] and the carries of word w − 1
            // in three words (k terms below 2^128 each cannot overflow them).
            ulong c0 = 0, c1 = 0, c2 = 0;
            for (int w = 0; w < k; w++)
            {
                for (int i = 0; i < k; i++)
                {
                    ulong hi = Math.BigMul(punctured[i * k + w], y[i], out ulong lo);
                    c0 += lo;
                    hi += c0 < lo ? 1UL : 0UL; // hi ≤ 2^64 − 2, so this cannot wrap
                    c1 += hi;
                    c2 += c1 < hi ? 1UL : 0UL;
                }

                a[w] = c0;
                c0 = c1;
                c1 = c2;
                c2 = 0;
            }

            a[k] = c0;
            if (ambiguous)
            {
                return ReduceCentered(acc, scratch.Slice(k + 1, k + 1));
            }

            // acc − c·Q lies in (−Q/2, Q/2): in k + 1 words of two's complement, the top word is its sign.
            ulong factor = (ulong)multiple, borrow = 0;
            for (int w = 0; w < k; w++)
            {
                ulong hi = Math.BigMul(product[w], factor, out ulong lo);
                ulong sub = lo + borrow;
                hi += sub < lo ? 1UL : 0UL;
                ulong before = a[w];
                a[w] = before - sub;
                borrow = hi + (before < sub ? 1UL : 0UL);
            }

            a[k] -= borrow;
            if ((long)a[k] >= 0)
            {
                return ToDouble(a, k + 1);
            }

            ulong carry = 1;
            for (int w = 0; w <= k; w++)
            {
                ulong v = ~a[w] + carry;
                carry = v < carry ? 1UL : 0UL;
                a[w] = v;
            }

            return -ToDouble(a, k + 1);
        }
    }

    /// <summary>How close to ½ the fraction of Σ yᵢ/qᵢ may come before the exact comparisons decide (2⁻³²).</summary>
    private const double FractionMargin = 1.0 / (1L << 32);

    // acc in [0, k·Q): subtract Q until below it, then center by comparing with Q/2.
    private double ReduceCentered(Span<ulong> acc, Span<ulong> diff)
    {
        while (Compare(acc, _product) >= 0)
        {
            SubtractInPlace(acc, _product);
        }

        if (Compare(acc, _halfProduct) > 0)
        {
            // Negative: −(Q − acc).
            diff.Clear();
            _product.CopyTo(diff);
            SubtractInPlace(diff, acc);
            return -ToDouble(diff);
        }

        return ToDouble(acc);
    }

    // Compares a (length ≥ b.Length, extra words may be nonzero) with b.
    private static int Compare(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        for (int w = a.Length - 1; w >= 0; w--)
        {
            ulong bw = w < b.Length ? b[w] : 0;
            if (a[w] != bw)
            {
                return a[w] > bw ? 1 : -1;
            }
        }

        return 0;
    }

    private static void SubtractInPlace(Span<ulong> a, ReadOnlySpan<ulong> b)
    {
        ulong borrow = 0;
        for (int w = 0; w < a.Length; w++)
        {
            ulong bw = w < b.Length ? b[w] : 0;
            ulong d = a[w] - bw;
            ulong b1 = a[w] < bw ? 1UL : 0UL;
            ulong d2 = d - borrow;
            ulong b2 = d < borrow ? 1UL : 0UL;
            a[w] = d2;
            borrow = b1 | b2;
        }
    }

    private static double ToDouble(ulong* words, int count) => ToDouble(new ReadOnlySpan<ulong>(words, count));

    private static double ToDouble(ReadOnlySpan<ulong> words)
    {
        double result = 0;
        for (int w = words.Length - 1; w >= 0; w--)
        {
            result = result * 18446744073709551616.0 + words[w];
        }

        return result;
    }

    private static void ToWords(BigInteger value, Span<ulong> words)
    {
        words.Clear();
        byte[] bytes = value.ToByteArray(isUnsigned: true, isBigEndian: false);
        for (int i = 0; i < bytes.Length && i / 8 < words.Length; i++)
        {
            words[i / 8] |= (ulong)bytes[i] << (8 * (i % 8));
        }
    }
}
