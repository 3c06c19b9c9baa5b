using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Commitments;

/// <content>The zero-knowledge variant (<see cref="LigeroParameters.Hiding"/>): randomized encoding and masking rows.</content>
public static partial class LigeroProver
{
    /// <summary>The least number of columns of a block of <see cref="HashBlocks"/> (a block holds at most an eighth of the codeword otherwise).</summary>
    private const int HidingBlockColumns = 1 << 12;

    /// <summary>
    /// Commits with hiding: coefficient rows from <see cref="LigeroMasking.WriteCoefficients"/> (salts drawn first, then the
    /// masks, from the same source), evaluated on the coset of length <c>n</c> and hashed a block of columns at a time (<see cref="HashBlocks"/>).
    /// </summary>
    private static LigeroProverState CommitHiding(ReadOnlySpan<Goldilocks> evaluations, LigeroParameters parameters, ISaltSource salts)
    {
        (int numVariables, int rows, int k, int n) = Shape(evaluations, parameters);
        int height = parameters.CommittedRows(numVariables);
        int d = parameters.DegreeBound(k);
        Goldilocks[] table = evaluations.ToArray();
        var saltBytes = new byte[n * MerkleHasher.SaltLength];
        salts.Fill(saltBytes);

        var coefficients = new Goldilocks[height * d];
        var words = new LigeroMasking.SaltWords(salts);
        LigeroMasking.WriteCoefficients(table, rows, k, d, parameters.MaskDegree(k), words, coefficients);
        words.Clear();

        var nodes = new Digest256[2 * n];
        HashBlocks(coefficients, height, d, n, saltBytes, nodes.AsSpan(n, n));
        MerkleTree.BuildLevels(nodes);
        MerkleTree tree = MerkleTree.FromNodes(nodes, n);
        return new LigeroProverState(new LigeroCommitment(tree.Root, numVariables), parameters, table, [], saltBytes, tree, coefficients);
    }

    /// <summary>
    /// Writes the salted column leaves of the coefficient rows' codewords on <c>s·H_n</c> a block of columns at a time, never
    /// holding the <c>height × n</c> codeword matrix (n is 32–64 times the row length when hiding): block <c>r</c> holds the
    /// columns <c>j ≡ r (mod B)</c>, whose points <c>s·ω_n^r·ω_m^i</c> (<c>m = n/B</c>) are a coset of <c>H_m</c>, so each row's
    /// entries there are one length-<c>m</c> transform of its coefficients scaled by <c>(s·ω_n^r)^e</c> and folded modulo
    /// <c>X^m − 1</c>. The leaves are those <see cref="GoldilocksNtt.CosetEvaluate"/> of whole rows would give; the state keeps
    /// the coefficients, and an opening evaluates them at its columns (<see cref="OpenedColumns"/>).
    /// </summary>
    private static void HashBlocks(Goldilocks[] coefficients, int height, int d, int n, byte[] saltBytes, Span<Digest256> leaves)
    {
        int m = Math.Min(n, Math.Max(HidingBlockColumns, n / 8)), blocks = n / m;
        var block = new Goldilocks[height * m];
        var blockSalts = new byte[m * MerkleHasher.SaltLength];
        var blockLeaves = new Digest256[m];
        Goldilocks root = Goldilocks.RootOfUnity(System.Numerics.BitOperations.Log2((uint)n));
        for (int r = 0; r < blocks; r++)
        {
            Goldilocks shift = GoldilocksNtt.CosetShift * Goldilocks.Pow(root, (ulong)r);
            if (height * m >= ParallelThreshold)
            {
                Parallel.For(0, height, i => EvaluateBlock(coefficients.AsSpan(i * d, d), shift, block.AsSpan(i * m, m)));
            }
            else
            {
                for (int i = 0; i < height; i++)
                {
                    EvaluateBlock(coefficients.AsSpan(i * d, d), shift, block.AsSpan(i * m, m));
                }
            }

            for (int i = 0; i < m; i++)
            {
                saltBytes.AsSpan((r + (blocks * i)) * MerkleHasher.SaltLength, MerkleHasher.SaltLength).CopyTo(blockSalts.AsSpan(i * MerkleHasher.SaltLength));
            }

            Blake2sMultiHash.HashColumns(block, height, m, blockSalts, blockLeaves);
            for (int i = 0; i < m; i++)
            {
                leaves[r + (blocks * i)] = blockLeaves[i];
            }
        }

        Array.Clear(block);
    }

    /// <summary>Writes <c>P(shift·ω_m^i)</c>, <c>i &lt; m</c>: the coefficients scaled by <c>shift^e</c>, folded modulo <c>X^m − 1</c>, transformed.</summary>
    private static void EvaluateBlock(ReadOnlySpan<Goldilocks> coefficients, Goldilocks shift, Span<Goldilocks> destination)
    {
        int m = destination.Length;
        destination.Clear();
        Goldilocks power = Goldilocks.One;
        for (int e = 0; e < coefficients.Length; e++)
        {
            destination[e & (m - 1)] += coefficients[e] * power;
            power *= shift;
        }

        GoldilocksNtt.Forward(destination);
    }

    /// <summary>
    /// Opens a hiding commitment: sends <c>w = Σ γ_i P_i + R</c> (over the data rows and the evaluation masks) and
    /// <c>q = (Σ eq(r_row, i) P_i)·ê + μ</c>, both as coefficient vectors (of lengths <c>D</c> and <c>2D</c>), then the
    /// queried columns of all rows. See <see cref="LigeroParameters"/> remarks.
    /// </summary>
    private static LigeroOpeningProof<TExt> OpenHiding<TExt>(Transcript transcript, LigeroProverState state, ReadOnlySpan<TExt> point, out TExt value)
        where TExt : struct, IExtensionField<TExt>
    {
        if (TExt.Degree != LigeroParameters.HidingExtensionDegree)
        {
            throw new NotSupportedException("Hiding openings are laid out for a quadratic extension.");
        }

        LigeroParameters parameters = state.Parameters;
        int numVariables = state.Commitment.NumVariables;
        int rows = state.RowCount, k = state.RowLength, n = state.CodewordLength, height = state.CommittedRowCount;
        int d = parameters.DegreeBound(k);
        int rowVariables = parameters.RowVariables(numVariables);
        Goldilocks[] coefficients = state.Coefficients!;
        TExt[] eqRow = EqPolynomial.Table(point[..rowVariables]);
        TExt[] eqColumn = EqPolynomial.Table(point[rowVariables..]);
        value = FieldMath.InnerProduct<TExt>(CombineRows(state.Evaluations, eqRow, k), eqColumn);

        TExt[] gamma = LigeroProtocol.BeginOpening(transcript, state.Commitment, parameters, point, value, rows + LigeroMasking.EvaluationMaskRows);
        TExt[] proximity = CombineRows<TExt>(coefficients, gamma, d);
        int proximityMask = (rows + LigeroMasking.EvaluationMaskRows) * d;
        for (int j = 0; j < d; j++)
        {
            proximity[j] += LigeroMasking.Pair<TExt>(coefficients[proximityMask + j], coefficients[proximityMask + d + j]);
        }

        TExt[] combined = CombineRows<TExt>(coefficients, eqRow, d);
        TExt[] evaluation = LigeroMasking.Multiply<TExt>(combined, LigeroMasking.Interpolate<TExt>(eqColumn), 2 * d);
        ReadOnlySpan<Goldilocks> masks = coefficients.AsSpan(rows * d, LigeroParameters.HidingMaskRows * d);
        for (int e = 0; e < 2 * d; e++)
        {
            evaluation[e] += LigeroMasking.Pair<TExt>(LigeroMasking.MaskCoefficient(masks, d, 0, e), LigeroMasking.MaskCoefficient(masks, d, 1, e));
        }

        int[] indices = LigeroProtocol.QueryColumns<TExt>(transcript, proximity, evaluation, n, parameters.ColumnQueries);
        Goldilocks[] columns = OpenedColumns(state, indices, out byte[] salts);
        return new LigeroOpeningProof<TExt>(proximity, evaluation, height, columns, salts, state.Tree.OpenBatch(indices));
    }
}
