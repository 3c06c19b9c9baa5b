using System.Collections.Concurrent;
using System.Numerics;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tensors;

/// <summary>
/// A plain linear map y = x·M from n inputs to m ≤ N/2 outputs, applied to encrypted vectors with the diagonal
/// method and baby-step/giant-step rotations in one level. Dense layers, 2-D convolutions, average pooling,
/// axis sums and transposes are all such maps. The plaintext diagonals are computed once and encoded once per
/// level, so a transform built once serves many inputs.
/// </summary>
/// <remarks>
/// <para>With x replicated at period D = max(P_n, m′), m′ = 2^⌈log2 m⌉, the m′ generalized diagonals
/// diag_k[i] = M[(i + k) mod D, i mod m′] give s = Σ_(k&lt;m′) rot(x, k) ⊙ diag_k, and y_j = Σ_t s[j + t·m′]
/// (a fold by D/2, …, m′) — Halevi–Shoup's diagonal method (CRYPTO 2014) generalized to rectangular matrices as in
/// GAZELLE's hybrid method (Juvekar, Vaikuntanathan, Chandrakasan, USENIX Security 2018). Baby-step/giant-step:
/// k = g·b₁ + b with b₁ = 2^⌈log2 m′ / 2⌉ and rot(x, g·b₁ + b) ⊙ diag_k = rot(rot(x, b) ⊙ rot(diag_k, −g·b₁), g·b₁),
/// so b₁ − 1 + m′/b₁ − 1 rotations (≈ 2√m′) instead of m′ − 1. All-zero diagonals are skipped.</para>
/// <para>Products are accumulated at scale Δ·q_ℓ and rescaled once, so the output keeps the input's scale exactly.
/// A vector longer than N/2 is processed block by block (D = N/2) and the blocks summed before the fold. The
/// output is replicated at period m′, as <see cref="CkksVector"/> packs an m-vector.</para>
/// </remarks>
public sealed partial class LinearTransform
{
    private readonly TensorContext _tensors;
    private readonly int _d, _mp, _baby, _giant;
    private readonly double[]?[][] _diagonals;                 // [chunk][g·baby + b] → slots, or null when zero
    private readonly ConcurrentDictionary<int, Plaintext?[][]> _encoded = new();

    /// <summary>Creates y = x·M with M given entry by entry.</summary>
    /// <param name="tensors">The tensor context.</param>
    /// <param name="inputLength">n.</param>
    /// <param name="outputLength">m, 1 ≤ m ≤ N/2.</param>
    /// <param name="entry">M[i, j] for input i and output j.</param>
    /// <exception cref="ArgumentOutOfRangeException">A length is out of range.</exception>
    public LinearTransform(TensorContext tensors, int inputLength, int outputLength, Func<int, int, double> entry)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputLength, 1);
        int slots = tensors.SlotCount;
        if (outputLength < 1 || outputLength > slots)
        {
            throw new ArgumentOutOfRangeException(nameof(outputLength), outputLength, $"The output must fit one ciphertext: 1 to {slots} values.");
        }

        _tensors = tensors;
        InputLength = inputLength;
        OutputLength = outputLength;
        (_d, _mp, _baby, _giant) = Shape(inputLength, outputLength, slots);
        int chunks = (inputLength + slots - 1) / slots;
        _diagonals = new double[]?[chunks][];
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            _diagonals[chunk] = BuildDiagonals(chunk, entry);
        }

        RotationSteps = Steps(inputLength, outputLength, slots);
    }

    /// <summary>The input length n.</summary>
    public int InputLength { get; }

    /// <summary>The output length m.</summary>
    public int OutputLength { get; }

    /// <summary>The rotation steps <see cref="Apply"/> uses (Galois keys needed for exactly these).</summary>
    public IReadOnlyList<int> RotationSteps { get; }

    /// <summary>The number of nonzero plaintext diagonals (plaintext products per input ciphertext block).</summary>
    public int DiagonalCount => _diagonals.Sum(c => c.Count(d => d is not null));

    /// <summary>y = x·M for a plain n × m matrix.</summary>
    /// <param name="tensors">The tensor context.</param>
    /// <param name="matrix">M, n × m.</param>
    public static LinearTransform FromMatrix(TensorContext tensors, double[,] matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return new LinearTransform(tensors, matrix.GetLength(0), matrix.GetLength(1), (i, j) => matrix[i, j]);
    }

    /// <summary>y = M·x for a plain m × n matrix.</summary>
    /// <param name="tensors">The tensor context.</param>
    /// <param name="matrix">M, m × n.</param>
    public static LinearTransform FromMatrixLeft(TensorContext tensors, double[,] matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return new LinearTransform(tensors, matrix.GetLength(1), matrix.GetLength(0), (i, j) => matrix[j, i]);
    }

    /// <summary>The rotation steps of a transform from n inputs to m outputs with <paramref name="slotCount"/> slots.</summary>
    /// <param name="inputLength">n.</param>
    /// <param name="outputLength">m.</param>
    /// <param name="slotCount">N/2.</param>
    public static IReadOnlyList<int> Steps(int inputLength, int outputLength, int slotCount)
    {
        (int d, int mp, int baby, int giant) = Shape(inputLength, outputLength, slotCount);
        var steps = new List<int>();
        for (int b = 1; b < baby; b++)
        {
            steps.Add(b);
        }

        for (int g = 1; g < giant; g++)
        {
            steps.Add(g * baby);
        }

        for (int step = d / 2; step >= mp; step /= 2)
        {
            steps.Add(step);
        }

        return steps;
    }

    /// <summary>
    /// Encodes the plaintext diagonals for inputs at <paramref name="level"/> now instead of on the first
    /// <see cref="Apply"/> at that level, so that a server can prepare a model once, before any client's keys exist
    /// (encoding needs only the CKKS context). Idempotent and thread-safe.
    /// </summary>
    /// <param name="level">The level of the inputs the transform will see, in [1, MaxLevel] (one level is consumed).</param>
    /// <exception cref="ArgumentOutOfRangeException">The level is out of range.</exception>
    public void Prepare(int level)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, _tensors.AutoRescale ? 1 : 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, _tensors.Context.MaxLevel);
        _encoded.GetOrAdd(level, l => Encode(_tensors, l));
    }

    /// <summary>Applies the transform: one level.</summary>
    /// <param name="x">A vector of <see cref="InputLength"/> values from the same CKKS context.</param>
    /// <exception cref="ArgumentException">The length or context differs.</exception>
    /// <exception cref="DepthExhaustedException">No level left.</exception>
    public CkksVector Apply(CkksVector x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Length != InputLength)
        {
            throw new ArgumentException($"The transform takes {InputLength} values; the vector has {x.Length}.", nameof(x));
        }

        if (!ReferenceEquals(x.TensorContext.Context, _tensors.Context))
        {
            throw new ArgumentException("The vector belongs to another CKKS context.", nameof(x));
        }

        TensorContext tc = x.TensorContext;
        tc.RequireLevels(x.Level, tc.AutoRescale ? 1 : 0, "A linear transform");
        Plaintext?[][] plaintexts = _encoded.GetOrAdd(x.Level, level => Encode(tc, level));
        Ciphertext? total = null;
        for (int chunk = 0; chunk < plaintexts.Length; chunk++)
        {
            // The baby-step rotations of this block share one key-switching decomposition (hoisting).
            var babies = new Ciphertext?[_baby];
            int[] needed = Enumerable.Range(1, _baby - 1).Where(b => Enumerable.Range(0, _giant).Any(g => plaintexts[chunk][g * _baby + b] is not null)).ToArray();
            babies[0] = x.Chunk(chunk);
            if (needed.Length > 0)
            {
                Ciphertext[] rotated = tc.Evaluator.RotateVectorHoisted(x.Chunk(chunk), needed, tc.RequireGaloisKeys());
                for (int i = 0; i < needed.Length; i++)
                {
                    babies[needed[i]] = rotated[i];
                }
            }

            // The giant steps are independent (a sum of products, then one rotation each): they run side by side, a
            // whole key switch per core instead of one key switch spread over the cores, and are added in order (the sum
            // modulo q is the same in any order).
            var inners = new Ciphertext?[_giant];
            Plaintext?[] encoded = plaintexts[chunk];
            Parallel.For(0, _giant, PrivacyRuntime.ParallelOptions, g =>
            {
                var terms = new List<Ciphertext>(_baby);
                var factors = new List<Plaintext>(_baby);
                for (int b = 0; b < _baby; b++)
                {
                    if (encoded[g * _baby + b] is { } p)
                    {
                        terms.Add(babies[b]!);
                        factors.Add(p);
                    }
                }

                if (terms.Count > 0)
                {
                    Ciphertext inner = tc.Evaluator.MultiplyPlainSum(terms, factors);
                    if (g > 0)
                    {
                        tc.Evaluator.RotateVectorInplace(inner, g * _baby, tc.RequireGaloisKeys());
                    }

                    inners[g] = inner;
                }
            });
            foreach (Ciphertext? inner in inners)
            {
                if (inner is null)
                {
                    continue;
                }

                if (total is null)
                {
                    total = inner;
                }
                else
                {
                    tc.Evaluator.AddInplace(total, inner);
                }
            }
        }

        // M = 0: y = x·0, keeping the level and scale bookkeeping uniform.
        total ??= tc.Evaluator.MultiplyPlain(x.Chunk(0), tc.Encoder.Encode(0.0, tc.PlainFactorScale(x.Level), x.Level));
        if (tc.AutoRescale)
        {
            tc.Evaluator.RescaleToNextInplace(total); // total is this call's own ciphertext
        }

        Ciphertext? folded = null; // one buffer for every rotation of the fold
        for (int step = _d / 2; step >= _mp; step /= 2)
        {
            if (folded is null)
            {
                folded = tc.Evaluator.RotateVector(total, step, tc.RequireGaloisKeys());
            }
            else
            {
                tc.Evaluator.RotateVector(total, step, tc.RequireGaloisKeys(), folded);
            }

            tc.Evaluator.AddInplace(total, folded);
        }

        return new CkksVector(tc, OutputLength, [total]);
    }

    private static (int D, int MPrime, int Baby, int Giant) Shape(int n, int m, int slots)
    {
        int mp = (int)BitOperations.RoundUpToPowerOf2((uint)m);
        int d = Math.Max(CkksVector.PeriodFor(n, slots), mp);
        int baby = 1 << ((BitOperations.Log2((uint)mp) + 1) / 2);
        return (d, mp, baby, mp / baby);
    }

    // diag'_{g,b}[i] = diag_k[(i − g·b₁) mod D], k = g·b₁ + b, replicated at period D over the slots.
    private double[]?[] BuildDiagonals(int chunk, Func<int, int, double> entry)
    {
        int slots = _tensors.SlotCount;
        int rowOffset = chunk * slots;
        int rows = Math.Min(slots, InputLength - rowOffset);
        var result = new double[]?[_mp];
        for (int g = 0; g < _giant; g++)
        {
            for (int b = 0; b < _baby; b++)
            {
                int k = g * _baby + b;
                var diagonal = new double[slots];
                bool any = false;
                for (int i = 0; i < _d; i++)
                {
                    int source = ((i - g * _baby) % _d + _d) % _d;
                    int row = (source + k) % _d, col = source % _mp;
                    double v = row < rows && col < OutputLength ? entry(rowOffset + row, col) : 0;
                    if (!double.IsFinite(v))
                    {
                        throw new ArgumentException($"Matrix entry ({rowOffset + row}, {col}) is not finite.");
                    }

                    diagonal[i] = v;
                    any |= v != 0;
                }

                if (!any)
                {
                    continue;
                }

                for (int start = _d; start < slots; start += _d)
                {
                    diagonal.AsSpan(0, _d).CopyTo(diagonal.AsSpan(start, _d));
                }

                result[k] = diagonal;
            }
        }

        return result;
    }

    private Plaintext?[][] Encode(TensorContext tc, int level)
    {
        double scale = tc.PlainFactorScale(level);
        var result = new Plaintext?[_diagonals.Length][];
        for (int chunk = 0; chunk < _diagonals.Length; chunk++)
        {
            double[]?[] diagonals = _diagonals[chunk];
            var encoded = new Plaintext?[diagonals.Length];
            Parallel.For(0, diagonals.Length, PrivacyRuntime.ParallelOptions, k =>
            {
                if (diagonals[k] is { } values)
                {
                    encoded[k] = tc.Encoder.Encode(values, scale, level);
                }
            });
            result[chunk] = encoded;
        }

        return result;
    }
}
