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
/// at most <c>(1.5·L² + 2L)/|F|</c>.
/// </para>
/// </remarks>
internal static class FractionalSumcheck
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
        int logSize = System.Numerics.BitOperations.Log2((uint)p.Length);
        var layersP = new T[logSize + 1][];
        var layersQ = new T[logSize + 1][];
        layersP[logSize] = p;
        layersQ[logSize] = q;
        for (int k = logSize - 1; k >= 0; k--)
        {
            T[] childP = layersP[k + 1], childQ = layersQ[k + 1];
            var parentP = new T[1 << k];
            var parentQ = new T[1 << k];
            for (int i = 0; i < parentP.Length; i++)
            {
                parentP[i] = (childP[2 * i] * childQ[(2 * i) + 1]) + (childP[(2 * i) + 1] * childQ[2 * i]);
                parentQ[i] = childQ[2 * i] * childQ[(2 * i) + 1];
            }

            layersP[k] = parentP;
            layersQ[k] = parentQ;
        }

        builder.Send(transcript, RootLabel, [layersQ[0][0]]);
        T[] z = [];
        for (int k = 0; k < logSize; k++)
        {
            T lambda = transcript.Challenge<T>(BatchLabel);
            z = ProveLayer(transcript, builder, z, lambda, layersP[k + 1], layersQ[k + 1]);
        }

        return z;
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
            if (!cursor.TryNextSumcheck(out SumcheckProof<T>? proof) || proof!.RoundCount != k || proof.FactorEvaluations.Length != 4)
            {
                return false;
            }

            T claim = pClaim + (lambda * qClaim);
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
            if (EqPolynomial.Evaluate<T>(point, s) * ((pl * qr) + (pr * ql) + (lambda * ql * qr)) != claim)
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

    private static T[] ProveLayer<T>(Transcript transcript, ProofBuilder<T> builder, T[] z, T lambda, T[] childP, T[] childQ)
        where T : struct, IExtensionField<T>
    {
        int size = childP.Length / 2;
        var eq = EqPolynomial.Table<T>(z);
        var pl = new T[size];
        var pr = new T[size];
        var ql = new T[size];
        var qr = new T[size];
        for (int i = 0; i < size; i++)
        {
            pl[i] = childP[2 * i];
            pr[i] = childP[(2 * i) + 1];
            ql[i] = childQ[2 * i];
            qr[i] = childQ[(2 * i) + 1];
        }

        T[][] tables = [eq, pl, pr, ql, qr];
        int k = z.Length;
        var rounds = new T[k][];
        var s = new T[k];
        var low = new T[5];
        var step = new T[5];
        for (int round = 0; round < k; round++)
        {
            int half = size >> (round + 1);
            var values = new T[4];
            for (int i = 0; i < half; i++)
            {
                for (int f = 0; f < 5; f++)
                {
                    low[f] = tables[f][i];
                    step[f] = tables[f][i + half] - low[f];
                }

                for (int t = 0; t < 4; t++)
                {
                    // eq · (pL·qR + pR·qL + λ·qL·qR) = eq · (pL·qR + qL·(pR + λ·qR)).
                    values[t] += low[0] * ((low[1] * low[4]) + (low[3] * (low[2] + (lambda * low[4]))));
                    for (int f = 0; f < 5; f++)
                    {
                        low[f] += step[f];
                    }
                }
            }

            rounds[round] = values;
            transcript.Absorb<T>(RoundLabel, values);
            s[round] = transcript.Challenge<T>(ChallengeLabel);
            foreach (T[] table in tables)
            {
                MultilinearPolynomial<T>.FoldInPlace(table.AsSpan(0, 2 * half), s[round]);
            }
        }

        T[] children = [pl[0], pr[0], ql[0], qr[0]];
        transcript.Absorb<T>(ChildrenLabel, children);
        builder.AddSumcheck(new SumcheckProof<T>(rounds, children));
        T rho = transcript.Challenge<T>(LineLabel);
        return [.. s, rho];
    }
}
