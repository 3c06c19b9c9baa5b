using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Commitments.Basefold;

/// <summary>
/// The verifier of <see cref="BasefoldProver"/>'s openings. It never throws on a bad opening: every shape is checked against the
/// schedule before it is read, and any failure is <see langword="false"/>.
/// </summary>
/// <remarks>
/// Checks, in order: the parameters meet the policy (<see cref="BasefoldParameters.SoundnessBits"/> at least
/// <see cref="VerifierPolicy.MinimumSoundnessBits"/>); the opening's shape (<c>2R</c> round values, <c>G − 1</c> roots,
/// <c>2^ℓ</c> final coefficients, per layer exactly the distinct queried leaves); the sumcheck (claim <c>c_0 = f(z)</c>,
/// <c>c_(i+1) = g_i(α_i)</c> with <c>g_i(1) = c_i − g_i(0)</c>) ending in <c>c_R = eq(z_(≤R), α)·f_final(z_(&gt;R))</c>; every
/// layer's Merkle batch proof; and for every query the chain of folds, each equal to the opened value of the next layer and the
/// last to the final polynomial at its point.
/// </remarks>
internal static class BasefoldVerifier
{
    /// <summary>Verifies an opening.</summary>
    /// <typeparam name="TExt">The extension field of the point and the challenges.</typeparam>
    /// <param name="transcript">The transcript, in the same state as the prover's.</param>
    /// <param name="commitment">The commitment.</param>
    /// <param name="parameters">The parameters the commitment was made with.</param>
    /// <param name="point">The point.</param>
    /// <param name="value">The claimed value.</param>
    /// <param name="opening">The opening (null: rejected).</param>
    /// <param name="policy">The policy (null: <see cref="VerifierPolicy.Default"/>).</param>
    /// <returns>Whether the opening proves <c>f(point) = value</c> for the committed table.</returns>
    public static bool Verify<TExt>(
        Transcript transcript, BasefoldCommitment commitment, BasefoldParameters parameters, ReadOnlySpan<TExt> point, TExt value, BasefoldOpening<TExt>? opening, VerifierPolicy? policy = null)
        where TExt : struct, IExtensionField<TExt>
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(commitment);
        ArgumentNullException.ThrowIfNull(parameters);
        int v = commitment.NumVariables;
        if (opening is null || point.Length != v || !parameters.Supports(v)
            || parameters.SoundnessBits(v, TExt.Log2Size) < (policy ?? VerifierPolicy.Default).MinimumSoundnessBits)
        {
            return false;
        }

        BasefoldSchedule schedule = parameters.Schedule(v);
        if (!HasShape(opening, parameters, schedule))
        {
            return false;
        }

        BasefoldProtocol.Begin(transcript, commitment, parameters, point, value);
        TExt rho = TExt.Zero, claim = value;
        TExt[] foldPoint = new TExt[schedule.NumVariables];
        point.CopyTo(foldPoint);
        if (opening.MaskValue is TExt maskValue)
        {
            // Hiding: the folds prove h = f̃ + ρ·g̃ at (z, 0^e), whose value is f(z) + ρ·g̃(z, 0^e).
            rho = BasefoldProtocol.MaskChallenge(transcript, maskValue);
            claim = value + (rho * maskValue);
        }

        var alphas = new TExt[schedule.Rounds];
        int round = 0;
        for (int g = 0; g < schedule.LayerCount; g++)
        {
            for (int r = 0; r < schedule.LogArity(g); r++, round++)
            {
                ReadOnlySpan<TExt> message = opening.RoundMessages.AsSpan(2 * round, 2);
                alphas[round] = BasefoldProtocol.Round(transcript, message);
                claim = BasefoldFolding.InterpolateQuadratic(message[0], claim - message[0], message[1], alphas[round]);
            }

            if (g + 1 < schedule.LayerCount)
            {
                BasefoldProtocol.LayerRoot(transcript, opening.LayerRoots[g]);
            }
        }

        TExt expected = EqPolynomial.Evaluate<TExt>(foldPoint.AsSpan(0, schedule.Rounds), alphas)
            * BasefoldFolding.EvaluateMultilinear<TExt>(opening.FinalCoefficients, foldPoint.AsSpan(schedule.Rounds));
        if (claim != expected)
        {
            return false;
        }

        int[] queries = BasefoldProtocol.Queries<TExt>(transcript, schedule, parameters, opening.FinalCoefficients);
        int[][] chains = BasefoldProtocol.LeafChains(schedule, queries);
        var leaves = new int[schedule.LayerCount][];
        for (int g = 0; g < schedule.LayerCount; g++)
        {
            leaves[g] = BasefoldProtocol.DistinctSorted(chains[g]);
            Digest256 root = g == 0 ? commitment.Root : opening.LayerRoots[g - 1];
            if (leaves[g].Length != opening.Layers[g].LeafCount || !LeavesAuthenticated(root, schedule, g, leaves[g], opening.Layers[g]))
            {
                return false;
            }
        }

        return QueriesConsistent(schedule, opening, alphas, rho, chains, leaves);
    }

    private static bool HasShape<TExt>(BasefoldOpening<TExt> opening, BasefoldParameters parameters, BasefoldSchedule schedule)
        where TExt : struct, IExtensionField<TExt>
    {
        if ((opening.MaskValue is not null) != parameters.Hiding || opening.RoundMessages.Length != 2 * schedule.Rounds || opening.LayerRoots.Length != schedule.LayerCount - 1
            || opening.FinalCoefficients.Length != 1 << schedule.FinalVariables || opening.Layers.Length != schedule.LayerCount)
        {
            return false;
        }

        for (int g = 0; g < schedule.LayerCount; g++)
        {
            BasefoldLayerOpening layer = opening.Layers[g];
            if (layer is null)
            {
                return false;
            }

            int width = schedule.LeafWidth(g) * (g == 0 ? parameters.CommittedTables : TExt.Degree);
            int salts = g == 0 ? layer.LeafCount * MerkleHasher.SaltLength : 0;
            if (layer.PayloadWidth != width || layer.Payloads.Length != layer.LeafCount * width || layer.Salts.Length != salts)
            {
                return false;
            }
        }

        return true;
    }

    private static bool LeavesAuthenticated(Digest256 root, BasefoldSchedule schedule, int g, int[] leaves, BasefoldLayerOpening layer)
    {
        var digests = new Digest256[leaves.Length];
        Span<byte> zeroSalt = stackalloc byte[MerkleHasher.SaltLength];
        var payload = new byte[layer.PayloadWidth * Goldilocks.EncodedLength];
        for (int i = 0; i < leaves.Length; i++)
        {
            ReadOnlySpan<Goldilocks> values = layer.Payload(i);
            for (int e = 0; e < values.Length; e++)
            {
                values[e].WriteTo(payload.AsSpan(e * Goldilocks.EncodedLength));
            }

            ReadOnlySpan<byte> salt = g == 0 ? layer.Salts.AsSpan(i * MerkleHasher.SaltLength, MerkleHasher.SaltLength) : zeroSalt;
            digests[i] = MerkleHasher.HashLeaf(salt, payload);
        }

        return MerkleTree.VerifyBatch(root, schedule.LeafCount(g), leaves, digests, layer.Proof);
    }

    private static bool QueriesConsistent<TExt>(BasefoldSchedule schedule, BasefoldOpening<TExt> opening, TExt[] alphas, TExt rho, int[][] chains, int[][] leaves)
        where TExt : struct, IExtensionField<TExt>
    {
        int logLength0 = schedule.LogLayerLength(0);
        int logFinal = schedule.LogLayerLength(schedule.LayerCount);
        Goldilocks finalShift = BasefoldFolding.LayerShift(logLength0, logFinal);
        var values = new TExt[1 << BasefoldParameters.MaxLogArity];
        for (int q = 0; q < chains[0].Length; q++)
        {
            TExt folded = TExt.Zero;
            for (int g = 0; g < schedule.LayerCount; g++)
            {
                int leaf = chains[g][q];
                int width = schedule.LeafWidth(g);
                ReadOnlySpan<Goldilocks> payload = opening.Layers[g].Payload(Array.BinarySearch(leaves[g], leaf));
                Span<TExt> leafValues = values.AsSpan(0, width);
                Unpack(payload, g == 0, opening.MaskValue is not null, rho, leafValues);
                if (g > 0 && leafValues[chains[g - 1][q] >> schedule.LogLayerLength(g + 1)] != folded)
                {
                    return false;
                }

                int logLength = schedule.LogLayerLength(g);
                folded = BasefoldFolding.FoldLeaf<TExt>(
                    leafValues, BasefoldFolding.LayerShift(logLength0, logLength), logLength, leaf, alphas.AsSpan(schedule.FirstRound(g), schedule.LogArity(g)));
            }

            Goldilocks y = BasefoldFolding.Point(finalShift, logFinal, chains[schedule.LayerCount - 1][q]);
            if (BasefoldFolding.EvaluateUnivariate<TExt>(opening.FinalCoefficients, y) != folded)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A leaf's values: base values (layer 0; hiding: <c>f̃ + ρ·g̃</c> from the two halves), or extension coefficients.</summary>
    private static void Unpack<TExt>(ReadOnlySpan<Goldilocks> payload, bool isBase, bool hiding, TExt rho, Span<TExt> destination)
        where TExt : struct, IExtensionField<TExt>
    {
        int degree = TExt.Degree, width = destination.Length;
        for (int m = 0; m < width; m++)
        {
            destination[m] = !isBase ? TExt.FromCoefficients(payload.Slice(m * degree, degree))
                : hiding ? TExt.FromBase(payload[m]) + rho.MultiplyByBase(payload[width + m])
                : TExt.FromBase(payload[m]);
        }
    }
}
