using System.Numerics;

namespace Thestage.Privacy.Arithmetic;

/// <summary>
/// A residue number system base q₀, …, q_(k−1) of distinct primes with the constants of the Chinese
/// remainder theorem: Q = ∏ qᵢ, the punctured products Q/qᵢ and their inverses modulo qᵢ.
/// </summary>
/// <remarks>
/// x ≡ Σᵢ [xᵢ·(Q/qᵢ)⁻¹]_qᵢ · (Q/qᵢ) (mod Q). <see cref="ComposeCentered"/> evaluates this sum in
/// multi-word integer arithmetic (the sum is below k·Q, so at most k − 1 subtractions of Q finish
/// the reduction) and returns the centered representative as a double, which is what CKKS decoding needs
/// when Q exceeds 64 bits.
/// </remarks>
internal sealed class RnsBase
{
    private readonly ulong[] _punctured;      // k × k words: Q/qᵢ as little-endian multi-word integers
    private readonly MultiplyOperand[] _invPunctured; // [(Q/qᵢ)⁻¹]_qᵢ
    private readonly ulong[] _product;        // Q, k words
    private readonly ulong[] _halfProduct;    // ⌈Q/2⌉... stored as ⌊Q/2⌋, k words

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
        acc.Clear();
        for (int i = 0; i < k; i++)
        {
            ulong y = _invPunctured[i].Multiply(residues[i * stride], Moduli[i].Value);
            MultiplyAccumulate(acc, _punctured.AsSpan(i * k, k), y);
        }

        // acc < k·Q: subtract Q until below it.
        while (Compare(acc, _product) >= 0)
        {
            SubtractInPlace(acc, _product);
        }

        if (Compare(acc, _halfProduct) > 0)
        {
            // Negative: −(Q − acc).
            Span<ulong> diff = scratch.Slice(k + 1, k + 1);
            diff.Clear();
            _product.CopyTo(diff);
            SubtractInPlace(diff, acc);
            return -ToDouble(diff);
        }

        return ToDouble(acc);
    }

    private static void MultiplyAccumulate(Span<ulong> acc, ReadOnlySpan<ulong> value, ulong factor)
    {
        ulong carry = 0;
        for (int w = 0; w < value.Length; w++)
        {
            ulong hi = Math.BigMul(value[w], factor, out ulong lo);
            ulong s = acc[w] + lo;
            ulong c1 = s < lo ? 1UL : 0UL;
            ulong s2 = s + carry;
            ulong c2 = s2 < s ? 1UL : 0UL;
            acc[w] = s2;
            carry = hi + c1 + c2;
        }

        for (int w = value.Length; w < acc.Length && carry != 0; w++)
        {
            ulong s = acc[w] + carry;
            carry = s < carry ? 1UL : 0UL;
            acc[w] = s;
        }
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
