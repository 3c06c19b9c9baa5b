using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Rings;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Ckks;

public sealed partial class Evaluator
{
    /// <summary>Returns a·b without relinearization (size a.Size + b.Size − 1, scale a.Scale·b.Scale).</summary>
    /// <exception cref="ArgumentException">Different contexts or levels, or the product's scale does not fit the modulus.</exception>
    public Ciphertext Multiply(Ciphertext a, Ciphertext b)
    {
        CheckCiphertext(a, nameof(a));
        CheckCiphertext(b, nameof(b));
        CheckSameLevel(a.Level, b.Level, nameof(b));
        double scale = ProductScale(a.Scale, b.Scale, a.Level);
        int n = _context.N, limbs = a.LimbCount, size = a.Size + b.Size - 1;
        var result = new Ciphertext(_context, size, a.Level, scale, zeroed: false);
        Parallelism.For(limbs, n * size, i =>
        {
            Modulus q = _context.KeyModuli[i];
            for (int k = 0; k < size; k++)
            {
                Span<ulong> d = result.Limb(k, i);
                bool first = true;
                for (int x = Math.Max(0, k - b.Size + 1); x <= Math.Min(k, a.Size - 1); x++)
                {
                    if (first)
                    {
                        PolyArith.Multiply(a.Limb(x, i), b.Limb(k - x, i), q, d);
                        first = false;
                    }
                    else
                    {
                        PolyArith.MultiplyAdd(a.Limb(x, i), b.Limb(k - x, i), q, d);
                    }
                }
            }
        });
        return result;
    }

    /// <summary>a ← a·b without relinearization (for two ciphertexts of size 2 in a's own buffer, when it has room).</summary>
    /// <exception cref="ArgumentException">Different contexts or levels, or the product's scale does not fit the modulus.</exception>
    public void MultiplyInplace(Ciphertext a, Ciphertext b)
    {
        CheckCiphertext(a, nameof(a));
        CheckCiphertext(b, nameof(b));
        if (ReferenceEquals(a, b))
        {
            SquareInplace(a);
            return;
        }

        CheckSameLevel(a.Level, b.Level, nameof(b));
        if (a.Size != 2 || b.Size != 2)
        {
            a.Assign(Multiply(a, b));
            return;
        }

        double scale = ProductScale(a.Scale, b.Scale, a.Level);
        int n = _context.N, limbs = a.LimbCount;
        a.Grow(3);
        // (a₀, a₁)·(b₀, b₁) = (a₀b₀, a₀b₁ + a₁b₀, a₁b₁), written over a limb by limb in the order that reads each word first.
        Parallelism.For(limbs, 3 * n, i =>
        {
            Modulus q = _context.KeyModuli[i];
            Span<ulong> a0 = a.Limb(0, i), a1 = a.Limb(1, i);
            ReadOnlySpan<ulong> b0 = b.Limb(0, i), b1 = b.Limb(1, i);
            PolyArith.Multiply(a1, b1, q, a.Limb(2, i));
            PolyArith.Multiply(a1, b0, q, a1);
            PolyArith.MultiplyAdd(a0, b1, q, a1);
            PolyArith.Multiply(a0, b0, q, a0);
        });
        a.SetScale(scale);
    }

    /// <summary>Returns a² without relinearization (size 3 for a size-2 input).</summary>
    /// <exception cref="ArgumentException">The square's scale does not fit the modulus.</exception>
    public Ciphertext Square(Ciphertext a)
    {
        CheckCiphertext(a, nameof(a));
        if (a.Size != 2)
        {
            return Multiply(a, a);
        }

        double scale = ProductScale(a.Scale, a.Scale, a.Level);
        int n = _context.N, limbs = a.LimbCount;
        var result = new Ciphertext(_context, 3, a.Level, scale, zeroed: false);
        Parallelism.For(limbs, 3 * n, i =>
        {
            PolyArith.Square(a.Limb(0, i), a.Limb(1, i), _context.KeyModuli[i], result.Limb(0, i), result.Limb(1, i), result.Limb(2, i));
        });
        return result;
    }

    /// <summary>a ← a² without relinearization (for a size-2 ciphertext in its own buffer when it has room).</summary>
    /// <exception cref="ArgumentException">The square's scale does not fit the modulus.</exception>
    public void SquareInplace(Ciphertext a)
    {
        CheckCiphertext(a, nameof(a));
        if (a.Size != 2)
        {
            a.Assign(Multiply(a, a));
            return;
        }

        double scale = ProductScale(a.Scale, a.Scale, a.Level);
        int n = _context.N, limbs = a.LimbCount;
        a.Grow(3);
        // (c₀, c₁)² = (c₀², 2c₀c₁, c₁²) in one pass per limb, each word read before its index is written.
        Parallelism.For(limbs, 3 * n, i =>
        {
            Span<ulong> c0 = a.Limb(0, i), c1 = a.Limb(1, i);
            PolyArith.Square(c0, c1, _context.KeyModuli[i], c0, c1, a.Limb(2, i));
        });
        a.SetScale(scale);
    }

    /// <summary>Returns a·p (scale a.Scale·p.Scale).</summary>
    /// <exception cref="ArgumentException">Different contexts or levels, or the product's scale does not fit the modulus.</exception>
    public Ciphertext MultiplyPlain(Ciphertext a, Plaintext p) => MultiplyPlain(a, p, destination: null);

    /// <summary>a ← a·p.</summary>
    /// <exception cref="ArgumentException">Different contexts or levels, or the product's scale does not fit the modulus.</exception>
    public void MultiplyPlainInplace(Ciphertext a, Plaintext p) => MultiplyPlain(a, p, destination: a);

    private Ciphertext MultiplyPlain(Ciphertext a, Plaintext p, Ciphertext? destination)
    {
        CheckCiphertext(a, nameof(a));
        CheckPlaintext(p, nameof(p));
        CheckSameLevel(a.Level, p.Level, nameof(p));
        double scale = ProductScale(a.Scale, p.Scale, a.Level);
        int n = _context.N, limbs = a.LimbCount;
        Ciphertext d = destination ?? new Ciphertext(_context, a.Size, a.Level, scale, zeroed: false);
        Parallelism.For(a.Size * limbs, n, k =>
        {
            int i = k % limbs;
            PolyArith.Multiply(a.Data.AsSpan(k * n, n), p.Limb(i), _context.KeyModuli[i], d.Data.AsSpan(k * n, n));
        });
        d.Scale = scale;
        d.Seed = null;
        return d;
    }

    /// <summary>Returns the relinearization of a size-3 ciphertext: (c₀, c₁) + KeySwitch(c₂: s² → s).</summary>
    /// <exception cref="ArgumentException">The ciphertext is not of size 3, or the keys belong to another context.</exception>
    public Ciphertext Relinearize(Ciphertext a, RelinKeys relinKeys)
        => new(_context, 2, a.Level, a.Scale, RelinearizeData(a, relinKeys));

    /// <summary>a ← relinearization of a (size 3 → 2), in a's own buffer.</summary>
    /// <exception cref="ArgumentException">The ciphertext is not of size 3, or the keys belong to another context.</exception>
    public void RelinearizeInplace(Ciphertext a, RelinKeys relinKeys)
    {
        CheckRelinearization(a, relinKeys);
        int polyLength = a.LimbCount * _context.N;
        // The switch reads c₂ (decomposed into scratch first) and adds to (c₀, c₁), which it does not overlap.
        KeySwitching.SwitchKey(_context, a.Data.AsSpan(2 * polyLength, polyLength), a.Level, relinKeys.Key, a.Data.AsMemory(0, 2 * polyLength), accumulatePolys: 2);
        a.Resize(2, a.Level);
    }

    private void CheckRelinearization(Ciphertext a, RelinKeys relinKeys)
    {
        CheckCiphertext(a, nameof(a));
        ArgumentNullException.ThrowIfNull(relinKeys);
        if (!ReferenceEquals(relinKeys.Context, _context))
        {
            throw new ArgumentException("The relinearization keys belong to another context.", nameof(relinKeys));
        }

        CheckSize(a, 3, "Relinearize", nameof(a));
    }

    private ulong[] RelinearizeData(Ciphertext a, RelinKeys relinKeys)
    {
        CheckRelinearization(a, relinKeys);
        int polyLength = a.LimbCount * _context.N;
        ulong[] data = GC.AllocateUninitializedArray<ulong>(2 * polyLength);
        Array.Copy(a.Data, data, 2 * polyLength);
        KeySwitching.SwitchKey(_context, a.Data.AsSpan(2 * polyLength, polyLength), a.Level, relinKeys.Key, data.AsMemory(0, 2 * polyLength), accumulatePolys: 2);
        return data;
    }

    private double ProductScale(double first, double second, int level)
    {
        double scale = first * second;
        int bits = _context.GetCoeffModulusBitCount(level);
        if (Math.Log2(scale) + 1 >= bits)
        {
            throw new ArgumentException($"The product's scale 2^{Math.Log2(scale):F1} does not fit the {bits}-bit coefficient modulus at level {level}; rescale the operands first.");
        }

        return scale;
    }
}
