using System.Numerics;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tensors;

/// <summary>
/// An encrypted real vector of any length (TenSEAL's <c>CKKSVector</c>). A vector of n ≤ N/2 values lives in
/// one ciphertext, zero-padded to the period P = 2^⌈log2 n⌉ and replicated P-periodically across all slots, so
/// that rotations within the period are cyclic and sums need only log2 P rotations; a longer vector spans
/// ⌈n/(N/2)⌉ ciphertexts of N/2 values each (period N/2).
/// </summary>
/// <remarks>
/// Immutable: every operation returns a new vector. Levels and scales are handled by the
/// <see cref="TensorContext"/>; an operation that needs more levels than remain throws
/// <see cref="DepthExhaustedException"/>. Rotation steps that an operation needs are listed by
/// <see cref="RotationPlan"/>.
/// </remarks>
public sealed partial class CkksVector
{
    private readonly Ciphertext[] _chunks;

    internal CkksVector(TensorContext context, int length, Ciphertext[] chunks, bool paddingIsZero = true)
    {
        TensorContext = context;
        Length = length;
        _chunks = chunks;
        Period = PeriodFor(length, context.SlotCount);
        int padded = length >= context.SlotCount ? chunks.Length * context.SlotCount : Period;
        PaddingIsZero = paddingIsZero || padded == length;
    }

    /// <summary>The tensor context.</summary>
    public TensorContext TensorContext { get; }

    /// <summary>The number of values.</summary>
    public int Length { get; }

    /// <summary>The number of ciphertexts holding the values.</summary>
    public int CiphertextCount => _chunks.Length;

    /// <summary>The replication period of the packing (a power of two; N/2 for multi-ciphertext vectors).</summary>
    public int Period { get; }

    /// <summary>The data level of the ciphertexts (the remaining multiplicative depth).</summary>
    public int Level => _chunks[0].Level;

    /// <summary>The scale of the ciphertexts.</summary>
    public double Scale => _chunks[0].Scale;

    /// <summary>
    /// Whether the slots past the values (up to the period) hold zeros. Adding a constant or evaluating a
    /// polynomial with p(0) ≠ 0 fills them; <see cref="Sum"/> then masks them first, at the cost of one level.
    /// </summary>
    public bool PaddingIsZero { get; }

    /// <summary>The ciphertexts (shared, not copied: do not modify them).</summary>
    public IReadOnlyList<Ciphertext> Ciphertexts => _chunks;

    /// <summary>Encrypts <paramref name="values"/> at the context's scale and top level.</summary>
    /// <param name="context">The tensor context.</param>
    /// <param name="encryptor">A public- or secret-key encryptor of the same CKKS context.</param>
    /// <param name="values">At least one value.</param>
    /// <exception cref="ArgumentException">No values.</exception>
    public static CkksVector Encrypt(TensorContext context, Encryptor encryptor, ReadOnlySpan<double> values)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(encryptor);
        if (values.IsEmpty)
        {
            throw new ArgumentException("A vector needs at least one value.", nameof(values));
        }

        int slots = context.SlotCount;
        int chunks = (values.Length + slots - 1) / slots;
        var cts = new Ciphertext[chunks];
        var buffer = new double[slots];
        for (int c = 0; c < chunks; c++)
        {
            Pack(values.Slice(c * slots, Math.Min(slots, values.Length - c * slots)), PeriodFor(values.Length, slots), buffer);
            cts[c] = encryptor.Encrypt(context.Encoder.Encode(buffer, context.Scale));
        }

        return new CkksVector(context, values.Length, cts);
    }

    /// <summary>
    /// Wraps ciphertexts that hold an n-vector in this type's packing (for example ciphertexts received from a peer):
    /// ⌈n/(N/2)⌉ ciphertexts of size 2 at one level and scale.
    /// </summary>
    /// <param name="context">The tensor context.</param>
    /// <param name="length">n.</param>
    /// <param name="ciphertexts">The ciphertexts, from the same CKKS context.</param>
    /// <exception cref="ArgumentException">The count, sizes, levels, scales or context do not match.</exception>
    public static CkksVector FromCiphertexts(TensorContext context, int length, IReadOnlyList<Ciphertext> ciphertexts)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(ciphertexts);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        int expected = (length + context.SlotCount - 1) / context.SlotCount;
        CheckCiphertexts(context, ciphertexts, expected);
        return new CkksVector(context, length, ciphertexts.ToArray(), paddingIsZero: false);
    }

    internal static void CheckCiphertexts(TensorContext context, IReadOnlyList<Ciphertext> ciphertexts, int expected)
    {
        if (ciphertexts.Count != expected)
        {
            throw new ArgumentException($"{expected} ciphertexts are needed; got {ciphertexts.Count}.", nameof(ciphertexts));
        }

        foreach (Ciphertext c in ciphertexts)
        {
            ArgumentNullException.ThrowIfNull(c, nameof(ciphertexts));
            if (!ReferenceEquals(c.Context, context.Context))
            {
                throw new ArgumentException("A ciphertext belongs to another CKKS context.", nameof(ciphertexts));
            }

            if (c.Size != 2 || c.Level != ciphertexts[0].Level || c.Scale != ciphertexts[0].Scale)
            {
                throw new ArgumentException("The ciphertexts must have size 2 and one level and scale.", nameof(ciphertexts));
            }
        }
    }

    /// <summary>Decrypts the vector.</summary>
    /// <param name="decryptor">A decryptor of the same CKKS context.</param>
    public double[] Decrypt(Decryptor decryptor)
    {
        ArgumentNullException.ThrowIfNull(decryptor);
        var result = new double[Length];
        int slots = TensorContext.SlotCount;
        for (int c = 0; c < _chunks.Length; c++)
        {
            double[] decoded = TensorContext.Encoder.Decode(decryptor.Decrypt(_chunks[c]));
            int count = Math.Min(slots, Length - c * slots);
            decoded.AsSpan(0, count).CopyTo(result.AsSpan(c * slots));
        }

        return result;
    }

    /// <summary>Returns this + other, elementwise.</summary>
    /// <remarks>Operands at different levels meet at the lower one; at the same level with different scales both spend one level to align exactly.</remarks>
    /// <exception cref="ArgumentException">Different lengths or contexts.</exception>
    /// <exception cref="DepthExhaustedException">Both are at level 0 with different scales.</exception>
    public CkksVector Add(CkksVector other) => Zip(other, (a, b) => TensorContext.Add(a, b));

    /// <summary>Returns this − other, elementwise.</summary>
    /// <remarks>Operands at different levels meet at the lower one; at the same level with different scales both spend one level to align exactly.</remarks>
    /// <exception cref="ArgumentException">Different lengths or contexts.</exception>
    /// <exception cref="DepthExhaustedException">Both are at level 0 with different scales.</exception>
    public CkksVector Sub(CkksVector other) => Zip(other, (a, b) => TensorContext.Add(a, b, subtract: true));

    /// <summary>Returns this ⊙ other (elementwise product; one level).</summary>
    /// <exception cref="ArgumentException">Different lengths or contexts.</exception>
    /// <exception cref="DepthExhaustedException">No level left.</exception>
    public CkksVector Multiply(CkksVector other) => Zip(other, (a, b) => TensorContext.Multiply(a, b), multiplicative: true);

    /// <summary>Returns −this.</summary>
    public CkksVector Negate() => Map(c => TensorContext.Evaluator.Negate(c));

    /// <summary>Returns this ⊙ this (one level).</summary>
    /// <exception cref="DepthExhaustedException">No level left.</exception>
    public CkksVector Square() => Map(c => TensorContext.Multiply(c, c));

    /// <summary>Returns this + values, elementwise.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public CkksVector Add(ReadOnlySpan<double> values) => AddPlain(values, subtract: false);

    /// <summary>Returns this − values, elementwise.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public CkksVector Sub(ReadOnlySpan<double> values) => AddPlain(values, subtract: true);

    /// <summary>Returns this + c in every element.</summary>
    public CkksVector Add(double c)
    {
        CkksVector result = Map(x => TensorContext.Evaluator.AddPlain(x, TensorContext.Encoder.Encode(c, x.Scale, x.Level)));
        return c == 0 ? result : new CkksVector(TensorContext, Length, result._chunks, paddingIsZero: false);
    }

    /// <summary>Returns this ⊙ values (one level).</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="DepthExhaustedException">No level left.</exception>
    public CkksVector Multiply(ReadOnlySpan<double> values)
    {
        CheckLength(values.Length);
        var packed = PackedChunks(values);
        return MapIndexed((c, x) => TensorContext.MultiplyPlain(x, packed[c]), paddingIsZero: true);
    }

    /// <summary>Returns c·this (one level).</summary>
    /// <exception cref="DepthExhaustedException">No level left.</exception>
    public CkksVector Multiply(double c) => Map(x => TensorContext.MultiplyScalar(x, c));

    /// <summary>Returns this^k elementwise by repeated squaring: ⌈log2 k⌉ levels.</summary>
    /// <param name="exponent">k ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1.</exception>
    /// <exception cref="DepthExhaustedException">Fewer than ⌈log2 k⌉ levels left.</exception>
    public CkksVector Power(int exponent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(exponent, 1);
        int depth = exponent == 1 ? 0 : BitOperations.Log2((uint)(exponent - 1)) + 1;
        TensorContext.RequireLevels(Level, depth, $"Power {exponent}");
        return PolynomialEvaluator.Power(this, exponent);
    }

    /// <summary>The sum of all elements, as a vector of length 1 (log2 of the period rotations).</summary>
    public CkksVector Sum()
    {
        if (!PaddingIsZero)
        {
            return Multiply(Enumerable.Repeat(1.0, Length).ToArray()).Sum();
        }

        Ciphertext total = _chunks[0];
        for (int c = 1; c < _chunks.Length; c++)
        {
            total = TensorContext.Add(total, _chunks[c]);
        }

        // Replication makes every slot of the period hold the sum; the result is a 1-vector (period 1).
        for (int step = Period / 2; step >= 1; step /= 2)
        {
            total = TensorContext.Evaluator.Add(total, TensorContext.Rotate(total, step));
        }

        return new CkksVector(TensorContext, 1, [total]);
    }

    /// <summary>The inner product with plain <paramref name="weights"/> (one level).</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public CkksVector Dot(ReadOnlySpan<double> weights) => Multiply(weights).Sum();

    /// <summary>The inner product with another encrypted vector (one level).</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public CkksVector Dot(CkksVector other) => Multiply(other).Sum();

    /// <summary>p(this) elementwise for a polynomial in the power basis, at depth ⌈log2(deg + 1)⌉.</summary>
    /// <param name="polynomial">The polynomial.</param>
    /// <exception cref="DepthExhaustedException">Fewer levels remain than the polynomial's depth.</exception>
    public CkksVector Polynomial(Polynomial polynomial)
    {
        ArgumentNullException.ThrowIfNull(polynomial);
        TensorContext.RequireLevels(Level, polynomial.Depth, $"A degree-{polynomial.Degree} polynomial");
        CkksVector result = PolynomialEvaluator.Evaluate(this, polynomial.Coefficients);
        return polynomial.Coefficients[0] == 0 && PaddingIsZero ? result : new CkksVector(TensorContext, Length, result._chunks, paddingIsZero: false);
    }

    /// <summary>The replication period of an n-vector: 2^⌈log2 n⌉, or N/2 when it spans several ciphertexts.</summary>
    public static int PeriodFor(int length, int slotCount)
        => length >= slotCount ? slotCount : (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, length));

    internal Ciphertext Chunk(int index) => _chunks[index];

    internal CkksVector With(Ciphertext[] chunks, int length, bool paddingIsZero) => new(TensorContext, length, chunks, paddingIsZero);

    /// <summary>Writes values zero-padded to <paramref name="period"/> and replicated over all slots.</summary>
    internal static void Pack(ReadOnlySpan<double> values, int period, Span<double> slots)
    {
        slots.Clear();
        if (period >= slots.Length)
        {
            values.CopyTo(slots);
            return;
        }

        for (int start = 0; start < slots.Length; start += period)
        {
            values.CopyTo(slots.Slice(start, period));
        }
    }

    private double[][] PackedChunks(ReadOnlySpan<double> values)
    {
        int slots = TensorContext.SlotCount;
        var packed = new double[_chunks.Length][];
        for (int c = 0; c < _chunks.Length; c++)
        {
            packed[c] = new double[slots];
            Pack(values.Slice(c * slots, Math.Min(slots, values.Length - c * slots)), Period, packed[c]);
        }

        return packed;
    }

    private CkksVector AddPlain(ReadOnlySpan<double> values, bool subtract)
    {
        CheckLength(values.Length);
        var packed = PackedChunks(values);
        return MapIndexed((c, x) =>
        {
            Plaintext p = TensorContext.Encoder.Encode(packed[c], x.Scale, x.Level);
            return subtract ? TensorContext.Evaluator.SubPlain(x, p) : TensorContext.Evaluator.AddPlain(x, p);
        });
    }

    private void CheckLength(int length)
    {
        if (length != Length)
        {
            throw new ArgumentException($"The operand has {length} values; this vector has {Length}.");
        }
    }

    private CkksVector Zip(CkksVector other, Func<Ciphertext, Ciphertext, Ciphertext> op, bool multiplicative = false)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!ReferenceEquals(other.TensorContext.Context, TensorContext.Context))
        {
            throw new ArgumentException("The vectors belong to different CKKS contexts.", nameof(other));
        }

        CheckLength(other.Length);
        var result = new Ciphertext[_chunks.Length];
        for (int c = 0; c < result.Length; c++)
        {
            result[c] = op(_chunks[c], other._chunks[c]);
        }

        bool clean = multiplicative ? PaddingIsZero || other.PaddingIsZero : PaddingIsZero && other.PaddingIsZero;
        return new CkksVector(TensorContext, Length, result, clean);
    }

    private CkksVector Map(Func<Ciphertext, Ciphertext> op) => MapIndexed((_, c) => op(c));

    private CkksVector MapIndexed(Func<int, Ciphertext, Ciphertext> op, bool? paddingIsZero = null)
    {
        var result = new Ciphertext[_chunks.Length];
        for (int c = 0; c < result.Length; c++)
        {
            result[c] = op(c, _chunks[c]);
        }

        return new CkksVector(TensorContext, Length, result, paddingIsZero ?? PaddingIsZero);
    }
}
