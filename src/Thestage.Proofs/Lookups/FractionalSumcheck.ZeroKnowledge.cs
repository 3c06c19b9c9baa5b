using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Lookups;

/// <summary>
/// The prover's masks of the leaf layer in the last round of the last layer's sumcheck: for the prefix
/// <c>(s_0 … s_(L−3))</c> of that sumcheck's point and a child bit <c>y</c>, the leaves' masked extensions are
/// <c>p̃_L + X(1 − X)·κ_p</c> and <c>q̃_L + X(1 − X)·κ_q</c> at <c>(prefix, X, y)</c>.
/// </summary>
internal delegate (T P, T Q) LeafMask<T>(ReadOnlySpan<T> prefix, T y)
    where T : struct, IExtensionField<T>;

/// <summary>The zero-knowledge fraction GKR: every layer's claims and the root are hidden (see remarks).</summary>
/// <remarks>
/// <para>
/// After Libra (Xie, Zhang, Zhang, Papamanthou, Song, CRYPTO 2019, eprint 2019/317) §4.2, with the layers of
/// Papini–Haböck (eprint 2023/1284). Layer <c>j ∈ [1, L)</c> of the tree (variables <c>(x_0 … x_(j−2), y)</c>) is read through
/// <c>ṗ_j = p̃_j + Z_j·Σ_(w∈{0,1}) R^p_j(y, w)</c> and <c>q̇_j = q̃_j + Z_j·Σ_w R^q_j(y, w)</c> with
/// <c>R_j(y, w) = a_0 + a_1·y + a_2·w</c> (three uniform extension coefficients each, reserved in the masking pool before
/// <c>α</c>) and <c>Z_j = x_(j−2)(1 − x_(j−2))</c>: it vanishes on the cube, and its variable is the <em>last sumcheck variable</em> of
/// layer <c>j − 1</c>, never the child bit <c>y</c> that the GKR fixes to 0 or 1 when it reads the children (a mask vanishing there
/// would hide nothing). Layer 1 has no such variable: its mask is <c>y(1 − y)·Σ_w R_1(0, w)</c> and the root step reads it at
/// random points instead of at 0 and 1 — the root claim <c>p_0 = Σ_(y∈{0,1}) p̃_1(y)·q̃_1(1 − y) = 0</c> is a sumcheck of one
/// variable and degree 4 ending at <c>t</c>, with claims <c>ṗ_1(t)</c> and <c>q̇_1(1 − t)</c>; <c>q_0</c> is not sent. The leaves are masked
/// by the caller's masked extensions (<see cref="LogUpArgument"/>), on the same variable.
/// </para>
/// <para>
/// Layer <c>j</c>'s sumcheck proves <c>ṗ_j(z_p) + λ·q̇_j(z_q) = Σ_(x∈{0,1}^j) eq(z_p, x)·(ṗL·q̇R + ṗR·q̇L) + λ·eq(z_q, x)·q̇L·q̇R + T_j(x)</c>,
/// <c>z_p = z_q = (s, ρ)</c> (for <c>j = 1</c>: <c>t</c> and <c>1 − t</c>), children masked as above, and
/// <c>T_j(x) = 2^(−(j−1))·Z_j(z)·(R^p_j(z_y, x_0) + λ·R^q_j(z_y, x_0))</c> (<c>z_y</c> the claim's child coordinate; 0 for layer 1), whose cube
/// sum is the claim's mask. The children's masks vanish while <c>x_(j−1)</c> is Boolean, so rounds <c>0 … j−2</c> are the plain
/// kernel's (<see cref="FractionLayerKernel"/>), extended to degree 5, plus <c>T_j</c>; the last round adds <c>X(1 − X)·κ</c> to each
/// child (degree 5). The prover then sends the four children and <c>E_j = R^p_j(z_y, s_0) + λ·R^q_j(z_y, s_0)</c>, a linear functional of
/// the pool batched into its opening (<see cref="SumcheckMaskPool{T}.AddLinear"/>). Every sumcheck is masked by Libra's <c>g</c>
/// (<see cref="SumcheckMask{T}"/>) of degree 5 (4 at the root).
/// </para>
/// <para>
/// <b>What is revealed of <c>R_j</c></b>: the four children of layer <c>j − 1</c>
/// (<c>Z_j(s)·Σ_w R^p_j(0, w)</c>, <c>Z_j(s)·Σ_w R^p_j(1, w)</c>, the same for <c>q</c>) and <c>E_j</c>: five linear functionals of six
/// coefficients, independent unless <c>s_0 = ½</c> (the determinant of the <c>p</c> part is <c>4s_0 − 2</c>) or <c>Z_j(s) = 0</c>; layer 1:
/// three functionals of four used coefficients. So the revealed claims are uniform and independent of the witness except with
/// probability <c>3/|E|</c> per layer; every round polynomial is uniform subject to the sumcheck's constraints (Libra §4.1).
/// </para>
/// <para>
/// <b>Soundness</b>: the masks are fixed by the pool's root before <c>α</c>; a sumcheck of degree 5 in <c>j</c> variables errs with
/// probability <c>5j/|E|</c>, plus <c>λ</c>, the line <c>ρ</c>, the mask's <c>ρ_g</c> and <c>α_g</c> and the batching of <c>E_j</c>: <c>(5j + 5)/|E|</c> per
/// layer, <c>6/|E|</c> for the root; without <c>q_0 ≠ 0</c> checked, a zero denominator (a value equal to <c>α</c>) is counted once more as
/// <c>(N + |T|)/|E|</c> (<see cref="LogUpArgument.SoundnessBits"/>).
/// </para>
/// </remarks>
internal static partial class FractionalSumcheck
{
    /// <summary>The coefficients of one masked layer: <c>R^p_j</c> then <c>R^q_j</c>, three each.</summary>
    public const int LayerMaskCoefficients = 6;

    private const int RootDegree = 4;
    private const int LayerDegree = 5;
    private const string ZeroKnowledgeRoundLabel = "fraction/zk-round";
    private const string ZeroKnowledgeChildrenLabel = "fraction/zk-children";

    /// <summary>
    /// Proves <c>Σ p/q = 0</c> in zero knowledge over leaves split as in <see cref="ProveSplit{T}"/> (<c>L ≥ 2</c>), with the layer masks
    /// <paramref name="layerMasks"/> (<see cref="LayerMaskCoefficients"/> per layer <c>1 … L−1</c>) reserved in the builder's pool at
    /// <paramref name="maskChunk"/>/<paramref name="maskOffset"/>; returns the leaf point <c>z</c>, at which the caller justifies the leaves'
    /// masked extensions (whose last-round masks <paramref name="leafMask"/> gives). <paramref name="shiftClaimThroughMask"/> makes a
    /// cheating prover (tests only): it proves the root claim 0 whatever the sum is, passes the false claim to layer 1 and absorbs
    /// it there in <c>E_1</c>, as if <c>R_1</c> were chosen after the challenges — only the pool's opening can refuse it.
    /// </summary>
    public static T[] ProveZeroKnowledge<T>(
        Transcript transcript,
        ProofBuilder<T> builder,
        T[][] leaves,
        int half,
        T[] layerMasks,
        SumcheckMaskPool<T>.Chunk maskChunk,
        int maskOffset,
        LeafMask<T> leafMask,
        bool shiftClaimThroughMask = false)
        where T : struct, IExtensionField<T>
    {
        int logSize = System.Numerics.BitOperations.Log2((uint)half) + 1;
        SumcheckMaskPool<T> pool = builder.Masks ?? throw new ArgumentException("A zero-knowledge GKR needs a masking pool.", nameof(builder));
        if (logSize < 2 || layerMasks.Length != LayerMaskCoefficients * (logSize - 1))
        {
            throw new ArgumentException("A zero-knowledge GKR has at least two layers and six mask coefficients per inner layer.", nameof(layerMasks));
        }

        var rented = new List<T[]>();
        try
        {
            T[][][] layers = BuildLayers(leaves, half, rented);
            T[][] top = layers[1];
            T sum = shiftClaimThroughMask ? (top[0][0] * top[3][0]) + (top[1][0] * top[2][0]) : T.Zero;
            (T t, T error) = ProveRoot(transcript, builder, pool, top, Kappa(layerMasks, 1, T.Zero), sum);
            T[] equality = Rent(rented, half);
            T[] z = [t];
            for (int j = 1; j < logSize; j++)
            {
                T lambda = transcript.Challenge<T>(BatchLabel);
                z = ProveMaskedLayer(transcript, builder, pool, z, lambda, layers[j + 1], j, logSize, layerMasks, maskChunk, maskOffset, leafMask, equality, j == 1 ? error : T.Zero);
            }

            return z;
        }
        finally
        {
            Return(rented);
        }
    }

    /// <summary>The weights of <c>E_j = R^p_j(y, s_0) + λ·R^q_j(y, s_0)</c> on the layer's six coefficients.</summary>
    internal static T[] EvaluationWeights<T>(T y, T s0, T lambda)
        where T : struct, IExtensionField<T> => [T.One, y, s0, lambda, lambda * y, lambda * s0];

    /// <summary><c>(Σ_w R^p_j(y, w), Σ_w R^q_j(y, w)) = (2a_0 + 2a_1·y + a_2, 2b_0 + 2b_1·y + b_2)</c>: the masks of layer <c>j</c> at child bit <c>y</c>, per unit of <c>Z_j</c>.</summary>
    internal static (T P, T Q) Kappa<T>(ReadOnlySpan<T> layerMasks, int layer, T y)
        where T : struct, IExtensionField<T>
    {
        ReadOnlySpan<T> r = layerMasks.Slice(LayerMaskCoefficients * (layer - 1), LayerMaskCoefficients);
        T two = T.FromUInt64(2);
        return ((two * (r[0] + (r[1] * y))) + r[2], (two * (r[3] + (r[4] * y))) + r[5]);
    }

    /// <summary>
    /// The root step: the masked sumcheck of <c>Σ_y ṗ_1(y)·q̇_1(1 − y) = 0</c>; returns <c>t</c> and the error of the sent <c>ṗ_1(t)</c> (zero
    /// unless a forger shifts the rounds by <paramref name="forgedSum"/><c>/2</c> to claim 0 for that sum).
    /// </summary>
    private static (T T, T Error) ProveRoot<T>(Transcript transcript, ProofBuilder<T> builder, SumcheckMaskPool<T> pool, T[][] top, (T P, T Q) kappa, T forgedSum)
        where T : struct, IExtensionField<T>
    {
        T shift = forgedSum * T.FromBase(Goldilocks.Invert(new Goldilocks(2)));
        T p0 = top[0][0], p1 = top[1][0], q0 = top[2][0], q1 = top[3][0];
        SumcheckMask<T> mask = pool.Take(transcript, 1, RootDegree);
        transcript.Absorb(SumcheckLabels.MaskSum, mask.Sum);
        mask.Weight = transcript.Challenge<T>(SumcheckLabels.MaskWeight);
        var values = new T[RootDegree + 1];
        for (int x = 0; x < values.Length; x++)
        {
            (T p, T q) = RootFactors(T.FromUInt64((ulong)x));
            values[x] = (p * q) - shift;
        }

        mask.AddRound(values, 0);
        transcript.Absorb<T>(ZeroKnowledgeRoundLabel, values);
        T t = transcript.Challenge<T>(ChallengeLabel);
        mask.Bind(0, t);
        (T pt, T qt) = RootFactors(t);
        T error = -(shift * T.Invert(qt));
        T[] claims = [pt + error, qt];
        transcript.Absorb<T>(ZeroKnowledgeChildrenLabel, claims);
        SumcheckMaskPool<T>.Finish(transcript, mask, [t], RootDegree);
        builder.AddSumcheck(new SumcheckProof<T>([values], claims, mask.Sum, mask.Value));
        return (t, error);

        // ṗ_1(Y) and q̇_1(1 − Y); the mask Y(1 − Y) is symmetric.
        (T P, T Q) RootFactors(T y)
        {
            T v = MaskedExtension.Vanishing(y);
            return (p0 + (y * (p1 - p0)) + (v * kappa.P), q1 + (y * (q0 - q1)) + (v * kappa.Q));
        }
    }

    /// <summary>
    /// Layer <c>j</c>'s masked sumcheck (see remarks); returns the next claim point <c>(s, ρ)</c>. A nonzero <paramref name="claimError"/> (a
    /// forger's, below the root) is carried by shifting the rounds and absorbed in <c>E_j</c>.
    /// </summary>
    private static T[] ProveMaskedLayer<T>(
        Transcript transcript,
        ProofBuilder<T> builder,
        SumcheckMaskPool<T> pool,
        T[] z,
        T lambda,
        T[][] tables,
        int j,
        int logSize,
        T[] layerMasks,
        SumcheckMaskPool<T>.Chunk maskChunk,
        int maskOffset,
        LeafMask<T> leafMask,
        T[] equality,
        T claimError)
        where T : struct, IExtensionField<T>
    {
        // The claim points: (t, 1 − t) below the root, else z for both; the claim's vanishing factor and child coordinate.
        T zp = z[^1], zq = j == 1 ? T.One - z[0] : z[^1];
        (T vanishing, T y) = j == 1 ? (MaskedExtension.Vanishing(z[0]), T.Zero) : (MaskedExtension.Vanishing(z[j - 2]), z[j - 1]);
        ReadOnlySpan<T> r = layerMasks.AsSpan(LayerMaskCoefficients * (j - 1), LayerMaskCoefficients);
        T rho0 = r[0] + (r[1] * y) + (lambda * (r[3] + (r[4] * y)));
        T rho1 = r[2] + (lambda * r[5]);
        SumcheckMask<T> mask = pool.Take(transcript, j, LayerDegree);
        transcript.Absorb(SumcheckLabels.MaskSum, mask.Sum);
        mask.Weight = transcript.Challenge<T>(SumcheckLabels.MaskWeight);

        var rounds = new T[j][];
        var s = new T[j];
        int size = 1 << j;
        T scale = T.One, challenge = T.Zero, three = T.FromUInt64(3);
        for (int round = 0; round < j - 1; round++)
        {
            // Rounds with x_(j−1) still Boolean: the children's masks vanish, so these are the plain kernel's values (degree 3), extended.
            int half = size >> (round + 1);
            EqPolynomial.Table<T>(z.AsSpan(round + 1), equality.AsSpan(0, half));
            (T h0, T h1, T h2) = FractionLayerKernel.Round(tables, equality, round == 0 ? half : 2 * half, challenge, round > 0, lambda);
            T h3 = h0 + (three * (h2 - h1));
            T e0 = T.One - z[round];
            T slope = z[round] - e0;
            T e1 = e0 + slope, e2 = e1 + slope, e3 = e2 + slope;
            T[] cubic = [scale * e0 * h0, scale * e1 * h1, scale * e2 * h2, scale * e3 * h3];
            var values = new T[LayerDegree + 1];
            for (int x = 0; x < values.Length; x++)
            {
                T node = T.FromUInt64((ulong)x);
                values[x] = (x < 4 ? cubic[x] : UnivariatePolynomial.EvaluateFromNodeValues<T>(cubic, node))
                    + (InversePowerOfTwo<T>(round) * vanishing * (rho0 + (rho1 * (round == 0 ? node : s[0]))));
            }

            challenge = BindRound(transcript, mask, rounds, s, round, values);
            scale *= e0 + (challenge * slope);
        }

        if (j > 1)
        {
            foreach (T[] table in tables)
            {
                MultilinearPolynomial<T>.FoldInPlace(table.AsSpan(0, 4), challenge);
            }
        }

        // The last round: every child is lo + X(hi − lo) + X(1 − X)·κ.
        (T P, T Q) left, right;
        if (j + 1 < logSize)
        {
            left = Kappa<T>(layerMasks, j + 1, T.Zero);
            right = Kappa<T>(layerMasks, j + 1, T.One);
        }
        else
        {
            left = leafMask(s.AsSpan(0, j - 1), T.Zero);
            right = leafMask(s.AsSpan(0, j - 1), T.One);
        }

        T[] kappas = [left.P, right.P, left.Q, right.Q];
        T lastR = j == 1 ? T.Zero : InversePowerOfTwo<T>(j - 1) * vanishing * (rho0 + (rho1 * s[0]));
        var last = new T[LayerDegree + 1];
        for (int x = 0; x < last.Length; x++)
        {
            T node = T.FromUInt64((ulong)x);
            T[] c = Children(tables, kappas, node);
            T ep = T.One - zp + (node * (zp + zp - T.One)), eq = T.One - zq + (node * (zq + zq - T.One));
            last[x] = (scale * ((ep * ((c[0] * c[3]) + (c[1] * c[2]))) + (lambda * eq * c[2] * c[3])))
                + (j == 1 ? vanishing * (rho0 + (rho1 * node)) : lastR);
        }

        T forged = claimError * T.FromBase(Goldilocks.Invert(new Goldilocks(2)));
        for (int x = 0; x < last.Length; x++)
        {
            last[x] += forged;
        }

        challenge = BindRound(transcript, mask, rounds, s, j - 1, last);
        T e = rho0 + (rho1 * s[0]);
        if (!claimError.IsZero)
        {
            e += forged * T.Invert(vanishing);
        }

        T[] evaluations = [.. Children(tables, kappas, challenge), e];
        transcript.Absorb<T>(ZeroKnowledgeChildrenLabel, evaluations);
        SumcheckMaskPool<T>.Finish(transcript, mask, s, LayerDegree);
        SumcheckMaskPool<T>.AddLinear(transcript, maskChunk, maskOffset + (2 * LayerMaskCoefficients * (j - 1)), EvaluationWeights(y, s[0], lambda), evaluations[4]);
        builder.AddSumcheck(new SumcheckProof<T>(rounds, evaluations, mask.Sum, mask.Value));
        T line = transcript.Challenge<T>(LineLabel);
        return [.. s, line];
    }

    /// <summary>The four children <c>(ṗL, ṗR, q̇L, q̇R)</c> on the last variable at <paramref name="x"/>, from two-entry tables.</summary>
    private static T[] Children<T>(T[][] tables, T[] kappas, T x)
        where T : struct, IExtensionField<T>
    {
        T vanishing = MaskedExtension.Vanishing(x);
        var children = new T[4];
        for (int k = 0; k < 4; k++)
        {
            children[k] = tables[k][0] + (x * (tables[k][1] - tables[k][0])) + (vanishing * kappas[k]);
        }

        return children;
    }

    private static T BindRound<T>(Transcript transcript, SumcheckMask<T> mask, T[][] rounds, T[] s, int round, T[] values)
        where T : struct, IExtensionField<T>
    {
        mask.AddRound(values, round);
        rounds[round] = values;
        transcript.Absorb<T>(ZeroKnowledgeRoundLabel, values);
        T challenge = transcript.Challenge<T>(ChallengeLabel);
        s[round] = challenge;
        mask.Bind(round, challenge);
        return challenge;
    }

    private static T InversePowerOfTwo<T>(int exponent)
        where T : struct, IExtensionField<T> =>
        T.FromBase(Goldilocks.Pow(Goldilocks.Invert(new Goldilocks(2)), (ulong)exponent));
}
