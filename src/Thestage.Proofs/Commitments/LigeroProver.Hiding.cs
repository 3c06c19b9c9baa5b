using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Commitments;

/// <content>The zero-knowledge variant (<see cref="LigeroParameters.Hiding"/>): randomized encoding and masking rows.</content>
public static partial class LigeroProver
{
    /// <summary>
    /// Commits with hiding: coefficient rows from <see cref="LigeroMasking.WriteCoefficients"/> (salts drawn first, then the
    /// masks, from the same source), each evaluated on the coset of length <c>n</c>, columns salted and hashed as usual.
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

        var encoded = new Goldilocks[height * n];
        if (height * n >= ParallelThreshold)
        {
            Parallel.For(0, height, i => GoldilocksNtt.CosetEvaluate(coefficients.AsSpan(i * d, d), encoded.AsSpan(i * n, n)));
        }
        else
        {
            for (int i = 0; i < height; i++)
            {
                GoldilocksNtt.CosetEvaluate(coefficients.AsSpan(i * d, d), encoded.AsSpan(i * n, n));
            }
        }

        var nodes = new Digest256[2 * n];
        Blake2sMultiHash.HashColumns(encoded, height, n, saltBytes, nodes.AsSpan(n, n));
        MerkleTree.BuildLevels(nodes);
        MerkleTree tree = MerkleTree.FromNodes(nodes, n);
        return new LigeroProverState(new LigeroCommitment(tree.Root, numVariables), parameters, table, encoded, saltBytes, tree, coefficients);
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
        var columns = new Goldilocks[indices.Length * height];
        var salts = new byte[indices.Length * MerkleHasher.SaltLength];
        for (int q = 0; q < indices.Length; q++)
        {
            int j = indices[q];
            for (int i = 0; i < height; i++)
            {
                columns[(q * height) + i] = state.Encoded[(i * n) + j];
            }

            state.Salts.AsSpan(j * MerkleHasher.SaltLength, MerkleHasher.SaltLength).CopyTo(salts.AsSpan(q * MerkleHasher.SaltLength));
        }

        return new LigeroOpeningProof<TExt>(proximity, evaluation, height, columns, salts, state.Tree.OpenBatch(indices));
    }
}
