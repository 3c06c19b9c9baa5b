using System.Numerics;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Commitments.Basefold;

/// <summary>
/// The prover of the Basefold multilinear commitment over <see cref="Goldilocks"/> with Reed–Solomon codes (Zeilberger, Chen,
/// Fisch, "BaseFold: efficient field-agnostic polynomial commitment schemes from foldable codes", CRYPTO 2024, eprint 2023/1705).
/// </summary>
/// <remarks>
/// <list type="number">
/// <item><description><b>Commit.</b> The table's univariate polynomial <c>P</c> (degree <c>&lt; 2^v</c>,
/// <see cref="BasefoldFolding"/>) is evaluated on the coset <c>s·H_(n_0)</c>, <c>n_0 = 2^(v+LogBlowup)</c>; column <c>j</c> of the
/// <c>2^(a_0) × n_0/2^(a_0)</c> layout (the <c>2^(a_0)</c> points a fold group combines), with a fresh 16-byte salt, is a Merkle
/// leaf; the commitment is the root.</description></item>
/// <item><description><b>Open at <c>z</c>.</b> The sumcheck of <c>f(z) = Σ_b f(b)·eq(z, b)</c> binds <c>x_1, x_2, …</c>; round
/// <c>i</c> sends <c>g_i(0), g_i(2)</c> (<c>g_i(1)</c> follows from the claim) and draws <c>α_i</c>, and the codeword is folded
/// with the same <c>α_i</c>, so after <c>R</c> rounds it encodes <c>f(α_1, …, α_R, ·)</c>. After each group of
/// <c>a_g</c> folds (but the last) the folded codeword is committed (unsalted leaves of <c>2^(a_g)</c> extension values).</description></item>
/// <item><description><b>Final.</b> The <c>2^ℓ</c> coefficients of <c>f(α, ·)</c> are sent; the verifier checks the last sumcheck
/// claim <c>= eq(z_(≤R), α)·f(α, z_(&gt;R))</c> from them.</description></item>
/// <item><description><b>Queries.</b> <c>t</c> transcript-random leaves of layer 0; each is followed through the layers (its fold
/// is a value of the next layer's leaf) and ends on the final polynomial. Leaves are deduplicated per layer and opened with one
/// Merkle batch proof each.</description></item>
/// </list>
/// Soundness: <see cref="BasefoldParameters"/>. Plain parameters do not hide: the round messages, the folded layers and the
/// opened leaves are functions of the table (the salts hide the unopened leaves of layer 0 only). Hiding parameters commit
/// <c>f̃</c> beside a mask table <c>g̃</c> and run the steps above on <c>f̃ + ρ·g̃</c> (<see cref="BasefoldParameters"/> remarks,
/// "Hiding"); such a commitment is opened once.
/// </remarks>
internal static class BasefoldProver
{
    /// <summary>Commits to the multilinear polynomial with the given hypercube evaluations.</summary>
    /// <param name="evaluations">The <c>2^v</c> evaluations, <c>1 ≤ v ≤ 27</c>, <c>x_1</c> most significant.</param>
    /// <param name="parameters">The parameters.</param>
    /// <param name="salts">The salt source; <see langword="null"/> uses <see cref="RandomSaltSource"/>.</param>
    /// <returns>The prover state, holding the public commitment.</returns>
    /// <exception cref="ArgumentException">The length is not a power of two, or the parameters do not support it.</exception>
    public static BasefoldProverState Commit(ReadOnlySpan<Goldilocks> evaluations, BasefoldParameters parameters, ISaltSource? salts = null) =>
        Commit(evaluations, parameters, salts, salts);

    /// <summary>
    /// As <see cref="Commit(ReadOnlySpan{Goldilocks}, BasefoldParameters, ISaltSource?)"/>, with the random part of a hiding
    /// commitment (the high entries of <c>f̃</c> and the mask table <c>g̃</c>) drawn from <paramref name="masks"/> (null: the CSPRNG).
    /// </summary>
    public static BasefoldProverState Commit(ReadOnlySpan<Goldilocks> evaluations, BasefoldParameters parameters, ISaltSource? salts, ISaltSource? masks)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (evaluations.Length < 2 || !BitOperations.IsPow2(evaluations.Length))
        {
            throw new ArgumentException("A committed table has a power-of-two length of at least 2.", nameof(evaluations));
        }

        int numVariables = BitOperations.Log2((uint)evaluations.Length);
        BasefoldSchedule schedule = parameters.Schedule(numVariables);
        Goldilocks[] table = evaluations.ToArray();
        Goldilocks[]? extended = null, mask = null;
        int n = schedule.LayerLength(0);
        var codeword = new Goldilocks[parameters.CommittedTables * n];
        if (parameters.Hiding)
        {
            // f̃(x, w) = f(x) for w = 0 and uniform otherwise (the e mask variables last, on the low bits); g̃ uniform.
            int e = parameters.MaskVariables(numVariables);
            var random = new LigeroMasking.SaltWords(masks ?? RandomSaltSource.Instance);
            extended = new Goldilocks[table.Length << e];
            mask = new Goldilocks[extended.Length];
            for (int i = 0; i < extended.Length; i++)
            {
                extended[i] = (i & ((1 << e) - 1)) == 0 ? table[i >> e] : Goldilocks.Sample(random);
                mask[i] = Goldilocks.Sample(random);
            }

            random.Clear();
            Encode(extended, codeword.AsSpan(0, n));
            Encode(mask, codeword.AsSpan(n, n));
        }
        else
        {
            Encode(table, codeword);
        }

        int leaves = schedule.LeafCount(0);
        var saltBytes = new byte[leaves * MerkleHasher.SaltLength];
        (salts ?? RandomSaltSource.Instance).Fill(saltBytes);
        MerkleTree tree = BuildTree(codeword, parameters.CommittedTables * schedule.LeafWidth(0), leaves, saltBytes);
        return new BasefoldProverState(new BasefoldCommitment(tree.Root, numVariables), parameters, table, extended, mask, codeword, saltBytes, tree);
    }

    /// <summary>Opens the committed polynomial at <paramref name="point"/>.</summary>
    /// <typeparam name="TExt">The extension field of the point and the challenges.</typeparam>
    /// <param name="transcript">The transcript, in the same state as the verifier's.</param>
    /// <param name="state">The prover state.</param>
    /// <param name="point">The point, of length <c>v</c>.</param>
    /// <param name="value">The evaluation <c>f(point)</c>, which the verifier must be given.</param>
    /// <returns>The opening.</returns>
    /// <exception cref="ArgumentException">The point has the wrong dimension.</exception>
    /// <exception cref="OpeningBudgetExhaustedException">A hiding commitment was already opened (it hides one opening).</exception>
    public static BasefoldOpening<TExt> Open<TExt>(Transcript transcript, BasefoldProverState state, ReadOnlySpan<TExt> point, out TExt value)
        where TExt : struct, IExtensionField<TExt>
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(state);
        int v = state.Commitment.NumVariables;
        if (point.Length != v)
        {
            throw new ArgumentException($"The point has {point.Length} coordinates; the commitment has {v} variables.", nameof(point));
        }

        state.BeginOpening();
        BasefoldParameters parameters = state.Parameters;
        BasefoldSchedule schedule = parameters.Schedule(v);
        TExt[] pointEq = EqPolynomial.Table(point);
        value = FieldKernels.DotBase<TExt>(pointEq, state.Table);
        BasefoldProtocol.Begin(transcript, state.Commitment, parameters, point, value);

        // The polynomial the folds work on: f itself, or h = f̃ + ρ·g̃ at (z, 0^e) when hiding, the mask's value sent first.
        TExt[] f, hCodeword = [];
        TExt[] eq;
        TExt? maskValue = null;
        if (state.Extended is { } extended && state.Mask is { } mask)
        {
            TExt[] extendedPoint = new TExt[schedule.NumVariables];
            point.CopyTo(extendedPoint);
            eq = EqPolynomial.Table<TExt>(extendedPoint);
            maskValue = FieldKernels.DotBase<TExt>(eq, mask);
            TExt rho = BasefoldProtocol.MaskChallenge(transcript, maskValue.Value);
            f = Combine(extended, mask, rho);
            int n = schedule.LayerLength(0);
            hCodeword = Combine(state.Codeword.AsSpan(0, n), state.Codeword.AsSpan(n, n), rho);
        }
        else
        {
            eq = pointEq;
            f = new TExt[state.Table.Length];
            for (int i = 0; i < f.Length; i++)
            {
                f[i] = TExt.FromBase(state.Table[i]);
            }
        }

        var messages = new TExt[2 * schedule.Rounds];
        var roots = new Digest256[schedule.LayerCount - 1];
        var trees = new MerkleTree[schedule.LayerCount];
        var layers = new TExt[schedule.LayerCount][];
        trees[0] = state.Tree;
        TExt[] folded = new TExt[schedule.LayerLength(0) / 2];
        int size = f.Length;
        int round = 0;
        for (int g = 0; g < schedule.LayerCount; g++)
        {
            int logLength = schedule.LogLayerLength(g);
            for (int r = 0; r < schedule.LogArity(g); r++, round++)
            {
                size = SumcheckRound(f, eq, size, messages.AsSpan(2 * round, 2));
                TExt alpha = BasefoldProtocol.Round<TExt>(transcript, messages.AsSpan(2 * round, 2));
                MultilinearPolynomial<TExt>.FoldInPlace(f.AsSpan(0, 2 * size), alpha);
                MultilinearPolynomial<TExt>.FoldInPlace(eq.AsSpan(0, 2 * size), alpha);
                Goldilocks shift = BasefoldFolding.LayerShift(schedule.LogLayerLength(0), logLength - r);
                int length = 1 << (logLength - r);
                if (round == 0 && hCodeword.Length != 0)
                {
                    BasefoldFolding.FoldLayer<TExt>(hCodeword, shift, alpha, folded.AsSpan(0, length / 2));
                }
                else if (round == 0)
                {
                    BasefoldFolding.FoldLayer(state.Codeword, shift, alpha, folded.AsSpan(0, length / 2));
                }
                else
                {
                    BasefoldFolding.FoldLayer<TExt>(folded.AsSpan(0, length), shift, alpha, folded.AsSpan(0, length / 2));
                }
            }

            if (g + 1 < schedule.LayerCount)
            {
                int length = schedule.LayerLength(g + 1);
                layers[g + 1] = folded[..length];
                trees[g + 1] = BuildExtensionTree<TExt>(layers[g + 1], schedule.LeafWidth(g + 1), schedule.LeafCount(g + 1));
                roots[g] = trees[g + 1].Root;
                BasefoldProtocol.LayerRoot(transcript, roots[g]);
            }
        }

        var final = new TExt[size];
        BasefoldFolding.Coefficients<TExt>(f.AsSpan(0, size), final);
        int[] queries = BasefoldProtocol.Queries<TExt>(transcript, schedule, parameters, final);
        int[][] chains = BasefoldProtocol.LeafChains(schedule, queries);
        var openings = new BasefoldLayerOpening[schedule.LayerCount];
        for (int g = 0; g < schedule.LayerCount; g++)
        {
            int[] leaves = BasefoldProtocol.DistinctSorted(chains[g]);
            openings[g] = g == 0 ? OpenBaseLayer(state, schedule, leaves) : OpenExtensionLayer(layers[g], trees[g], schedule, g, leaves);
        }

        return new BasefoldOpening<TExt>(messages, roots, final, openings, maskValue);
    }

    /// <summary>Writes <c>g(0), g(2)</c> of the round binding the first variable of the tables' first <paramref name="size"/> entries; returns the half size.</summary>
    private static int SumcheckRound<TExt>(TExt[] f, TExt[] eq, int size, Span<TExt> message)
        where TExt : struct, IExtensionField<TExt>
    {
        int half = size / 2;
        TExt at0 = TExt.Zero, at2 = TExt.Zero;
        for (int i = 0; i < half; i++)
        {
            TExt f0 = f[i], f1 = f[i + half], e0 = eq[i], e1 = eq[i + half];
            at0 += f0 * e0;
            at2 += (f1 + f1 - f0) * (e1 + e1 - e0);
        }

        message[0] = at0;
        message[1] = at2;
        return half;
    }

    private static void Encode(Goldilocks[] table, Span<Goldilocks> codeword)
    {
        var coefficients = new Goldilocks[table.Length];
        BasefoldFolding.Coefficients<Goldilocks>(table, coefficients);
        GoldilocksNtt.CosetEvaluate(coefficients, codeword);
        Array.Clear(coefficients);
    }

    private static TExt[] Combine<TExt>(ReadOnlySpan<Goldilocks> a, ReadOnlySpan<Goldilocks> b, TExt rho)
        where TExt : struct, IExtensionField<TExt>
    {
        var result = new TExt[a.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = TExt.FromBase(a[i]) + rho.MultiplyByBase(b[i]);
        }

        return result;
    }

    private static MerkleTree BuildTree(ReadOnlySpan<Goldilocks> matrix, int rows, int leaves, ReadOnlySpan<byte> salts)
    {
        var nodes = new Digest256[2 * leaves];
        Blake2sMultiHash.HashColumns(matrix, rows, leaves, salts, nodes.AsSpan(leaves, leaves));
        MerkleTree.BuildLevels(nodes);
        return MerkleTree.FromNodes(nodes, leaves);
    }

    /// <summary>The tree of an extension layer: leaf <c>j</c> hashes, under an all-zero salt, the coefficients of positions <c>j + m·L</c>.</summary>
    private static MerkleTree BuildExtensionTree<TExt>(ReadOnlySpan<TExt> layer, int width, int leaves)
        where TExt : struct, IExtensionField<TExt>
    {
        int degree = TExt.Degree;
        var matrix = new Goldilocks[layer.Length * degree];
        for (int m = 0; m < width; m++)
        {
            for (int j = 0; j < leaves; j++)
            {
                TExt x = layer[(m * leaves) + j];
                for (int c = 0; c < degree; c++)
                {
                    matrix[((m * degree) + c) * leaves + j] = x.GetCoefficient(c);
                }
            }
        }

        return BuildTree(matrix, width * degree, leaves, new byte[leaves * MerkleHasher.SaltLength]);
    }

    private static BasefoldLayerOpening OpenBaseLayer(BasefoldProverState state, BasefoldSchedule schedule, int[] leaves)
    {
        int count = schedule.LeafCount(0), width = state.Codeword.Length / count;
        var payloads = new Goldilocks[leaves.Length * width];
        var salts = new byte[leaves.Length * MerkleHasher.SaltLength];
        for (int i = 0; i < leaves.Length; i++)
        {
            for (int m = 0; m < width; m++)
            {
                payloads[(i * width) + m] = state.Codeword[(m * count) + leaves[i]];
            }

            state.Salts.AsSpan(leaves[i] * MerkleHasher.SaltLength, MerkleHasher.SaltLength).CopyTo(salts.AsSpan(i * MerkleHasher.SaltLength));
        }

        return new BasefoldLayerOpening(leaves.Length, width, payloads, salts, state.Tree.OpenBatch(leaves));
    }

    private static BasefoldLayerOpening OpenExtensionLayer<TExt>(TExt[] layer, MerkleTree tree, BasefoldSchedule schedule, int g, int[] leaves)
        where TExt : struct, IExtensionField<TExt>
    {
        int width = schedule.LeafWidth(g), count = schedule.LeafCount(g), degree = TExt.Degree;
        var payloads = new Goldilocks[leaves.Length * width * degree];
        for (int i = 0; i < leaves.Length; i++)
        {
            for (int m = 0; m < width; m++)
            {
                TExt x = layer[(m * count) + leaves[i]];
                for (int c = 0; c < degree; c++)
                {
                    payloads[(((i * width) + m) * degree) + c] = x.GetCoefficient(c);
                }
            }
        }

        return new BasefoldLayerOpening(leaves.Length, width * degree, payloads, [], tree.OpenBatch(leaves));
    }
}
