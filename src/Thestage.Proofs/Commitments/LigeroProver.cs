using System.Buffers;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Commitments;

/// <summary>
/// The prover of a transparent multilinear polynomial commitment in the Ligero/Brakedown style over
/// <see cref="Goldilocks"/>, with challenges in an extension field.
/// </summary>
/// <remarks>
/// <para>
/// Commit: the <c>2^v</c> evaluations are arranged as a <c>2^(v−c) × 2^c</c> row-major matrix, <c>c</c> chosen by <see cref="LigeroParameters.ColumnVariables"/> to minimise the proof size (row
/// bits are the first variables); each row is Reed–Solomon encoded by coset low-degree extension
/// (<see cref="GoldilocksNtt.CosetLowDegreeExtension"/>, rate <c>2^−LogBlowup</c>); each column of the encoded
/// matrix, with a fresh 16-byte salt, is a Merkle leaf; the commitment is the root.
/// </para>
/// <para>
/// Open at <c>r = (r_row, r_col)</c>: by the tensor structure <c>f(r) = ⟨eq(r_row)ᵀ M, eq(r_col)⟩</c>. The
/// prover sends <c>u = eq(r_row)ᵀ M</c> (evaluation) and <c>w = γᵀ M</c> for transcript-random <c>γ</c>
/// (proximity test); the verifier checks <c>f(r) = ⟨u, eq(r_col)⟩</c> and, at <c>t</c> random columns opened
/// with Merkle paths, that <c>Enc(u)</c> and <c>Enc(w)</c> agree with the opened columns.
/// Ames, Hazay, Ishai, Venkitasubramaniam, "Ligero", CCS 2017; Golovnev, Lee, Setty, Thaler, Wahby,
/// "Brakedown", eprint 2021/1043. Soundness: see <see cref="LigeroParameters"/>.
/// </para>
/// </remarks>
public static partial class LigeroProver
{
    /// <summary>The number of encoded entries from which rows are encoded on several cores.</summary>
    private const int ParallelThreshold = 1 << 14;

    /// <summary>Commits to the multilinear polynomial with the given hypercube evaluations.</summary>
    /// <param name="evaluations">The <c>2^v</c> evaluations (<c>v ≤ 48</c>), first variable most significant.</param>
    /// <param name="parameters">The parameters.</param>
    /// <param name="salts">The salt source; <see langword="null"/> uses <see cref="RandomSaltSource"/>.</param>
    /// <returns>The prover state, holding the public <see cref="LigeroProverState.Commitment"/>.</returns>
    /// <exception cref="ArgumentException">The number of evaluations is not a power of two.</exception>
    public static LigeroProverState Commit(ReadOnlySpan<Goldilocks> evaluations, LigeroParameters parameters, ISaltSource? salts = null) =>
        Commit(evaluations, parameters, salts, salts);

    /// <summary>
    /// As <see cref="Commit(ReadOnlySpan{Goldilocks}, LigeroParameters, ISaltSource?)"/>, with the randomness of a hiding
    /// commitment's encoding and masking rows drawn from <paramref name="masks"/> (null: <see cref="RandomSaltSource"/>) rather
    /// than after the salts from <paramref name="salts"/>: a seeded commitment derives the two from separate derivations
    /// (<see cref="Inference.ModelCommitmentSeed"/>). Plain parameters draw no masks.
    /// </summary>
    internal static LigeroProverState Commit(ReadOnlySpan<Goldilocks> evaluations, LigeroParameters parameters, ISaltSource? salts, ISaltSource? masks)
    {
        if (parameters is { Hiding: true })
        {
            return CommitHiding(evaluations, parameters, salts ?? RandomSaltSource.Instance, masks ?? RandomSaltSource.Instance);
        }

        (int numVariables, int rows, int k, int n) = Shape(evaluations, parameters);
        Goldilocks[] table = evaluations.ToArray();
        var encoded = new Goldilocks[rows * n];
        var saltBytes = new byte[n * MerkleHasher.SaltLength];
        var nodes = new Digest256[2 * n];
        EncodeAndHash(table, parameters, salts ?? RandomSaltSource.Instance, rows, k, n, encoded, saltBytes, nodes);
        MerkleTree tree = MerkleTree.FromNodes(nodes, n);
        var commitment = new LigeroCommitment(tree.Root, numVariables);
        return new LigeroProverState(commitment, parameters, table, encoded, saltBytes, tree);
    }

    /// <summary>
    /// The root <see cref="Commit(ReadOnlySpan{Goldilocks}, LigeroParameters, ISaltSource?)"/> would publish, drawing the same salts, without keeping the prover state: the encoded matrix,
    /// salts and tree are pooled buffers (a recorded training run commits thousands of snapshots and keeps only their roots).
    /// </summary>
    internal static Digest256 CommitRoot(ReadOnlySpan<Goldilocks> evaluations, LigeroParameters parameters, ISaltSource salts)
    {
        if (parameters is { Hiding: true })
        {
            LigeroProverState state = CommitHiding(evaluations, parameters, salts, salts);
            Array.Clear(state.Coefficients!);
            Array.Clear(state.Encoded);
            Array.Clear(state.Salts);
            Array.Clear(state.Evaluations);
            return state.Commitment.Root;
        }

        (_, int rows, int k, int n) = Shape(evaluations, parameters);
        Goldilocks[] encoded = ArrayPool<Goldilocks>.Shared.Rent(rows * n);
        byte[] saltBytes = ArrayPool<byte>.Shared.Rent(n * MerkleHasher.SaltLength);
        Digest256[] nodes = ArrayPool<Digest256>.Shared.Rent(2 * n);
        try
        {
            EncodeAndHash(evaluations, parameters, salts, rows, k, n, encoded.AsSpan(0, rows * n), saltBytes.AsSpan(0, n * MerkleHasher.SaltLength), nodes.AsSpan(0, 2 * n));
            return nodes[1];
        }
        finally
        {
            ArrayPool<Goldilocks>.Shared.Return(encoded, clearArray: true);
            ArrayPool<byte>.Shared.Return(saltBytes, clearArray: true);
            ArrayPool<Digest256>.Shared.Return(nodes);
        }
    }

    /// <summary>Opens the committed polynomial at <paramref name="point"/>.</summary>
    /// <typeparam name="TExt">The extension field of the point and the challenges.</typeparam>
    /// <param name="transcript">The transcript, in the same state as the verifier's.</param>
    /// <param name="state">The prover state from <see cref="Commit(ReadOnlySpan{Goldilocks}, LigeroParameters, ISaltSource?)"/>.</param>
    /// <param name="point">The point, of length <c>v</c>.</param>
    /// <param name="value">The evaluation <c>f(point)</c>, which the verifier must be given.</param>
    /// <returns>The opening proof.</returns>
    /// <exception cref="ArgumentException">The point has the wrong dimension.</exception>
    public static LigeroOpeningProof<TExt> Open<TExt>(Transcript transcript, LigeroProverState state, ReadOnlySpan<TExt> point, out TExt value)
        where TExt : struct, IExtensionField<TExt>
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(state);
        int numVariables = state.Commitment.NumVariables;
        if (point.Length != numVariables)
        {
            throw new ArgumentException("The point dimension does not match the commitment.", nameof(point));
        }

        if (state.Parameters.Hiding)
        {
            return OpenHiding(transcript, state, point, out value);
        }

        int rows = state.RowCount, k = state.RowLength, n = state.CodewordLength;
        int rowVariables = state.Parameters.RowVariables(numVariables);
        TExt[] eqRow = EqPolynomial.Table(point[..rowVariables]);
        TExt[] eqColumn = EqPolynomial.Table(point[rowVariables..]);

        TExt[] evaluationRow = CombineRows(state.Evaluations, eqRow, k);
        value = FieldMath.InnerProduct<TExt>(evaluationRow, eqColumn);

        TExt[] gamma = LigeroProtocol.BeginOpening(transcript, state.Commitment, state.Parameters, point, value, rows);
        TExt[] proximityRow = CombineRows(state.Evaluations, gamma, k);
        int[] indices = LigeroProtocol.QueryColumns<TExt>(transcript, proximityRow, evaluationRow, n, state.Parameters.ColumnQueries);

        Goldilocks[] columns = OpenedColumns(state, indices, out byte[] salts);
        MerkleBatchProof merkleProof = state.Tree.OpenBatch(indices);
        return new LigeroOpeningProof<TExt>(proximityRow, evaluationRow, rows, columns, salts, merkleProof);
    }

    /// <summary>
    /// The committed matrix's columns at <paramref name="indices"/>, column by column (<c>CommittedRowCount</c> entries each), and
    /// their salts: read from the codewords of a plain state, evaluated from the coefficient rows of a hiding one (Horner's rule
    /// at the columns' points, <see cref="HornerKernels"/>; the same entries <see cref="GoldilocksNtt.CosetEvaluate"/> wrote).
    /// </summary>
    internal static Goldilocks[] OpenedColumns(LigeroProverState state, int[] indices, out byte[] salts)
    {
        int height = state.CommittedRowCount, n = state.CodewordLength;
        var columns = new Goldilocks[indices.Length * height];
        salts = new byte[indices.Length * MerkleHasher.SaltLength];
        for (int q = 0; q < indices.Length; q++)
        {
            state.Salts.AsSpan(indices[q] * MerkleHasher.SaltLength, MerkleHasher.SaltLength).CopyTo(salts.AsSpan(q * MerkleHasher.SaltLength));
        }

        if (state.Coefficients is not { } coefficients)
        {
            for (int q = 0; q < indices.Length; q++)
            {
                for (int i = 0; i < height; i++)
                {
                    columns[(q * height) + i] = state.Encoded[(i * n) + indices[q]];
                }
            }

            return columns;
        }

        int d = coefficients.Length / height, t = indices.Length;
        Goldilocks[] points = LigeroProtocol.QueriedPoints(indices, n);
        var values = new Goldilocks[height * t];
        if ((long)height * d * t >= ParallelThreshold * 64L)
        {
            Parallel.For(0, height, i => HornerKernels.Evaluate(coefficients.AsSpan(i * d, d), points, values.AsSpan(i * t, t)));
        }
        else
        {
            for (int i = 0; i < height; i++)
            {
                HornerKernels.Evaluate(coefficients.AsSpan(i * d, d), points, values.AsSpan(i * t, t));
            }
        }

        for (int q = 0; q < t; q++)
        {
            for (int i = 0; i < height; i++)
            {
                columns[(q * height) + i] = values[(i * t) + q];
            }
        }

        Array.Clear(values);
        return columns;
    }

    private static (int NumVariables, int Rows, int K, int N) Shape(ReadOnlySpan<Goldilocks> evaluations, LigeroParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (evaluations.IsEmpty || !System.Numerics.BitOperations.IsPow2(evaluations.Length))
        {
            throw new ArgumentException("The number of evaluations must be a positive power of two.", nameof(evaluations));
        }

        int numVariables = System.Numerics.BitOperations.Log2((uint)evaluations.Length);
        int rows = 1 << parameters.RowVariables(numVariables);
        int k = evaluations.Length / rows;
        return (numVariables, rows, k, parameters.CodewordLength(numVariables));
    }

    /// <summary>Encodes the rows, draws the column salts and writes the Merkle tree over the salted columns (heap order, 2n nodes).</summary>
    private static void EncodeAndHash(
        ReadOnlySpan<Goldilocks> table, LigeroParameters parameters, ISaltSource salts, int rows, int k, int n, Span<Goldilocks> encoded, Span<byte> saltBytes, Span<Digest256> nodes)
    {
        if (rows > 1 && rows * n >= ParallelThreshold)
        {
            unsafe
            {
                // Rows are independent: one low-degree extension per row, on both cores (the spans are pinned for the loop).
                fixed (Goldilocks* source = table)
                fixed (Goldilocks* destination = encoded)
                {
                    var rowsIn = (IntPtr)source;
                    var rowsOut = (IntPtr)destination;
                    Parallel.For(0, rows, i => GoldilocksNtt.CosetLowDegreeExtension(
                        new ReadOnlySpan<Goldilocks>((Goldilocks*)rowsIn + (i * k), k), new Span<Goldilocks>((Goldilocks*)rowsOut + (i * n), n)));
                }
            }
        }
        else
        {
            for (int i = 0; i < rows; i++)
            {
                GoldilocksNtt.CosetLowDegreeExtension(table.Slice(i * k, k), encoded.Slice(i * n, n));
            }
        }

        salts.Fill(saltBytes);
        Blake2sMultiHash.HashColumns(encoded, rows, n, saltBytes, nodes.Slice(n, n));
        MerkleTree.BuildLevels(nodes);
    }

    private static TExt[] CombineRows<TExt>(ReadOnlySpan<Goldilocks> matrix, ReadOnlySpan<TExt> weights, int rowLength)
        where TExt : struct, IExtensionField<TExt>
    {
        var result = new TExt[rowLength];
        AddCombinedRows(result, weights, matrix, rowLength);
        return result;
    }

    /// <summary>Adds <c>Σ_i weights_i · matrix_i</c> (the first rows of <paramref name="matrix"/>, of length <paramref name="rowLength"/>) to <paramref name="result"/>.</summary>
    private static void AddCombinedRows<TExt>(TExt[] result, ReadOnlySpan<TExt> weights, ReadOnlySpan<Goldilocks> matrix, int rowLength)
        where TExt : struct, IExtensionField<TExt>
    {
        for (int i = 0; i < weights.Length; i++)
        {
            FieldKernels.AddScaledBase<TExt>(result, weights[i], matrix.Slice(i * rowLength, rowLength));
        }
    }
}
