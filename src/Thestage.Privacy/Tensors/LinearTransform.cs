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
    private readonly int _d;
    private readonly int[] _babySteps, _giantSteps, _folds;    // rot(x, giant + baby) ⊙ diag, then the folds
    private readonly double[]?[][] _diagonals;                 // [chunk][giant index · babies + baby index] → slots, or null when zero
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
        (int d, int mp, int baby, int giant) = Shape(inputLength, outputLength, slots);
        _d = d;
        _babySteps = [.. Enumerable.Range(0, baby)];
        _giantSteps = [.. Enumerable.Range(0, giant).Select(g => g * baby)];
        _folds = Folds(d, mp);
        int chunks = (inputLength + slots - 1) / slots;
        _diagonals = new double[]?[chunks][];
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            // diag_k[i] = M[(i + k) mod D, i mod m′] within this block of rows.
            int rowOffset = chunk * slots, rows = Math.Min(slots, inputLength - rowOffset);
            _diagonals[chunk] = BuildDiagonals((k, i) =>
            {
                int row = (i + k) % d, col = i % mp;
                return row < rows && col < outputLength ? entry(rowOffset + row, col) : 0;
            });
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

        steps.AddRange(Folds(d, mp));
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
        int babyCount = _babySteps.Length, giantCount = _giantSteps.Length;
        for (int chunk = 0; chunk < plaintexts.Length; chunk++)
        {
            // The baby-step rotations of this block share one key-switching decomposition (hoisting).
            Plaintext?[] encoded = plaintexts[chunk];
            var babies = new Ciphertext?[babyCount];
            int[] needed = Enumerable.Range(0, babyCount).Where(b => Enumerable.Range(0, giantCount).Any(g => encoded[g * babyCount + b] is not null)).ToArray();
            int[] rotations = needed.Where(b => _babySteps[b] != 0).ToArray();
            foreach (int b in needed.Except(rotations))
            {
                babies[b] = x.Chunk(chunk);
            }

            if (rotations.Length > 0)
            {
                Ciphertext[] rotated = tc.Evaluator.RotateVectorHoisted(x.Chunk(chunk), [.. rotations.Select(b => _babySteps[b])], tc.RequireGaloisKeys());
                for (int i = 0; i < rotations.Length; i++)
                {
                    babies[rotations[i]] = rotated[i];
                }
            }

            // The giant steps are independent (a sum of products, then one rotation each): they run side by side, a
            // whole key switch per core instead of one key switch spread over the cores, and are added in order (the sum
            // modulo q is the same in any order).
            var inners = new Ciphertext?[giantCount];
            Parallel.For(0, giantCount, PrivacyRuntime.ParallelOptions, g =>
            {
                var terms = new List<Ciphertext>(babyCount);
                var factors = new List<Plaintext>(babyCount);
                for (int b = 0; b < babyCount; b++)
                {
                    if (encoded[g * babyCount + b] is { } p)
                    {
                        terms.Add(babies[b]!);
                        factors.Add(p);
                    }
                }

                if (terms.Count > 0)
                {
                    Ciphertext inner = tc.Evaluator.MultiplyPlainSum(terms, factors);
                    if (_giantSteps[g] != 0)
                    {
                        tc.Evaluator.RotateVectorInplace(inner, _giantSteps[g], tc.RequireGaloisKeys());
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
        foreach (int step in _folds)
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

    // The folds y_j = Σ_t s[j + t·m′]: rotations by D/2, …, m′.
    private static int[] Folds(int d, int mp)
    {
        var folds = new List<int>();
        for (int step = d / 2; step >= mp; step /= 2)
        {
            folds.Add(step);
        }

        return [.. folds];
    }

    // diag'_{g,b}[i] = diag_k[(i − g) mod D], k = g + b for giant step g and baby step b, replicated at period D over the
    // slots; diagonal(k, i) gives diag_k[i] for i in [0, D). Only the offsets g + b that include accepts are built (all
    // when null).
    private double[]?[] BuildDiagonals(Func<int, int, double> diagonal, Func<int, bool>? include = null)
    {
        int slots = _tensors.SlotCount, d = _d;
        var result = new double[]?[_giantSteps.Length * _babySteps.Length];
        for (int g = 0; g < _giantSteps.Length; g++)
        {
            for (int b = 0; b < _babySteps.Length; b++)
            {
                int shift = _giantSteps[g], k = Mod(shift + _babySteps[b], d);
                if (include is not null && !include(shift + _babySteps[b]))
                {
                    continue;
                }

                var values = new double[slots];
                bool any = false;
                for (int i = 0; i < d; i++)
                {
                    double v = diagonal(k, Mod(i - shift, d));
                    if (!double.IsFinite(v))
                    {
                        throw new ArgumentException($"A matrix entry of diagonal {k} is not finite.");
                    }

                    values[i] = v;
                    any |= v != 0;
                }

                if (!any)
                {
                    continue;
                }

                for (int start = d; start < slots; start += d)
                {
                    values.AsSpan(0, d).CopyTo(values.AsSpan(start, d));
                }

                result[g * _babySteps.Length + b] = values;
            }
        }

        return result;
    }

    private static int Mod(int a, int d) => ((a % d) + d) % d;

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
