using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tensors;

/// <summary>
/// What encrypted tensors need to compute: the CKKS context, encoder and evaluator, the default scale, and the
/// evaluation keys (relinearization and Galois). It holds no secret key, so a server can own one.
/// </summary>
/// <remarks>
/// Levels and scales are managed here for every tensor operation: ciphertext products are relinearized and
/// rescaled automatically (<see cref="AutoRelinearize"/>, <see cref="AutoRescale"/>), plaintext factors are
/// encoded at the scale of the prime that the following rescale drops so that the ciphertext's scale is
/// preserved exactly, and before an addition the operand at the higher level is brought down to the other's
/// level and scale with one exact constant multiplication (or a plain modulus switch when the scales already
/// agree). Operands at the same level with different scales (relative difference above
/// <see cref="Evaluator.ScaleTolerance"/>) both spend one level to align exactly, or raise
/// <see cref="DepthExhaustedException"/> at level 0: a scale is never relabelled. Thread-safe when the flags are
/// not changed concurrently.
/// </remarks>
public sealed class TensorContext
{
    /// <summary>Creates a tensor context.</summary>
    /// <param name="context">The CKKS context.</param>
    /// <param name="scale">The scale of freshly encoded data, for example 2^40.</param>
    /// <param name="relinKeys">Relinearization keys (needed for ciphertext × ciphertext products).</param>
    /// <param name="galoisKeys">Galois keys for the rotation steps the planned operations need (see <see cref="RotationPlan"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">The scale is not positive or too large.</exception>
    public TensorContext(CkksContext context, double scale, RelinKeys? relinKeys = null, GaloisKeys? galoisKeys = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!(scale > 1) || Math.Log2(scale) + 1 >= context.GetCoeffModulusBitCount(context.MaxLevel))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must exceed 1 and fit the coefficient modulus.");
        }

        Context = context;
        Scale = scale;
        RelinKeys = relinKeys;
        GaloisKeys = galoisKeys;
        Encoder = new CkksEncoder(context);
        Evaluator = new Evaluator(context);
    }

    /// <summary>The CKKS context.</summary>
    public CkksContext Context { get; }

    /// <summary>The encoder.</summary>
    public CkksEncoder Encoder { get; }

    /// <summary>The evaluator.</summary>
    public Evaluator Evaluator { get; }

    /// <summary>The scale of freshly encoded data.</summary>
    public double Scale { get; }

    /// <summary>Relinearization keys, if any.</summary>
    public RelinKeys? RelinKeys { get; }

    /// <summary>Galois keys, if any.</summary>
    public GaloisKeys? GaloisKeys { get; }

    /// <summary>Relinearize after every ciphertext product (default true).</summary>
    public bool AutoRelinearize { get; set; } = true;

    /// <summary>Rescale after every product (default true).</summary>
    public bool AutoRescale { get; set; } = true;

    /// <summary>The number of slots of one ciphertext.</summary>
    public int SlotCount => Context.SlotCount;

    /// <summary>a·b with level alignment, relinearization and rescaling as configured.</summary>
    internal Ciphertext Multiply(Ciphertext a, Ciphertext b)
    {
        int level = Math.Min(a.Level, b.Level);
        RequireLevels(level, 1, "A ciphertext product");
        Ciphertext x = DownTo(a, level), y = DownTo(b, level);
        Ciphertext product = ReferenceEquals(a, b) ? Evaluator.Square(x) : Evaluator.Multiply(x, y);
        return Finish(product);
    }

    /// <summary>Relinearizes and rescales a fresh product as configured.</summary>
    internal Ciphertext Finish(Ciphertext product)
    {
        if (AutoRelinearize && product.Size == 3)
        {
            Evaluator.RelinearizeInplace(product, RequireRelinKeys());
        }

        if (AutoRescale)
        {
            Evaluator.RescaleToNextInplace(product);
        }

        return product;
    }

    /// <summary>The scale at which a plaintext factor is encoded at <paramref name="level"/>: q_ℓ when rescaling follows, so that a·p keeps a's scale exactly.</summary>
    internal double PlainFactorScale(int level) => AutoRescale ? Context.CoeffModulus[level] : Scale;

    /// <summary>a·p for values encoded as a plaintext factor at a's level.</summary>
    internal Ciphertext MultiplyPlain(Ciphertext a, ReadOnlySpan<double> slots)
    {
        RequireLevels(a.Level, AutoRescale ? 1 : 0, "A plaintext product");
        Plaintext p = Encoder.Encode(slots, PlainFactorScale(a.Level), a.Level);
        Ciphertext product = Evaluator.MultiplyPlain(a, p);
        return AutoRescale ? Evaluator.RescaleToNext(product) : product;
    }

    /// <summary>a·c for a scalar c.</summary>
    internal Ciphertext MultiplyScalar(Ciphertext a, double c)
    {
        RequireLevels(a.Level, AutoRescale ? 1 : 0, "A scalar product");
        Plaintext p = Encoder.Encode(c, PlainFactorScale(a.Level), a.Level);
        Ciphertext product = Evaluator.MultiplyPlain(a, p);
        return AutoRescale ? Evaluator.RescaleToNext(product) : product;
    }

    /// <summary>a + b (or a − b) after bringing both to the lower level and a common scale.</summary>
    internal Ciphertext Add(Ciphertext a, Ciphertext b, bool subtract = false)
    {
        (Ciphertext x, Ciphertext y) = Align(a, b);
        return subtract ? Evaluator.Sub(x, y) : Evaluator.Add(x, y);
    }

    /// <summary>Brings two ciphertexts to the same level and scale (see the class remarks).</summary>
    /// <exception cref="DepthExhaustedException">Both are at level 0 with different scales: no level is left to align them.</exception>
    internal (Ciphertext, Ciphertext) Align(Ciphertext a, Ciphertext b)
    {
        if (a.Level == b.Level)
        {
            if (SameScale(a.Scale, b.Scale))
            {
                return (a, b);
            }

            // Same level, different scales (different rescale histories, e.g. x² against x·w, whose scales differ by
            // Δ/q_ℓ ≈ 1 ± 2^-20). Relabelling one would scale its values by the ratio — an error as large as the
            // mismatch — so b is brought to a's scale by one exact constant multiplication and rescale, and a is
            // mod-switched beside it: both spend one level.
            RequireLevels(a.Level, 1, $"Adding ciphertexts at level {a.Level} with scales 2^{Math.Log2(a.Scale):F6} and 2^{Math.Log2(b.Scale):F6} (aligning them exactly)");
            return (DownTo(a, a.Level - 1), BringTo(b, a.Level - 1, a.Scale));
        }

        return a.Level > b.Level ? (BringTo(a, b.Level, b.Scale), b) : (a, BringTo(b, a.Level, a.Scale));
    }

    /// <summary>a at <paramref name="level"/> (below or at a's) with exactly <paramref name="scale"/>.</summary>
    internal Ciphertext BringTo(Ciphertext a, int level, double scale)
    {
        if (SameScale(a.Scale, scale))
        {
            return DownTo(a, level);
        }

        System.Diagnostics.Debug.Assert(level < a.Level, "A change of scale needs a rescale, so a level below a's.");

        // Multiply by 1 encoded at scale q_ℓ·scale/a.Scale, then rescale by q_ℓ: the scale becomes `scale`.
        double factorScale = Context.CoeffModulus[a.Level] * scale / a.Scale;
        Plaintext one = Encoder.Encode(1.0, factorScale, a.Level);
        Ciphertext c = Evaluator.RescaleToNext(Evaluator.MultiplyPlain(a, one));
        c.Scale = scale;
        return DownTo(c, level);
    }

    /// <summary>a mod-switched down to <paramref name="level"/>.</summary>
    internal Ciphertext DownTo(Ciphertext a, int level) => a.Level == level ? a : Evaluator.ModSwitchTo(a, level);

    internal void RequireLevels(int level, int needed, string operation)
    {
        if (level < needed)
        {
            throw new DepthExhaustedException(needed, level, operation);
        }
    }

    internal RelinKeys RequireRelinKeys()
        => RelinKeys ?? throw new InvalidOperationException("This tensor context has no relinearization keys: pass them to the TensorContext constructor, or turn AutoRelinearize off.");

    internal GaloisKeys RequireGaloisKeys()
        => GaloisKeys ?? throw new InvalidOperationException("This operation rotates slots but the tensor context has no Galois keys: create them for the steps of a RotationPlan.");

    internal Ciphertext Rotate(Ciphertext a, int steps) => steps == 0 ? a : Evaluator.RotateVector(a, steps, RequireGaloisKeys());

    private static bool SameScale(double a, double b) => Math.Abs(a - b) <= Evaluator.ScaleTolerance * Math.Max(a, b);
}
