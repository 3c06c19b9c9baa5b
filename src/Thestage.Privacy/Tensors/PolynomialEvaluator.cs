using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tensors;

/// <summary>
/// Depth-optimal evaluation of p(x) = Σ c_j x^j on ciphertexts by recursive splitting at the middle power of two:
/// p = p_low + x^(2^(D−1))·p_high with D = ⌈log2(d + 1)⌉, the baby-step giant-step recursion with giant steps
/// x^(2^i) (Han–Ki, "Better bootstrapping for approximate HE", CT-RSA 2020, §4; Lee et al., eprint 2020/552).
/// </summary>
/// <remarks>
/// Depth D exactly: x^(2^i) sits at depth i, a degree-1 leaf c₀ + c₁x at depth 1, and each split adds one product
/// at depth max(D − 1, D − 1) + 1. Non-scalar products: 2^(D−1) − 1 splits plus D − 1 squarings, about d/2 + log2 d
/// (Paterson–Stockmeyer needs O(√d) but more depth). Scalar products cost one level each and sit in the leaves.
/// <para>Scale: with automatic rescaling the result has exactly the input's scale. Each sub-polynomial is evaluated at a
/// target scale chosen so that the product with its giant step, rescaled by the prime it drops, lands on the parent's
/// target (target_high = target·q_ℓ / scale(x^(2^(D−1)))), and each leaf encodes c₁ at q_ℓ·target/scale(x) — the
/// target-scale recursion of Bossuat et al., "Efficient bootstrapping for approximate HE with non-sparse keys"
/// (EUROCRYPT 2021, §6.2; Lattigo's polynomial evaluator). Without it the scale of x^(2^i) drifts by
/// Π (Δ/q)^(2^(i−j)) whenever the primes are not exactly the scale, and chained polynomial activations compound the drift
/// (a second degree-15 layer multiplied an error of 2^0.7 into 2^10.5 and overflowed the last prime).</para>
/// </remarks>
internal static class PolynomialEvaluator
{
    public static CkksVector Evaluate(CkksVector x, IReadOnlyList<double> coefficients)
    {
        var chunks = new Ciphertext[x.CiphertextCount];
        for (int c = 0; c < chunks.Length; c++)
        {
            chunks[c] = EvaluateCiphertext(x.TensorContext, x.Chunk(c), coefficients);
        }

        return x.With(chunks, x.Length, x.PaddingIsZero);
    }

    public static CkksVector Power(CkksVector x, int exponent)
    {
        var chunks = new Ciphertext[x.CiphertextCount];
        for (int c = 0; c < chunks.Length; c++)
        {
            var powers = new PowerCache(x.TensorContext, x.Chunk(c));
            Ciphertext? result = null;
            // Multiply the factors x^(2^i) of the exponent's bits from the lowest: depth ⌈log2 k⌉.
            for (int bit = 0; (1 << bit) <= exponent; bit++)
            {
                if ((exponent & (1 << bit)) != 0)
                {
                    Ciphertext factor = powers.Get(bit);
                    result = result is null ? factor : x.TensorContext.Multiply(result, factor);
                }
            }

            chunks[c] = result!;
        }

        return x.With(chunks, x.Length, x.PaddingIsZero);
    }

    private static Ciphertext EvaluateCiphertext(TensorContext tc, Ciphertext x, IReadOnlyList<double> coefficients)
    {
        int degree = coefficients.Count - 1;
        if (degree == 0)
        {
            // A constant: c₀ in every slot at x's level and scale.
            Ciphertext zero = tc.MultiplyScalar(x, 0);
            return tc.Evaluator.AddPlain(zero, tc.Encoder.Encode(coefficients[0], zero.Scale, zero.Level));
        }

        int depth = System.Numerics.BitOperations.Log2((uint)degree) + 1;
        var powers = new PowerCache(tc, x);
        Term term = Recurse(tc, powers, coefficients.ToArray(), depth, tc.AutoRescale ? x.Scale : null);
        return term.Cipher!;
    }

    // Σ_{j < 2^depth} c_j x^j as a ciphertext at depth ≤ `depth`, at exactly scale `target` when one is given (automatic
    // rescaling), or a constant when only c₀ is nonzero.
    private static Term Recurse(TensorContext tc, PowerCache powers, ReadOnlySpan<double> c, int depth, double? target)
    {
        int length = Math.Min(c.Length, 1 << depth);
        c = c[..length];
        if (!HasNonConstant(c))
        {
            return new Term(length > 0 ? c[0] : 0, null);
        }

        if (depth == 1)
        {
            // c₀ + c₁·x.
            Ciphertext product = ScalarProduct(tc, powers.Get(0), c[1], target);
            return new Term(0, AddConstant(tc, product, c[0]));
        }

        int half = 1 << (depth - 1);
        Term low = Recurse(tc, powers, c[..Math.Min(half, length)], depth - 1, target);
        Ciphertext? result = null;
        if (length > half)
        {
            // The high part sits at depth ≤ D − 1, so at or above the giant step's level: their product is rescaled by the
            // prime at the giant step's level.
            Ciphertext giant = powers.Get(depth - 1);
            double? highTarget = target * tc.Context.CoeffModulus[giant.Level] / giant.Scale;
            Term high = Recurse(tc, powers, c[half..], depth - 1, highTarget);
            if (high.Cipher is null)
            {
                result = ScalarProduct(tc, giant, high.Constant, target);
            }
            else
            {
                result = tc.Multiply(high.Cipher, giant);
                if (target is double t)
                {
                    result.Scale = t; // equal up to the rounding of the double products above
                }
            }
        }

        if (result is null)
        {
            return low;
        }

        return new Term(0, low.Cipher is null ? AddConstant(tc, result, low.Constant) : tc.Add(result, low.Cipher));
    }

    /// <summary>a·c, at exactly <paramref name="target"/> when given: c encoded at q_ℓ·target/scale(a), then rescaled by q_ℓ.</summary>
    private static Ciphertext ScalarProduct(TensorContext tc, Ciphertext a, double c, double? target)
    {
        if (target is not double t)
        {
            return tc.MultiplyScalar(a, c);
        }

        tc.RequireLevels(a.Level, 1, "A scalar product");
        Plaintext p = tc.Encoder.Encode(c, tc.Context.CoeffModulus[a.Level] * t / a.Scale, a.Level);
        Ciphertext product = tc.Evaluator.RescaleToNext(tc.Evaluator.MultiplyPlain(a, p));
        product.Scale = t;
        return product;
    }

    private static Ciphertext AddConstant(TensorContext tc, Ciphertext a, double constant)
        => constant == 0 ? a : tc.Evaluator.AddPlain(a, tc.Encoder.Encode(constant, a.Scale, a.Level));

    private static bool HasNonConstant(ReadOnlySpan<double> c)
    {
        for (int i = 1; i < c.Length; i++)
        {
            if (c[i] != 0)
            {
                return true;
            }
        }

        return false;
    }

    private readonly record struct Term(double Constant, Ciphertext? Cipher);

    /// <summary>x^(2^i) by repeated squaring, computed on first use.</summary>
    private sealed class PowerCache(TensorContext tc, Ciphertext x)
    {
        private readonly List<Ciphertext> _powers = [x];

        public Ciphertext Get(int i)
        {
            while (_powers.Count <= i)
            {
                _powers.Add(tc.Multiply(_powers[^1], _powers[^1]));
            }

            return _powers[i];
        }
    }
}
