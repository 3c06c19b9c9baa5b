namespace Thestage.Privacy.Rlwe;

/// <summary>
/// An RLWE ciphertext (c₀, c₁, …, c_(k−1)) modulo q₀·…·q_ℓ in NTT form, decrypting to
/// c₀ + c₁·s + … + c_(k−1)·s^(k−1); fresh ciphertexts have size 2, products size 3.
/// </summary>
public sealed class Ciphertext
{
    private double _scale;

    /// <param name="context">The context.</param>
    /// <param name="size">The number of polynomials.</param>
    /// <param name="level">The data level.</param>
    /// <param name="scale">The scale.</param>
    /// <param name="zeroed">False when the caller overwrites every coefficient: skips clearing the buffer.</param>
    internal Ciphertext(RlweContext context, int size, int level, double scale, bool zeroed = true)
    {
        Context = context;
        Size = size;
        Level = level;
        _scale = scale;
        int length = size * (level + 1) * context.N;
        Data = zeroed ? new ulong[length] : GC.AllocateUninitializedArray<ulong>(length);
    }

    /// <summary>Wraps <paramref name="data"/> (size × (level + 1) × N words, NTT form) without copying.</summary>
    internal Ciphertext(RlweContext context, int size, int level, double scale, ulong[] data)
    {
        System.Diagnostics.Debug.Assert(data.Length == size * (level + 1) * context.N);
        Context = context;
        Size = size;
        Level = level;
        _scale = scale;
        Data = data;
    }

    /// <summary>Creates a deep copy of <paramref name="other"/>.</summary>
    /// <param name="other">The ciphertext to copy.</param>
    public Ciphertext(Ciphertext other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Context = other.Context;
        Size = other.Size;
        Level = other.Level;
        _scale = other._scale;
        Data = other.Data.AsSpan(0, other.Length).ToArray();
        Seed = other.Seed is null ? null : (byte[])other.Seed.Clone();
    }

    /// <summary>The number of polynomials: 2 for a fresh ciphertext, 3 after a multiplication.</summary>
    public int Size { get; private set; }

    /// <summary>The data level ℓ: each polynomial has ℓ + 1 RNS limbs.</summary>
    public int Level { get; private set; }

    /// <summary>The number of primes in this ciphertext's modulus, <see cref="Level"/> + 1.</summary>
    public int CoeffModulusCount => Level + 1;

    /// <summary>The polynomial modulus degree N.</summary>
    public int PolyModulusDegree => Context.N;

    /// <summary>
    /// The scale Δ: the ciphertext encrypts Δ·m. It may be set to realign scales that differ only by
    /// rounding (for example after rescaling by a prime close to, but not equal to, Δ), as in SEAL.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The value is outside [1, 2^b), b the bit count of the modulus at this ciphertext's level (the range every loader
    /// and the decoder accept).
    /// </exception>
    public double Scale
    {
        get => _scale;
        set
        {
            string? error = Context.FindScaleError(value, Level);
            if (error is not null)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, error);
            }

            _scale = value;
        }
    }

    internal RlweContext Context { get; }

    /// <summary>
    /// Polynomial-major, then limb-major RNS data in NTT form: the first <see cref="Length"/> words; the array may be longer
    /// (capacity left by an in-place operation that shrank the ciphertext, reused when it grows again).
    /// </summary>
    internal ulong[] Data { get; private set; }

    /// <summary>The number of words in use: Size × (Level + 1) × N.</summary>
    internal int Length => Size * LimbCount * Context.N;

    /// <summary>
    /// For a fresh symmetric encryption: the seed from which c₁ can be re-expanded, so that it can be
    /// stored as 32 bytes. Cleared by any operation that changes c₁.
    /// </summary>
    internal byte[]? Seed { get; set; }

    internal int LimbCount => Level + 1;

    internal Span<ulong> Poly(int p) => Data.AsSpan(p * LimbCount * Context.N, LimbCount * Context.N);

    internal Span<ulong> Limb(int p, int i) => Data.AsSpan((p * LimbCount + i) * Context.N, Context.N);

    /// <summary>
    /// Sets a new shape; the buffer is kept when it holds the new length (its words then keep their values, which
    /// in-place operations rely on), otherwise replaced by a new one whose content is undefined.
    /// </summary>
    internal void Resize(int size, int level)
    {
        int length = size * (level + 1) * Context.N;
        if (length > Data.Length)
        {
            Data = GC.AllocateUninitializedArray<ulong>(length);
        }

        Size = size;
        Level = level;
        Seed = null;
    }

    /// <summary>Grows to <paramref name="size"/> polynomials at the same level, keeping the words in use (moved to a larger buffer when needed).</summary>
    internal void Grow(int size)
    {
        int length = size * LimbCount * Context.N;
        if (length > Data.Length)
        {
            ulong[] data = GC.AllocateUninitializedArray<ulong>(length);
            Data.AsSpan(0, Length).CopyTo(data);
            Data = data;
        }

        Size = size;
        Seed = null;
    }

    /// <summary>Sets the scale without the range check of <see cref="Scale"/> (for results the evaluator computed).</summary>
    internal void SetScale(double scale) => _scale = scale;

    /// <summary>Takes over <paramref name="data"/> as the content, of the given shape (no copy).</summary>
    internal void Replace(ulong[] data, int size, int level)
    {
        System.Diagnostics.Debug.Assert(data.Length >= size * (level + 1) * Context.N);
        Data = data;
        Size = size;
        Level = level;
        Seed = null;
    }

    /// <summary>Takes over another ciphertext's content (no copy).</summary>
    internal void Assign(Ciphertext other)
    {
        Data = other.Data;
        Size = other.Size;
        Level = other.Level;
        _scale = other._scale;
        Seed = other.Seed;
    }
}
