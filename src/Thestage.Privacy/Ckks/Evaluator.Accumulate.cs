using System.Runtime.InteropServices;
using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Rings;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Ckks;

public sealed partial class Evaluator
{
    /// <summary>
    /// Σ_k a_k·p_k as a new ciphertext (the inner sum of a baby-step/giant-step linear transform): per coefficient the
    /// products of both polynomials are summed exactly and reduced once (<see cref="DigitProduct"/>, the plaintext in the
    /// role of the digit), instead of a reduction and a read-modify-write of an accumulator per product. The words equal
    /// those of <see cref="MultiplyPlain(Ciphertext, Plaintext)"/> of each term added up with <see cref="Add"/>.
    /// </summary>
    /// <param name="a">Ciphertexts of size 2 at one level and scale.</param>
    /// <param name="p">As many plaintexts at that level and one scale.</param>
    /// <exception cref="ArgumentException">The counts differ or are zero, or the operands differ in context, size, level or scale.</exception>
    internal Ciphertext MultiplyPlainSum(IReadOnlyList<Ciphertext> a, IReadOnlyList<Plaintext> p)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(p);
        int count = a.Count;
        if (count == 0 || p.Count != count)
        {
            throw new ArgumentException($"A sum of products needs as many plaintexts as ciphertexts, at least one; got {count} and {p.Count}.", nameof(p));
        }

        CheckCiphertext(a[0], nameof(a));
        CheckPlaintext(p[0], nameof(p));
        int level = a[0].Level;
        double scale = ProductScale(a[0].Scale, p[0].Scale, level);
        for (int k = 0; k < count; k++)
        {
            CheckCiphertext(a[k], nameof(a));
            CheckPlaintext(p[k], nameof(p));
            CheckSize(a[k], 2, "A sum of products", nameof(a));
            CheckSameLevel(level, a[k].Level, nameof(a));
            CheckSameLevel(level, p[k].Level, nameof(p));
            CheckSameScale(scale, a[k].Scale * p[k].Scale, nameof(a));
        }

        int n = _context.N, limbs = level + 1;
        var result = new Ciphertext(_context, 2, level, scale, zeroed: false);
        var handles = new GCHandle[2 * count];
        try
        {
            for (int k = 0; k < count; k++)
            {
                handles[2 * k] = GCHandle.Alloc(a[k].Data, GCHandleType.Pinned);
                handles[2 * k + 1] = GCHandle.Alloc(p[k].Data, GCHandleType.Pinned);
            }

            Parallelism.For(limbs, 2 * n * count, i => SumLimb(handles, count, limbs, i, result));
        }
        finally
        {
            Free(handles);
        }

        return result;
    }

    /// <summary>
    /// y_j = Σ_i x_i·round(W[i, j]·constantScale) for j &lt; m, as m new ciphertexts at scale x.Scale·constantScale (a plain
    /// matrix applied to ciphertexts holding one sample per slot). Per coefficient the products are summed exactly and
    /// reduced once (<see cref="DigitProduct.RunConstants"/>); the work runs tile by tile of coefficients over all outputs,
    /// so each tile of the inputs is read from memory once and then from cache by every output that uses it (the inputs of
    /// a layer, hundreds of megabytes, do not fit any cache: output by output they were read once per output). The words
    /// equal those of <see cref="MultiplyPlain(Ciphertext, Plaintext)"/> by the constant polynomials
    /// round(W[i, j]·constantScale) added up with <see cref="Add"/>; an output with no nonzero weight is zero.
    /// </summary>
    /// <param name="x">n ciphertexts of size 2 at one level and scale.</param>
    /// <param name="matrix">W, n × m; zero entries (after rounding) cost nothing.</param>
    /// <param name="constantScale">The scale of the weights.</param>
    /// <param name="destination">m ciphertexts whose buffers receive the outputs (any size and level before), or null for new ones.</param>
    /// <exception cref="ArgumentException">A weight is not finite or exceeds 62 bits at that scale, the shapes differ, or the operands differ.</exception>
    internal Ciphertext[] MultiplyConstantMatrix(IReadOnlyList<Ciphertext> x, double[,] matrix, double constantScale, Ciphertext[]? destination = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(matrix);
        int inputs = matrix.GetLength(0), outputs = matrix.GetLength(1);
        if (inputs != x.Count || inputs == 0)
        {
            throw new ArgumentException($"The matrix has {inputs} rows for {x.Count} ciphertexts (at least one needed).", nameof(matrix));
        }

        CheckCiphertext(x[0], nameof(x));
        int level = x[0].Level, limbs = level + 1;
        double scale = ProductScale(x[0].Scale, constantScale, level);
        foreach (Ciphertext c in x)
        {
            CheckCiphertext(c, nameof(x));
            CheckSize(c, 2, "A matrix product", nameof(x));
            CheckSameLevel(level, c.Level, nameof(x));
            CheckSameScale(scale, c.Scale * constantScale, nameof(x));
        }

        // Column j: the rows with a nonzero rounded weight, and those weights modulo each prime ([limb][j][k]).
        var rows = new int[outputs][];
        var residues = new ulong[limbs][][];
        for (int i = 0; i < limbs; i++)
        {
            residues[i] = new ulong[outputs][];
        }

        int widest = 0;
        var r = new List<int>(inputs);
        var w = new List<long>(inputs);
        for (int j = 0; j < outputs; j++)
        {
            r.Clear();
            w.Clear();
            for (int k = 0; k < inputs; k++)
            {
                long value = RoundConstant(matrix[k, j], constantScale, nameof(matrix));
                if (value != 0)
                {
                    r.Add(k);
                    w.Add(value);
                }
            }

            rows[j] = r.ToArray();
            widest = Math.Max(widest, r.Count);
            for (int i = 0; i < limbs; i++)
            {
                Modulus q = _context.KeyModuli[i];
                residues[i][j] = w.Select(v => ModArith.FromSigned(v, q)).ToArray();
            }
        }

        int n = _context.N, tiles = (n + MatrixTile - 1) / MatrixTile;
        if (destination is not null && destination.Length != outputs)
        {
            throw new ArgumentException($"The matrix has {outputs} columns for {destination.Length} destinations.", nameof(destination));
        }

        Ciphertext[] result = destination ?? new Ciphertext[outputs];
        for (int j = 0; j < outputs; j++)
        {
            if (destination is null)
            {
                result[j] = new Ciphertext(_context, 2, level, scale, zeroed: false);
            }
            else
            {
                CheckCiphertext(result[j], nameof(destination));
                result[j].Resize(2, level);
                result[j].SetScale(scale);
            }
        }

        var handles = new GCHandle[inputs + outputs];
        try
        {
            for (int k = 0; k < inputs; k++)
            {
                handles[k] = GCHandle.Alloc(x[k].Data, GCHandleType.Pinned);
            }

            for (int j = 0; j < outputs; j++)
            {
                handles[inputs + j] = GCHandle.Alloc(result[j].Data, GCHandleType.Pinned);
            }

            Parallelism.For(limbs * tiles, MatrixTile * inputs, t => MatrixTileProduct(handles, inputs, rows, residues[t / tiles], widest, limbs, t / tiles, t % tiles * MatrixTile));
        }
        finally
        {
            Free(handles);
        }

        return result;
    }

    // Coefficients per tile of MultiplyConstantMatrix: 128 words of both polynomials of every input (1.6 MB for 784
    // inputs) stay in a 2 MB L2 cache while every output reads them.
    private const int MatrixTile = 128;

    // Limb i, coefficients [x0, x0 + MatrixTile) of every output; inputs pinned at handles[0 … inputs), outputs after them;
    // constants[j] holds output j's weights modulo q_i, in the order of rows[j].
    private unsafe void MatrixTileProduct(GCHandle[] handles, int inputs, int[][] rows, ulong[][] constants, int widest, int limbs, int i, int x0)
    {
        int n = _context.N, length = Math.Min(MatrixTile, n - x0);
        Modulus q = _context.KeyModuli[i];
        using var scratch = PooledArray<nint>.Rent(2 * Math.Max(1, widest), sensitive: false);
        fixed (nint* pointers = scratch.Array)
        {
            ulong** c0 = (ulong**)pointers, c1 = (ulong**)(pointers + widest);
            for (int j = 0; j < rows.Length; j++)
            {
                var y = (ulong*)handles[inputs + j].AddrOfPinnedObject();
                ulong* y0 = y + i * n + x0, y1 = y + (limbs + i) * n + x0;
                int count = rows[j].Length;
                if (count == 0)
                {
                    new Span<ulong>(y0, length).Clear();
                    new Span<ulong>(y1, length).Clear();
                    continue;
                }

                for (int k = 0; k < count; k++)
                {
                    var c = (ulong*)handles[rows[j][k]].AddrOfPinnedObject();
                    c0[k] = c + i * n + x0;
                    c1[k] = c + (limbs + i) * n + x0;
                }

                fixed (ulong* weights = constants[j])
                {
                    DigitProduct.RunConstants(weights, c0, c1, count, length, q, y0, y1);
                }
            }
        }
    }

    // Limb i of Σ_k a_k·p_k; every array is pinned by its handle (ciphertext k at 2k, plaintext k at 2k + 1).
    private unsafe void SumLimb(GCHandle[] handles, int count, int limbs, int i, Ciphertext result)
    {
        int n = _context.N;
        using var scratch = PooledArray<nint>.Rent(3 * count, sensitive: false);
        fixed (nint* pointers = scratch.Array)
        fixed (ulong* r = result.Data)
        {
            ulong** d = (ulong**)pointers, c0 = (ulong**)(pointers + count), c1 = (ulong**)(pointers + 2 * count);
            for (int k = 0; k < count; k++)
            {
                var c = (ulong*)handles[2 * k].AddrOfPinnedObject();
                d[k] = (ulong*)handles[2 * k + 1].AddrOfPinnedObject() + i * n;
                c0[k] = c + i * n;
                c1[k] = c + (limbs + i) * n;
            }

            DigitProduct.Run(d, c0, c1, count, n, _context.KeyModuli[i], r + i * n, r + (limbs + i) * n);
        }
    }

    private static void Free(GCHandle[] handles)
    {
        foreach (GCHandle h in handles)
        {
            if (h.IsAllocated)
            {
                h.Free();
            }
        }
    }

    private static long RoundConstant(double c, double constantScale, string name)
    {
        double rounded = Math.Round(c * constantScale);
        if (!(Math.Abs(rounded) < 4.6e18))
        {
            throw new ArgumentException($"The constant {c} at scale 2^{Math.Log2(constantScale):F1} exceeds 62 bits.", name);
        }

        return (long)rounded;
    }
}
