using System.Numerics;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tensors;

public sealed partial class CkksVector
{
    /// <summary>
    /// y = x·M for a plain n × m matrix (x has n = Length values; y has m ≤ N/2): the diagonal method with
    /// baby-step/giant-step rotations, one level.
    /// </summary>
    /// <param name="matrix">M with <see cref="Length"/> rows.</param>
    /// <exception cref="ArgumentException">The row count differs from the length, or m &gt; N/2.</exception>
    /// <exception cref="DepthExhaustedException">No level left.</exception>
    /// <remarks>
    /// <para>With x replicated at period D = max(P_n, m′), m′ = 2^⌈log2 m⌉, the m′ generalized diagonals
    /// diag_k[i] = M[(i + k) mod D, i mod m′] give s = Σ_(k&lt;m′) rot(x, k) ⊙ diag_k, and y_j = Σ_t s[j + t·m′]
    /// (a fold by D/2, …, m′ rotations) — Halevi–Shoup's diagonal method (CRYPTO 2014) generalized to
    /// rectangular matrices as in GAZELLE's hybrid method (Juvekar, Vaikuntanathan, Chandrakasan, USENIX Security
    /// 2018). Baby-step/giant-step: k = g·b₁ + b with b₁ = 2^⌈log2 m′ / 2⌉, rot(x, g·b₁ + b) ⊙ diag_k =
    /// rot(rot(x, b) ⊙ rot(diag_k, −g·b₁), g·b₁), so b₁ − 1 + m′/b₁ − 1 rotations (≈ 2√m′) instead of m′ − 1.</para>
    /// <para>All products are accumulated at scale Δ·q_ℓ and rescaled once. A vector longer than N/2 is processed
    /// block by block (D = N/2) and the blocks summed before the fold. The output y is replicated at period m′.</para>
    /// </remarks>
    public CkksVector MatMul(double[,] matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.GetLength(0) != Length)
        {
            throw new ArgumentException($"The matrix has {matrix.GetLength(0)} rows; the vector has {Length} values (y = x·M).", nameof(matrix));
        }

        return MatMulCore(matrix.GetLength(1), (row, col) => matrix[row, col]);
    }

    /// <summary>y = M·x for a plain m × n matrix (n = Length): <see cref="MatMul(double[,])"/> with Mᵀ.</summary>
    /// <param name="matrix">M with <see cref="Length"/> columns.</param>
    /// <exception cref="ArgumentException">The column count differs from the length, or m &gt; N/2.</exception>
    /// <exception cref="DepthExhaustedException">No level left.</exception>
    public CkksVector MatMulLeft(double[,] matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.GetLength(1) != Length)
        {
            throw new ArgumentException($"The matrix has {matrix.GetLength(1)} columns; the vector has {Length} values (y = M·x).", nameof(matrix));
        }

        return MatMulCore(matrix.GetLength(0), (row, col) => matrix[col, row]);
    }

    /// <summary>The rotation steps <see cref="MatMul(double[,])"/> uses for an n-vector and m outputs.</summary>
    /// <param name="inputLength">n.</param>
    /// <param name="outputLength">m ≤ N/2.</param>
    /// <param name="slotCount">N/2.</param>
    public static IReadOnlyList<int> MatMulSteps(int inputLength, int outputLength, int slotCount)
    {
        (int d, int mp, int b1, int b2) = MatMulShape(inputLength, outputLength, slotCount);
        var steps = new List<int>();
        for (int b = 1; b < b1; b++)
        {
            steps.Add(b);
        }

        for (int g = 1; g < b2; g++)
        {
            steps.Add(g * b1);
        }

        for (int step = d / 2; step >= mp; step /= 2)
        {
            steps.Add(step);
        }

        return steps;
    }

    private static (int D, int MPrime, int Baby, int Giant) MatMulShape(int n, int m, int slots)
    {
        if (m < 1 || m > slots)
        {
            throw new ArgumentException($"The output length {m} must lie in [1, {slots}] (one ciphertext).");
        }

        int mp = (int)BitOperations.RoundUpToPowerOf2((uint)m);
        int d = Math.Max(PeriodFor(n, slots), mp);
        int b1 = 1 << ((BitOperations.Log2((uint)mp) + 1) / 2);
        return (d, mp, b1, mp / b1);
    }

    private CkksVector MatMulCore(int outputs, Func<int, int, double> entry)
    {
        TensorContext tc = TensorContext;
        int slots = tc.SlotCount;
        (int d, int mp, int b1, int b2) = MatMulShape(Length, outputs, slots);
        tc.RequireLevels(Level, tc.AutoRescale ? 1 : 0, "A matrix product");
        double factorScale = tc.PlainFactorScale(Level);
        var diagonal = new double[slots];
        Ciphertext? total = null;
        for (int chunk = 0; chunk < _chunks.Length; chunk++)
        {
            int rowOffset = chunk * slots;
            int rows = Math.Min(slots, Length - rowOffset);
            var babies = new Ciphertext?[b1];
            for (int g = 0; g < b2; g++)
            {
                Ciphertext? inner = null;
                for (int b = 0; b < b1; b++)
                {
                    int k = g * b1 + b;
                    // diag'[i] = diag_k[(i − g·b₁) mod D], replicated at period D.
                    bool any = false;
                    for (int i = 0; i < d; i++)
                    {
                        int source = ((i - g * b1) % d + d) % d;
                        int row = (source + k) % d, col = source % mp;
                        double v = row < rows && col < outputs ? entry(rowOffset + row, col) : 0;
                        diagonal[i] = v;
                        any |= v != 0;
                    }

                    if (!any)
                    {
                        continue;
                    }

                    for (int start = d; start < slots; start += d)
                    {
                        diagonal.AsSpan(0, d).CopyTo(diagonal.AsSpan(start, d));
                    }

                    babies[b] ??= tc.Rotate(_chunks[chunk], b);
                    Plaintext p = tc.Encoder.Encode(diagonal, factorScale, Level);
                    Ciphertext term = tc.Evaluator.MultiplyPlain(babies[b]!, p);
                    inner = inner is null ? term : tc.Evaluator.Add(inner, term);
                }

                if (inner is null)
                {
                    continue;
                }

                inner = tc.Rotate(inner, g * b1);
                total = total is null ? inner : tc.Evaluator.Add(total, inner);
            }
        }

        if (total is null)
        {
            // M = 0: y = 0, computed as x·0 to keep the level and scale bookkeeping uniform.
            total = tc.Evaluator.MultiplyPlain(_chunks[0], tc.Encoder.Encode(0.0, factorScale, Level));
        }

        if (tc.AutoRescale)
        {
            total = tc.Evaluator.RescaleToNext(total);
        }

        for (int step = d / 2; step >= mp; step /= 2)
        {
            total = tc.Evaluator.Add(total, tc.Rotate(total, step));
        }

        return new CkksVector(tc, outputs, [total]);
    }
}
