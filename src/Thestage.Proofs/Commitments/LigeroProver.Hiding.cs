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
    /// Commits with hiding: coefficient rows from <see cref="LigeroMasking.WriteCoefficients"/> (the salts drawn first from
    /// <paramref name="salts"/>, then the masks from <paramref name="masks"/>, which may be the same source), evaluated on the
    /// coset of length <c>n</c> and hashed a block of columns at a time (<see cref="HashBlocks"/>).
    /// </summary>
    private static LigeroProverState CommitHiding(ReadOnlySpan<Goldilocks> evaluations, LigeroParameters parameters, ISaltSource salts, ISaltSource masks)
    {
        (int numVariables, int rows, int k, int n) = Shape(evaluations, parameters);
        int height = parameters.CommittedRows(numVariables);
        int d = parameters.DegreeBound(k);
        Goldilocks[] table = evaluations.ToArray();
        var saltBytes = new byte[n * MerkleHasher.SaltLength];
        salts.Fill(saltBytes);

        var coefficients = new Goldilocks[height * d];
        var words = new LigeroMasking.SaltWords(masks);
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
    /// <c>q = (Σ eq(r_row, i) P_i)·ê + λ·μ</c>, both as coefficient vectors (of lengths <c>D</c> and <c>2D</c>), then the
    /// queried columns of all rows. <c>R</c> and <c>μ</c> are the opening's own mask set and <c>λ</c> a challenge drawn after the
    /// value when the parameters have an opening budget (one set and <c>λ = 1</c> otherwise). See <see cref="LigeroParameters"/> remarks.
    /// </summary>
    private static LigeroOpeningProof<TExt> OpenHiding<TExt>(Transcript transcript, LigeroProverState state, ReadOnlySpan<TExt> point, out TExt value)
        where TExt : struct, IExtensionField<TExt>
    {
        int rowVariables = state.Parameters.RowVariables(state.Commitment.NumVariables);
        return OpenHiding(transcript, state, point, [new LigeroFunctionalTerm<TExt>(EqPolynomial.Table(point[..rowVariables]), EqPolynomial.Table(point[rowVariables..]))], out value);
    }

    /// <summary>
    /// Opens a hiding commitment at the linear functional <c>Φ = Σ_t a_t ⊗ b_t</c> of the table (row weights <c>a_t</c>, column
    /// weights <c>b_t</c>; a multilinear evaluation is the single term <c>eq(r_row) ⊗ eq(r_col)</c>): as <see cref="OpenHiding{TExt}(Transcript, LigeroProverState, ReadOnlySpan{TExt}, out TExt)"/>
    /// with <c>q = Σ_t (Σ_i a_t,i P_i)·b̂_t + μ</c>, whose sum over <c>H_k</c> is <c>value = ⟨Φ, M⟩</c> and whose degree stays below
    /// <c>2D</c>. <paramref name="binding"/> is absorbed in place of the point (the caller's transcript must already fix <c>Φ</c>).
    /// </summary>
    internal static LigeroOpeningProof<TExt> OpenHiding<TExt>(
        Transcript transcript, LigeroProverState state, ReadOnlySpan<TExt> binding, IReadOnlyList<LigeroFunctionalTerm<TExt>> terms, out TExt value)
        where TExt : struct, IExtensionField<TExt>
    {
        if (TExt.Degree != LigeroParameters.HidingExtensionDegree)
        {
            throw new NotSupportedException("Hiding openings are laid out for a quadratic extension.");
        }

        LigeroParameters parameters = state.Parameters;
        int rows = state.RowCount, k = state.RowLength, n = state.CodewordLength, height = state.CommittedRowCount;
        int d = parameters.DegreeBound(k);
        Goldilocks[] coefficients = state.Coefficients!;
        value = TExt.Zero;
        var evaluation = new TExt[2 * d];
        foreach (LigeroFunctionalTerm<TExt> term in terms)
        {
            value += FieldMath.InnerProduct<TExt>(CombineRows(state.Evaluations, term.RowWeights, k), term.ColumnWeights);
            TExt[] product = LigeroMasking.Multiply<TExt>(CombineRows<TExt>(coefficients, term.RowWeights, d), LigeroMasking.Interpolate<TExt>(term.ColumnWeights), 2 * d);
            for (int e = 0; e < product.Length; e++)
            {
                evaluation[e] += product[e];
            }
        }

        int set = state.TakeMaskSet();
        (TExt[] gamma, TExt scale) = LigeroProtocol.BeginOpening(transcript, state.Commitment, parameters, binding, value, rows + LigeroMasking.EvaluationMaskRows, set);
        int maskRow = rows + (set * LigeroParameters.HidingMaskRows);
        TExt[] proximity = CombineRows<TExt>(coefficients, gamma.AsSpan(0, rows), d);
        AddCombinedRows(proximity, gamma.AsSpan(rows), coefficients.AsSpan(maskRow * d, LigeroMasking.EvaluationMaskRows * d), d);
        int proximityMask = (maskRow + LigeroMasking.EvaluationMaskRows) * d;
        for (int j = 0; j < d; j++)
        {
            proximity[j] += LigeroMasking.Pair<TExt>(coefficients[proximityMask + j], coefficients[proximityMask + d + j]);
        }

        ReadOnlySpan<Goldilocks> masks = coefficients.AsSpan(maskRow * d, LigeroParameters.HidingMaskRows * d);
        for (int e = 0; e < 2 * d; e++)
        {
            evaluation[e] += scale * LigeroMasking.Pair<TExt>(LigeroMasking.MaskCoefficient(masks, d, 0, e), LigeroMasking.MaskCoefficient(masks, d, 1, e));
        }

        int[] indices = LigeroProtocol.QueryColumns<TExt>(transcript, proximity, evaluation, n, parameters.ColumnQueries);
        Goldilocks[] columns = OpenedColumns(state, indices, out byte[] salts);
        return new LigeroOpeningProof<TExt>(proximity, evaluation, height, columns, salts, state.Tree.OpenBatch(indices), parameters.OpeningBudget > 0 ? set : null);
    }
}
