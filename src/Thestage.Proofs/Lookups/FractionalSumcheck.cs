using System.Buffers;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Lookups;

/// <summary>
/// Proves <c>Σ_{x∈{0,1}^L} p(x)/q(x) = 0</c> layer by layer over the binary tree of fraction sums, without
/// committing to any inverse (Papini and Haböck, "Improving logarithmic derivative lookups using GKR",
/// eprint 2023/1284, §3; the layered reduction is GKR's, Goldwasser, Kalai, Rothblum, JACM 2015).
/// </summary>
/// <remarks>
/// <para>
/// Layer <c>k</c> has <c>2^k</c> fractions with <c>p_k(x) = p_{k+1}(x,0)·q_{k+1}(x,1) + p_{k+1}(x,1)·q_{k+1}(x,0)</c> and
/// <c>q_k(x) = q_{k+1}(x,0)·q_{k+1}(x,1)</c> (the pair index is the last variable). The prover sends only
/// <c>q_0</c>; the verifier requires <c>p_0 = 0</c> and <c>q_0 ≠ 0</c>. A claim <c>(p̃_k(z), q̃_k(z))</c> is reduced with
/// a random <c>λ</c> and a degree-3 sumcheck of
/// <c>Σ_x eq(z,x)·(p_L q_R + p_R q_L + λ q_L q_R)</c> to the four values at the sumcheck point <c>s</c>, then to
/// <c>(p̃_{k+1}, q̃_{k+1})</c> at <c>(s, ρ)</c> for random <c>ρ</c> by linearity in the last variable.
/// </para>
/// <para>
/// Soundness error, per layer <c>k</c>: <c>3k/|F|</c> (sumcheck) + <c>1/|F|</c> (λ) + <c>1/|F|</c> (ρ); over all layers
/// at most <c>(1.5·L² + 2L)/|F|</c>. With a masking pool (<see cref="ProofBuilder{T}.Masks"/>) each layer's sumcheck is the
/// zero-knowledge one of <see cref="SumcheckMask{T}"/> (degree 3, <c>k</c> variables): one more <c>1/|F|</c> per layer for
/// the mask's <c>ρ</c> and one for its batched <c>g(r)</c>, at most <c>(1.5·L² + 4L)/|F|</c>.
/// </para>
/// </remarks>
internal static partial class FractionalSumcheck
{
    private const string RootLabel = "fraction/q-root";
    private const string BatchLabel = "fraction/lambda";
    private const string RoundLabel = "fraction/round";
    private const string ChallengeLabel = "fraction/challenge";
    private const string ChildrenLabel = "fraction/children";
    private const string LineLabel = "fraction/rho";

    /// <summary>Proves the sum; returns the leaf point <c>z</c> at which the caller must justify <c>p̃, q̃</c>.</summary>
    public static T[] Prove<T>(Transcript transcript, ProofBuilder<T> builder, T[] p, T[] q)
        where T : struct, IExtensionField<T>
    {
        if (p.Length == 1)
        {
            builder.Send(transcript, RootLabel, [q[0]]);
            return [];
        }

        int half = p.Length / 2;
        T[][] leaves = [new T[half], new T[half], new T[half], new T[half]];
        FractionLayerKernel.Split(p, leaves[0], leaves[1]);
        FractionLayerKernel.Split(q, leaves[2], leaves[3]);
        return ProveSplit(transcript, builder, leaves, half);
    }

    /// <summary>
    /// <see cref="Prove{T}"/> on leaves given split into their left (even) and right (odd) halves <c>pL, pR, qL, qR</c>, each of
    /// <paramref name="half"/> entries (the arrays may be longer); they are folded in place.
    /// </summary>
    public static T[] ProveSplit<T>(Transcript transcript, ProofBuilder<T> builder, T[][] leaves, int half)
        where T : struct, IExtensionField<T>
    {
        int logSize = System.Numerics.BitOperations.Log2((uint)half) + 1;
        var rented = new List<T[]>();
        try
        {
            T[][][] layers = BuildLayers(leaves, half, rented);
            T root = layers[1][2][0] * layers[1][3][0];
            builder.Send(transcript, RootLabel, [root]);
            T[] equality = Rent(rented, half);
            T[] z = [];
            for (int k = 0; k < logSize; k++)
            {
                T lambda = transcript.Challenge<T>(BatchLabel);
                z = ProveLayer(transcript, builder, z, lambda, layers[k + 1], 1 << k, equality);
            }

            return z;
        }
        finally
        {
            Return(rented);
        }
    }

    /// <summary>
    /// The layers of the fraction tree over split leaves: entry <c>k ≥ 1</c> holds layer <c>k</c> as the left and right children
    /// <c>(pL, pR, qL, qR)</c> of layer <c>k − 1</c>, <c>2^(k−1)</c> entries each (pooled arrays, recorded in <paramref name="rented"/>).
    /// </summary>
    private static T[][][] BuildLayers<T>(T[][] leaves, int half, List<T[]> rented)
        where T : struct, IExtensionField<T>
    {
        int logSize = System.Numerics.BitOperations.Log2((uint)half) + 1;
        var layers = new T[logSize + 1][][];
        layers[logSize] = leaves;
        for (int k = logSize - 1; k >= 1; k--)
        {
            T[][] children = layers[k + 1];
            int count = 1 << (k - 1);
            T[][] parent = [Rent(rented, count), Rent(rented, count), Rent(rented, count), Rent(rented, count)];
            FractionLayerKernel.Parent(children[0], children[1], children[2], children[3], count, (parent[0], parent[1]), (parent[2], parent[3]));
            layers[k] = parent;
        }

        return layers;
    }

    private static T[] Rent<T>(List<T[]> rented, int length)
    {
        T[] array = ArrayPool<T>.Shared.Rent(length);
        rented.Add(array);
        return array;
    }

    private static void Return<T>(List<T[]> rented)
    {
        foreach (T[] array in rented)
        {
            ArrayPool<T>.Shared.Return(array, clearArray: true);
        }
    }

    /// <summary>Verifies the sum; on success returns the leaf point and the claimed <c>p̃(z), q̃(z)</c>.</summary>
    public static bool Verify<T>(Transcript transcript, ProofCursor<T> cursor, int logSize, out T[] point, out T pClaim, out T qClaim)
        where T : struct, IExtensionField<T>
    {
        point = [];
        pClaim = T.Zero;
        qClaim = T.Zero;
        if (!cursor.TryReceive(transcript, RootLabel, 1, out T[] root) || root[0].IsZero)
        {
            return false;
        }

        qClaim = root[0];
        for (int k = 0; k < logSize; k++)
        {
            T lambda = transcript.Challenge<T>(BatchLabel);
            if (!cursor.TryNextSumcheck(out SumcheckProof<T>? proof) || proof!.RoundCount != k || proof.FactorEvaluations.Length != 4
                || proof.IsMasked != cursor.Masks is not null)
            {
                return false;
            }

            T claim = pClaim + (lambda * qClaim);
            (int Chunk, int Offset)? slot = cursor.Masks?.TryTake(transcript, k, 3);
            T weight = T.Zero;
            if (cursor.Masks is not null)
            {
                if (slot is null)
                {
                    return false;
                }

                transcript.Absorb(SumcheckLabels.MaskSum, proof.MaskSum);
                weight = transcript.Challenge<T>(SumcheckLabels.MaskWeight);
                claim += weight * proof.MaskSum;
            }

            var s = new T[k];
            for (int round = 0; round < k; round++)
            {
                ReadOnlySpan<T> values = proof.GetRoundPolynomial(round);
                if (values.Length != 4 || values[0] + values[1] != claim)
                {
                    return false;
                }

                transcript.Absorb(RoundLabel, values);
                s[round] = transcript.Challenge<T>(ChallengeLabel);
                claim = UnivariatePolynomial.EvaluateFromNodeValues(values, s[round]);
            }

            ReadOnlySpan<T> children = proof.FactorEvaluations;
            transcript.Absorb(ChildrenLabel, children);
            T pl = children[0], pr = children[1], ql = children[2], qr = children[3];
            T final = EqPolynomial.Evaluate<T>(point, s) * ((pl * qr) + (pr * ql) + (lambda * ql * qr));
            if (cursor.Masks is not null)
            {
                final += weight * proof.MaskValue;
                cursor.Masks.Accumulate(transcript, slot!.Value, s, 3, proof.MaskValue);
            }

            if (final != claim)
            {
                return false;
            }

            T rho = transcript.Challenge<T>(LineLabel);
            pClaim = pl + (rho * (pr - pl));
            qClaim = ql + (rho * (qr - ql));
            point = [.. s, rho];
        }

        return true;
    }

    /// <summary>
    /// The layer's sumcheck of <c>Σ_x eq(z, x)·h(x)</c>, <c>h = pL qR + pR qL + λ qL qR</c>, with the equality factor split off
    /// (Gruen, "Some improvements for the PIOP for ZeroCheck", eprint 2024/108, §3): in round <c>j</c>,
    /// <c>g(t) = C_j · eq(z_j, t) · H(t)</c> with <c>C_j = Π_{i&lt;j} eq(z_i, s_i)</c> and <c>H(t) = Σ_x eq(z_{&gt;j}, x)·h(s, t, x)</c> of
    /// degree 2, so only <c>H(0), H(1), H(2)</c> are summed (<c>H(3) = H(0) − 3H(1) + 3H(2)</c>) and no equality table is folded.
    /// The round polynomial is the same as summing <c>eq·h</c> directly, so are the messages.
    /// </summary>
    private static T[] ProveLayer<T>(Transcript transcript, ProofBuilder<T> builder, T[] z, T lambda, T[][] tables, int size, T[] equality)
        where T : struct, IExtensionField<T>
    {
        int k = z.Length;
        SumcheckMask<T>? mask = builder.Masks?.Take(transcript, k, 3);
        if (mask is not null)
        {
            transcript.Absorb(SumcheckLabels.MaskSum, mask.Sum);
            mask.Weight = transcript.Challenge<T>(SumcheckLabels.MaskWeight);
        }

        var rounds = new T[k][];
        var s = new T[k];
        T scale = T.One;
        T three = T.FromUInt64(3);
        T r = T.Zero;
        for (int round = 0; round < k; round++)
        {
            int half = size >> (round + 1);
            EqPolynomial.Table<T>(z.AsSpan(round + 1), equality.AsSpan(0, half));
            (T h0, T h1, T h2) = FractionLayerKernel.Round(tables, equality, round == 0 ? half : 2 * half, r, round > 0, lambda);
            T h3 = h0 + (three * (h2 - h1));
            T e0 = T.One - z[round];
            T slope = z[round] - e0; // eq(z_j, t) = e0 + t·(2 z_j − 1)
            T e1 = e0 + slope, e2 = e1 + slope, e3 = e2 + slope;
            T[] values = [scale * e0 * h0, scale * e1 * h1, scale * e2 * h2, scale * e3 * h3];
            mask?.AddRound(values, round);
            rounds[round] = values;
            transcript.Absorb<T>(RoundLabel, values);
            r = transcript.Challenge<T>(ChallengeLabel);
            s[round] = r;
            mask?.Bind(round, r);
            scale *= e0 + (r * slope);
        }

        if (k > 0)
        {
            foreach (T[] table in tables)
            {
                MultilinearPolynomial<T>.FoldInPlace(table.AsSpan(0, 2), r);
            }
        }

        T[] children = [tables[0][0], tables[1][0], tables[2][0], tables[3][0]];
        transcript.Absorb<T>(ChildrenLabel, children);
        if (mask is null)
        {
            builder.AddSumcheck(new SumcheckProof<T>(rounds, children));
        }
        else
        {
            SumcheckMaskPool<T>.Finish(transcript, mask, s, 3);
            builder.AddSumcheck(new SumcheckProof<T>(rounds, children, mask.Sum, mask.Value));
        }

        T rho = transcript.Challenge<T>(LineLabel);
        return [.. s, rho];
    }
}
