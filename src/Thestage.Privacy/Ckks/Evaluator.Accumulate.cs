using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Rings;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Ckks;

public sealed partial class Evaluator
{
    /// <summary>
    /// A zero ciphertext of size 2 at <paramref name="level"/> and <paramref name="scale"/>, to accumulate products into
    /// with <see cref="MultiplyPlainAccumulate"/> and <see cref="MultiplyConstantAccumulate"/>.
    /// </summary>
    internal Ciphertext CreateAccumulator(int level, double scale) => new(_context, 2, level, scale);

    /// <summary>accumulator += a·p without a temporary ciphertext (the inner loop of linear transforms).</summary>
    internal void MultiplyPlainAccumulate(Ciphertext accumulator, Ciphertext a, Plaintext p)
    {
        CheckAccumulation(accumulator, a, p.Level, a.Scale * p.Scale);
        int n = _context.N, limbs = a.LimbCount;
        Parallelism.For(limbs, 2 * n, i =>
        {
            Modulus q = _context.KeyModuli[i];
            ReadOnlySpan<ulong> pi = p.Limb(i);
            PolyArith.MultiplyAdd(a.Limb(0, i), pi, q, accumulator.Limb(0, i));
            PolyArith.MultiplyAdd(a.Limb(1, i), pi, q, accumulator.Limb(1, i));
        });
        accumulator.Seed = null;
    }

    /// <summary>
    /// accumulator += a·round(c·constantScale), the constant taken modulo each prime (one Shoup product per
    /// coefficient, no plaintext): the inner loop of batch-packed linear layers.
    /// </summary>
    /// <exception cref="ArgumentException">|c·constantScale| ≥ 2^62.</exception>
    internal void MultiplyConstantAccumulate(Ciphertext accumulator, Ciphertext a, double c, double constantScale)
    {
        CheckAccumulation(accumulator, a, a.Level, a.Scale * constantScale);
        double rounded = Math.Round(c * constantScale);
        if (!(Math.Abs(rounded) < 4.6e18))
        {
            throw new ArgumentException($"The constant {c} at scale 2^{Math.Log2(constantScale):F1} exceeds 62 bits.", nameof(c));
        }

        long value = (long)rounded;
        if (value == 0)
        {
            return;
        }

        int n = _context.N, limbs = a.LimbCount;
        Parallelism.For(limbs, 2 * n, i =>
        {
            Modulus q = _context.KeyModuli[i];
            var w = new MultiplyOperand(ModArith.FromSigned(value, q), q.Value);
            PolyArith.MultiplyScalarAdd(a.Limb(0, i), w, q.Value, accumulator.Limb(0, i));
            PolyArith.MultiplyScalarAdd(a.Limb(1, i), w, q.Value, accumulator.Limb(1, i));
        });
        accumulator.Seed = null;
    }

    private void CheckAccumulation(Ciphertext accumulator, Ciphertext a, int level, double scale)
    {
        CheckCiphertext(accumulator, nameof(accumulator));
        CheckCiphertext(a, nameof(a));
        CheckSize(a, 2, "Accumulation", nameof(a));
        CheckSize(accumulator, 2, "Accumulation", nameof(accumulator));
        CheckSameLevel(accumulator.Level, a.Level, nameof(a));
        CheckSameLevel(a.Level, level, "plaintext");
        CheckSameScale(accumulator.Scale, scale, nameof(a));
    }
}
