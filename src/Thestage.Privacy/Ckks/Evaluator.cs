using Thestage.Privacy.Rings;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Ckks;

/// <summary>
/// Homomorphic operations on CKKS ciphertexts (SEAL <c>Evaluator</c>): addition, multiplication,
/// relinearization, rescaling, modulus switching, rotation and conjugation. Each operation has a form that
/// returns a new ciphertext and an <c>…Inplace</c> form that overwrites its first operand.
/// </summary>
/// <remarks>
/// Stateless and thread-safe; RNS limbs are processed in parallel when the work is large enough.
/// Operands must come from this evaluator's context, be at the same level, and (for additions) have the
/// same scale up to a relative difference of 10⁻¹⁰; otherwise an <see cref="ArgumentException"/> names both.
/// </remarks>
public sealed partial class Evaluator
{
    /// <summary>The relative tolerance under which two scales count as equal.</summary>
    public const double ScaleTolerance = 1e-10;

    private readonly CkksContext _context;

    /// <summary>Creates an evaluator for <paramref name="context"/>.</summary>
    /// <param name="context">The context.</param>
    public Evaluator(CkksContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
    }

    /// <summary>Returns a + b.</summary>
    /// <exception cref="ArgumentException">Different contexts, levels or scales.</exception>
    public Ciphertext Add(Ciphertext a, Ciphertext b) => AddSub(a, b, destination: null, subtract: false);

    /// <summary>a ← a + b.</summary>
    /// <exception cref="ArgumentException">Different contexts, levels or scales.</exception>
    public void AddInplace(Ciphertext a, Ciphertext b) => AddSub(a, b, destination: a, subtract: false);

    /// <summary>Returns a − b.</summary>
    /// <exception cref="ArgumentException">Different contexts, levels or scales.</exception>
    public Ciphertext Sub(Ciphertext a, Ciphertext b) => AddSub(a, b, destination: null, subtract: true);

    /// <summary>a ← a − b.</summary>
    /// <exception cref="ArgumentException">Different contexts, levels or scales.</exception>
    public void SubInplace(Ciphertext a, Ciphertext b) => AddSub(a, b, destination: a, subtract: true);

    /// <summary>Returns −a.</summary>
    public Ciphertext Negate(Ciphertext a)
    {
        CheckCiphertext(a, nameof(a));
        var result = new Ciphertext(_context, a.Size, a.Level, a.Scale, zeroed: false);
        NegateInto(a, result);
        return result;
    }

    /// <summary>a ← −a.</summary>
    public void NegateInplace(Ciphertext a)
    {
        CheckCiphertext(a, nameof(a));
        NegateInto(a, a);
        a.Seed = null;
    }

    /// <summary>Returns a + p.</summary>
    /// <exception cref="ArgumentException">Different contexts, levels or scales.</exception>
    public Ciphertext AddPlain(Ciphertext a, Plaintext p) => AddSubPlain(a, p, destination: null, subtract: false);

    /// <summary>a ← a + p.</summary>
    /// <exception cref="ArgumentException">Different contexts, levels or scales.</exception>
    public void AddPlainInplace(Ciphertext a, Plaintext p) => AddSubPlain(a, p, destination: a, subtract: false);

    /// <summary>Returns a − p.</summary>
    /// <exception cref="ArgumentException">Different contexts, levels or scales.</exception>
    public Ciphertext SubPlain(Ciphertext a, Plaintext p) => AddSubPlain(a, p, destination: null, subtract: true);

    /// <summary>a ← a − p.</summary>
    /// <exception cref="ArgumentException">Different contexts, levels or scales.</exception>
    public void SubPlainInplace(Ciphertext a, Plaintext p) => AddSubPlain(a, p, destination: a, subtract: true);

    private void NegateInto(Ciphertext a, Ciphertext destination)
    {
        int n = _context.N, limbs = a.LimbCount;
        Parallelism.For(a.Size * limbs, n, k =>
        {
            ulong q = _context.KeyModuli[k % limbs].Value;
            PolyArith.Negate(a.Data.AsSpan(k * n, n), q, destination.Data.AsSpan(k * n, n));
        });
    }

    // destination null: a new ciphertext. destination == a: in place (grown first when b is larger).
    private Ciphertext AddSub(Ciphertext a, Ciphertext b, Ciphertext? destination, bool subtract)
    {
        CheckCiphertext(a, nameof(a));
        CheckCiphertext(b, nameof(b));
        CheckSameLevel(a.Level, b.Level, nameof(b));
        CheckSameScale(a.Scale, b.Scale, nameof(b));
        int n = _context.N, limbs = a.LimbCount, size = Math.Max(a.Size, b.Size), common = Math.Min(a.Size, b.Size);
        Ciphertext first = a;
        if (destination is null)
        {
            destination = new Ciphertext(_context, size, a.Level, a.Scale, zeroed: false);
        }
        else if (b.Size > a.Size)
        {
            first = new Ciphertext(a);
            destination.Resize(size, a.Level);
        }

        Ciphertext d = destination, x = first;
        Parallelism.For(size * limbs, n, k =>
        {
            ulong q = _context.KeyModuli[k % limbs].Value;
            int poly = k / limbs;
            Span<ulong> target = d.Data.AsSpan(k * n, n);
            if (poly < common)
            {
                ReadOnlySpan<ulong> u = x.Data.AsSpan(k * n, n), v = b.Data.AsSpan(k * n, n);
                if (subtract)
                {
                    PolyArith.Sub(u, v, q, target);
                }
                else
                {
                    PolyArith.Add(u, v, q, target);
                }
            }
            else if (poly < x.Size)
            {
                x.Data.AsSpan(k * n, n).CopyTo(target);
            }
            else if (subtract)
            {
                PolyArith.Negate(b.Data.AsSpan(k * n, n), q, target);
            }
            else
            {
                b.Data.AsSpan(k * n, n).CopyTo(target);
            }
        });
        destination.Seed = null;
        return destination;
    }

    private Ciphertext AddSubPlain(Ciphertext a, Plaintext p, Ciphertext? destination, bool subtract)
    {
        CheckCiphertext(a, nameof(a));
        CheckPlaintext(p, nameof(p));
        CheckSameLevel(a.Level, p.Level, nameof(p));
        CheckSameScale(a.Scale, p.Scale, nameof(p));
        int n = _context.N, limbs = a.LimbCount;
        Ciphertext d = destination ?? new Ciphertext(_context, a.Size, a.Level, a.Scale, zeroed: false);
        Parallelism.For(a.Size * limbs, n, k =>
        {
            ulong q = _context.KeyModuli[k % limbs].Value;
            Span<ulong> target = d.Data.AsSpan(k * n, n);
            ReadOnlySpan<ulong> u = a.Data.AsSpan(k * n, n);
            if (k >= limbs)
            {
                if (!ReferenceEquals(d, a))
                {
                    u.CopyTo(target);
                }
            }
            else if (subtract)
            {
                PolyArith.Sub(u, p.Limb(k), q, target);
            }
            else
            {
                PolyArith.Add(u, p.Limb(k), q, target);
            }
        });
        return d;
    }

    private Ciphertext CheckCiphertext(Ciphertext c, string name)
    {
        ArgumentNullException.ThrowIfNull(c, name);
        if (!ReferenceEquals(c.Context, _context))
        {
            throw new ArgumentException("The ciphertext belongs to another context than this evaluator's.", name);
        }

        return c;
    }

    private void CheckPlaintext(Plaintext p, string name)
    {
        ArgumentNullException.ThrowIfNull(p, name);
        if (!ReferenceEquals(p.Context, _context))
        {
            throw new ArgumentException("The plaintext belongs to another context than this evaluator's.", name);
        }
    }

    private static void CheckSameLevel(int first, int second, string name)
    {
        if (first != second)
        {
            throw new ArgumentException(
                $"The operands are at different levels: the first at level {first}, {name} at level {second}. Bring the higher one down with ModSwitchToNext (or RescaleToNext).",
                name);
        }
    }

    private static void CheckSameScale(double first, double second, string name)
    {
        if (Math.Abs(first - second) > ScaleTolerance * Math.Max(first, second))
        {
            throw new ArgumentException(
                $"The operands have different scales: the first 2^{Math.Log2(first):F4}, {name} 2^{Math.Log2(second):F4}. Encode the plaintext at the ciphertext's scale, or set Ciphertext.Scale when the difference is only rounding.",
                name);
        }
    }

    private static void CheckSize(Ciphertext c, int size, string operation, string name)
    {
        if (c.Size != size)
        {
            throw new ArgumentException($"{operation} needs a ciphertext of size {size}; {name} has size {c.Size}.", name);
        }
    }
}
