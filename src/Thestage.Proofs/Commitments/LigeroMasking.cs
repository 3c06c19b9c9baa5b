using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Commitments;

/// <summary>
/// The randomized encoding and the masking rows of a hiding Ligero commitment (<see cref="LigeroParameters.Hiding"/>), and
/// the polynomial arithmetic its openings share. Layout of the committed matrix: the data rows, then per mask set
/// (one, or <see cref="LigeroParameters.OpeningBudget"/> of them) <c>μ_1, μ_2, μ_3</c> (evaluation masks) and <c>R</c>
/// (proximity mask), each extension-valued as two base rows (constant coefficient first). Ligero (Ames, Hazay, Ishai, Venkitasubramaniam, CCS 2017), §4.3 and §5.
/// </summary>
internal static class LigeroMasking
{
    /// <summary>The first masking row of <c>μ_1</c>, relative to the data rows.</summary>
    public const int EvaluationMaskRows = 6;

    /// <summary>
    /// Writes the coefficient rows of a hiding commitment: data row <c>i</c> becomes <c>m̂_i + (X^k − 1)·ρ_i</c> with
    /// <c>ρ_i</c> uniform of degree <c>&lt; T</c>; the masking rows (all rows after the data rows, eight per set) are uniform of
    /// degree <c>&lt; D</c>, then each set's <c>μ_1</c> constant coefficients are adjusted so that <c>Σ_(ζ∈H_k) μ(ζ) = 0</c> componentwise. Randomness is drawn in this
    /// order from <paramref name="random"/>, so a seeded salt source rebuilds the same commitment.
    /// </summary>
    public static void WriteCoefficients(ReadOnlySpan<Goldilocks> table, int rows, int k, int degreeBound, int maskDegree, IUniformWordSource random, Span<Goldilocks> coefficients)
    {
        int d = degreeBound;
        for (int i = 0; i < rows; i++)
        {
            Span<Goldilocks> row = coefficients.Slice(i * d, d);
            table.Slice(i * k, k).CopyTo(row);
            GoldilocksNtt.Inverse(row[..k]);
            row[k..].Clear();
            for (int j = 0; j < maskDegree; j++)
            {
                Goldilocks r = Goldilocks.Sample(random);
                row[j] -= r;
                row[k + j] += r;
            }
        }

        Span<Goldilocks> masks = coefficients[(rows * d)..];
        for (int j = 0; j < masks.Length; j++)
        {
            masks[j] = Goldilocks.Sample(random);
        }

        for (int set = 0; set < masks.Length / (LigeroParameters.HidingMaskRows * d); set++)
        {
            Span<Goldilocks> own = masks.Slice(set * LigeroParameters.HidingMaskRows * d, LigeroParameters.HidingMaskRows * d);
            for (int component = 0; component < LigeroParameters.HidingExtensionDegree; component++)
            {
                Goldilocks sum = Goldilocks.Zero;
                for (int e = 0; e < 2 * d; e += k)
                {
                    sum += MaskCoefficient(own, d, component, e);
                }

                own[component * d] -= sum;
            }
        }
    }

    /// <summary>The coefficient of <c>X^e</c> in component <paramref name="component"/> of <c>μ = μ_1 + X^(D/2) μ_2 + X^D μ_3</c>.</summary>
    public static Goldilocks MaskCoefficient(ReadOnlySpan<Goldilocks> masks, int d, int component, int e)
    {
        Goldilocks value = Goldilocks.Zero;
        for (int part = 0; part < 3; part++)
        {
            int offset = e - (part * d / 2);
            if (offset >= 0 && offset < d)
            {
                value += masks[(((2 * part) + component) * d) + offset];
            }
        }

        return value;
    }

    /// <summary>The coefficients of the product of two extension-valued polynomials (by NTT), the first <paramref name="length"/> written.</summary>
    public static TExt[] Multiply<TExt>(ReadOnlySpan<TExt> left, ReadOnlySpan<TExt> right, int length)
        where TExt : struct, IExtensionField<TExt>
    {
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, left.Length + right.Length - 1));
        Goldilocks[][] a = Components(left, size);
        Goldilocks[][] b = Components(right, size);
        foreach (Goldilocks[] part in a.Concat(b))
        {
            GoldilocksNtt.Forward(part);
        }

        var product = new Goldilocks[TExt.Degree][];
        for (int c = 0; c < TExt.Degree; c++)
        {
            product[c] = new Goldilocks[size];
        }

        Span<Goldilocks> scratch = stackalloc Goldilocks[TExt.Degree];
        for (int i = 0; i < size; i++)
        {
            TExt value = Element<TExt>(a, i, scratch) * Element<TExt>(b, i, scratch);
            for (int c = 0; c < TExt.Degree; c++)
            {
                product[c][i] = value.GetCoefficient(c);
            }
        }

        var result = new TExt[length];
        for (int c = 0; c < TExt.Degree; c++)
        {
            GoldilocksNtt.Inverse(product[c]);
        }

        for (int i = 0; i < Math.Min(size, length); i++)
        {
            result[i] = Element<TExt>(product, i, scratch);
        }

        return result;
    }

    /// <summary>
    /// The values of an extension-valued polynomial (coefficients) at base-field points, one coefficient component at a time
    /// (<see cref="HornerKernels"/>): a verifier evaluates its rows at its queried columns only, not on the whole coset.
    /// </summary>
    public static TExt[] EvaluateAt<TExt>(ReadOnlySpan<TExt> coefficients, ReadOnlySpan<Goldilocks> points)
        where TExt : struct, IExtensionField<TExt>
    {
        if (typeof(TExt) == typeof(GoldilocksExt2))
        {
            // Both components in one pass, straight from the coefficients' memory (two words each, constant component first).
            var both = new TExt[points.Length];
            HornerKernels.EvaluateExt2(MemoryMarshal.Cast<TExt, GoldilocksExt2>(coefficients), points, MemoryMarshal.Cast<TExt, GoldilocksExt2>(both.AsSpan()));
            return both;
        }

        Goldilocks[][] parts = Components(coefficients, coefficients.Length);
        var values = new Goldilocks[TExt.Degree][];
        for (int c = 0; c < values.Length; c++)
        {
            values[c] = new Goldilocks[points.Length];
            HornerKernels.Evaluate(parts[c], points, values[c]);
        }

        var result = new TExt[points.Length];
        Span<Goldilocks> scratch = stackalloc Goldilocks[TExt.Degree];
        for (int j = 0; j < result.Length; j++)
        {
            result[j] = Element<TExt>(values, j, scratch);
        }

        return result;
    }

    /// <summary>The coefficients (on <c>H_k</c>) of the interpolant of extension-valued evaluations.</summary>
    public static TExt[] Interpolate<TExt>(ReadOnlySpan<TExt> evaluations)
        where TExt : struct, IExtensionField<TExt>
    {
        Goldilocks[][] parts = Components(evaluations, evaluations.Length);
        foreach (Goldilocks[] part in parts)
        {
            GoldilocksNtt.Inverse(part);
        }

        var result = new TExt[evaluations.Length];
        Span<Goldilocks> scratch = stackalloc Goldilocks[TExt.Degree];
        for (int j = 0; j < result.Length; j++)
        {
            result[j] = Element<TExt>(parts, j, scratch);
        }

        return result;
    }

    /// <summary><c>Σ_(ζ∈H_k) q(ζ) = k · Σ_(e ≡ 0 mod k) q_e</c> for a polynomial given by its coefficients.</summary>
    public static TExt SumOverSubgroup<TExt>(ReadOnlySpan<TExt> coefficients, int k)
        where TExt : struct, IExtensionField<TExt>
    {
        TExt sum = TExt.Zero;
        for (int e = 0; e < coefficients.Length; e += k)
        {
            sum += coefficients[e];
        }

        return sum.MultiplyByBase(new Goldilocks((ulong)k));
    }

    /// <summary>The extension element whose coefficients are two base-field entries (a masking row pair).</summary>
    public static TExt Pair<TExt>(Goldilocks constant, Goldilocks linear)
        where TExt : struct, IExtensionField<TExt>
    {
        ReadOnlySpan<Goldilocks> coefficients = [constant, linear];
        return TExt.FromCoefficients(coefficients);
    }

    private static Goldilocks[][] Components<TExt>(ReadOnlySpan<TExt> values, int size)
        where TExt : struct, IExtensionField<TExt>
    {
        var parts = new Goldilocks[TExt.Degree][];
        for (int c = 0; c < TExt.Degree; c++)
        {
            parts[c] = new Goldilocks[size];
            for (int i = 0; i < values.Length; i++)
            {
                parts[c][i] = values[i].GetCoefficient(c);
            }
        }

        return parts;
    }

    private static TExt Element<TExt>(Goldilocks[][] parts, int index, Span<Goldilocks> scratch)
        where TExt : struct, IExtensionField<TExt>
    {
        for (int c = 0; c < parts.Length; c++)
        {
            scratch[c] = parts[c][index];
        }

        return TExt.FromCoefficients(scratch);
    }

    /// <summary>Uniform 64-bit words read from a salt source (the CSPRNG, or a seed's stream when a commitment must be rebuilt).</summary>
    public sealed class SaltWords(ISaltSource source) : IUniformWordSource
    {
        private readonly byte[] _buffer = new byte[512];
        private int _position = 512;

        /// <inheritdoc />
        public ulong NextUInt64()
        {
            if (_position == _buffer.Length)
            {
                source.Fill(_buffer);
                _position = 0;
            }

            ulong word = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(_position));
            _position += 8;
            return word;
        }

        /// <summary>Clears the buffered bytes (they determined secret masks).</summary>
        public void Clear() => Array.Clear(_buffer);
    }
}
