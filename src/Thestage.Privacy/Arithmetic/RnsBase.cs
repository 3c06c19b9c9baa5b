using System.Numerics;
using System.Runtime.CompilerServices;

namespace Thestage.Privacy.Arithmetic;

/// <summary>
/// A residue number system base q₀, …, q_(k−1) of distinct primes with the constants of the Chinese
/// remainder theorem: Q = ∏ qᵢ, the punctured products Q/qᵢ and their inverses modulo qᵢ.
/// </summary>
/// <remarks>
/// x ≡ Σᵢ yᵢ·(Q/qᵢ) (mod Q) with yᵢ = [xᵢ·(Q/qᵢ)⁻¹]_qᵢ. <see cref="ComposeCentered(ReadOnlySpan{ulong}, int, Span{ulong})"/> returns the centered representative
/// as a double, which is what CKKS decoding needs when Q exceeds 64 bits. The number c of Q's to subtract comes from the
/// same sum divided by Q, Σᵢ yᵢ/qᵢ = c + x/Q, computed in double precision (the floating-point estimate of SEAL's and
/// Halevi–Polyakov–Shoup's fast base conversion, eprint 2018/117, §2.2): its error is below k²·2⁻⁵⁰, so unless the
/// fraction lies within 2⁻³² of ½ the nearest integer c is exact. The centered value Σᵢ yᵢ·(Q/qᵢ) − c·Q is then computed
/// modulo 2^192 only (three words per prime, not k) and confirmed by its residues modulo enough primes that nothing else
/// fits the window (see <see cref="TryComposeInWindow"/>): exact, without multi-word products. Within 2⁻³² of ½ (the
/// centered value within 2⁻³²·Q of ±Q/2), or beyond 2^128 in magnitude, the full multi-word composition and exact
/// comparisons decide. All paths give the same double, the magnitude converted word by word from the top.
/// </remarks>
internal sealed unsafe class RnsBase
{
    private readonly ulong[] _punctured;      // k × k words: Q/qᵢ as little-endian multi-word integers
    private readonly MultiplyOperand[] _invPunctured; // [(Q/qᵢ)⁻¹]_qᵢ
    private readonly ulong[] _product;        // Q, k words
    private readonly ulong[] _halfProduct;    // ⌈Q/2⌉... stored as ⌊Q/2⌋, k words
    private readonly double[] _inverseModuli; // 1/qᵢ, rounded
    private readonly ulong[] _puncturedLow;   // k × 3 words: Q/qᵢ mod 2^192
    private readonly ulong[] _negatedMultiples; // (k + 1) × 3 words: −c·Q mod 2^192 for c = 0, …, k
    private readonly int[] _checked;          // the primes whose residues confirm a 192-bit window (see ComposeCentered)

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

        BigInteger window = BigInteger.One << (64 * WindowWords);
        _puncturedLow = new ulong[k * WindowWords];
        _negatedMultiples = new ulong[(k + 1) * WindowWords];
        for (int i = 0; i < k; i++)
        {
            ToWords((product / Moduli[i].Value) % window, _puncturedLow.AsSpan(i * WindowWords, WindowWords));
        }

        for (int c = 0; c <= k; c++)
        {
            ToWords((window - (c * product % window)) % window, _negatedMultiples.AsSpan(c * WindowWords, WindowWords));
        }

        // The unchecked primes q₀, q₁, … multiply to E < 2^191; the others must confirm the window (ComposeCentered).
        BigInteger excluded = BigInteger.One;
        int first = 0;
        while (first < k && excluded * Moduli[first].Value < window >> 1)
        {
            excluded *= Moduli[first].Value;
            first++;
        }

        _checked = Enumerable.Range(first, k - first).ToArray();
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
        if (!ambiguous && TryComposeInWindow(residues, stride, digits, 1, (int)multiple, out double windowed))
        {
            return windowed;
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

    /// <summary>
    /// The centered representatives of n integers given limb-major (residue i of integer j at <c>residues[i·n + j]</c>),
    /// as doubles: <c>destination[j]</c> is what <see cref="ComposeCentered(ReadOnlySpan{ulong}, int, Span{ulong})"/>
    /// returns for integer j, computed prime by prime over all integers first (the digits yᵢ and the estimate Σᵢ yᵢ/qᵢ).
    /// </summary>
    /// <param name="residues">k·n residues, limb-major, each in [0, qᵢ).</param>
    /// <param name="destination">n doubles.</param>
    /// <param name="digits">k·n words of scratch space (they receive the digits yᵢ, derived from the residues).</param>
    /// <param name="fractions">n doubles of scratch space.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)] // its own optimized root: see NttKernels
    public void ComposeCentered(ReadOnlySpan<ulong> residues, Span<double> destination, Span<ulong> digits, Span<double> fractions)
    {
        int k = Count, n = destination.Length;
        if (residues.Length < k * n || digits.Length < k * n || fractions.Length < n)
        {
            throw new ArgumentException("The residues and the scratch spans must hold k·n words and n doubles.");
        }

        Span<ulong> scratch = stackalloc ulong[2 * (k + 1)];
        if (k == 1)
        {
            for (int j = 0; j < n; j++)
            {
                destination[j] = ComposeCentered(residues[j..], n, scratch);
            }

            return;
        }

        Span<double> fraction = fractions[..n];
        for (int i = 0; i < k; i++)
        {
            ulong q = Moduli[i].Value;
            MultiplyOperand w = _invPunctured[i];
            double inverse = _inverseModuli[i];
            ReadOnlySpan<ulong> x = residues.Slice(i * n, n);
            Span<ulong> y = digits.Slice(i * n, n);
            for (int j = 0; j < n; j++)
            {
                ulong digit = w.Multiply(x[j], q);
                y[j] = digit;
                fraction[j] = i == 0 ? digit * inverse : fraction[j] + (digit * inverse);
            }
        }

        for (int j = 0; j < n; j++)
        {
            double multiple = Math.Round(fraction[j]);
            bool ambiguous = Math.Abs(fraction[j] - multiple) > 0.5 - FractionMargin;
            if (ambiguous || !TryComposeInWindow(residues[j..], n, digits[j..], n, (int)multiple, out double value))
            {
                value = ComposeCentered(residues[j..], n, scratch);
            }

            destination[j] = value;
        }

        scratch.Clear();
    }

    /// <summary>The width of the window modulo which <see cref="TryComposeInWindow"/> computes, in 64-bit words (192 bits).</summary>
    private const int WindowWords = 3;

    // x = Σᵢ yᵢ·(Q/qᵢ) − c·Q with the exact multiple c, computed modulo 2^192 only (3 words per prime instead of k):
    // r ≡ x (mod 2^192), r in [−2^191, 2^191). When |r| < 2^128 and r ≡ xᵢ (mod qᵢ) for the checked primes (product M, the
    // others multiply to E < 2^191), then x − r = t·2^192 with M | t and |t| ≤ (Q/2 + 2^128)/2^192 < M, so t = 0 and r is x:
    // the same integer as the full composition, converted the same way (magnitude word by word from the top). Otherwise
    // (|x| ≥ 2^128, which decoding never meets at sane scales) the caller composes in full.
    // Residues and digits yᵢ at i·stride in their spans.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)] // its own optimized root: see NttKernels
    private bool TryComposeInWindow(ReadOnlySpan<ulong> residues, int stride, ReadOnlySpan<ulong> digits, int digitStride, int multiple, out double value)
    {
        ReadOnlySpan<ulong> punctured = _puncturedLow;
        ulong a0 = 0, a1 = 0, a2 = 0, carry01 = 0, carry12 = 0;
        for (int i = 0; i < Moduli.Length; i++)
        {
            ulong y = digits[i * digitStride];
            ReadOnlySpan<ulong> p = punctured.Slice(i * WindowWords, WindowWords);
            ulong h0 = Math.BigMul(y, p[0], out ulong l0);
            ulong h1 = Math.BigMul(y, p[1], out ulong l1);
            a0 += l0;
            carry01 += a0 < l0 ? 1UL : 0UL;
            a1 += h0;
            carry12 += a1 < h0 ? 1UL : 0UL;
            a1 += l1;
            carry12 += a1 < l1 ? 1UL : 0UL;
            a2 += h1 + (y * p[2]);
        }

        a1 += carry01;
        carry12 += a1 < carry01 ? 1UL : 0UL;
        a2 += carry12;

        // Add −c·Q mod 2^192.
        ReadOnlySpan<ulong> m = _negatedMultiples.AsSpan(multiple * WindowWords, WindowWords);
        a0 += m[0];
        ulong c1 = a0 < m[0] ? 1UL : 0UL;
        ulong s1 = a1 + m[1];
        ulong c2 = s1 < a1 ? 1UL : 0UL;
        a1 = s1 + c1;
        c2 += a1 < s1 ? 1UL : 0UL;
        a2 += m[2] + c2;

        bool negative = (long)a2 < 0;
        if (negative)
        {
            // Two's complement negation of the three words.
            a0 = ~a0 + 1;
            ulong borrow = a0 == 0 ? 1UL : 0UL;
            a1 = ~a1 + borrow;
            borrow = borrow != 0 && a1 == 0 ? 1UL : 0UL;
            a2 = ~a2 + borrow;
        }

        value = 0;
        if (a2 != 0)
        {
            return false;
        }

        foreach (int i in _checked)
        {
            Modulus q = Moduli[i];
            ulong remainder = a1 == 0 ? q.Reduce(a0) : q.Reduce(a0, a1);
            ulong x = residues[i * stride];
            ulong expected = negative && x != 0 ? q.Value - x : x;
            if (remainder != expected)
            {
                return false;
            }
        }

        double magnitude = ((double)a1 * 18446744073709551616.0) + a0;
        value = negative ? -magnitude : magnitude;
        return true;
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
