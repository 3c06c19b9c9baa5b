using System.Buffers;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Lookups;

/// <summary>
/// The logUp lookup argument for range checks: every entry of every column (after its public affine map) lies in the
/// table <c>T = [0, 2^tableBits)</c>, proven through the logarithmic-derivative identity
/// <c>Σ_j Σ_x 1/(α − c_j(x)) = Σ_{t∈T} m(t)/(α − t)</c> at a random <c>α</c> in the extension field.
/// </summary>
/// <remarks>
/// <para>
/// Haböck, "Multivariate lookups based on logarithmic derivatives", eprint 2022/1530, Lemma 5: over a field of
/// characteristic larger than the number of lookups, the identity of rational functions holds iff every
/// looked-up value is in <c>T</c> (with <c>m(t)</c> its multiplicity). The sum of fractions over the hypercube
/// is proven by <see cref="FractionalSumcheck"/> (Papini–Haböck, eprint 2023/1284), so no inverse needs to be
/// committed; the columns and multiplicities must be bound (committed or absorbed) before <c>α</c> is drawn,
/// and the returned <see cref="LogUpClaims{T}"/> must be checked against them.
/// </para>
/// <para>
/// Soundness error: if some value is outside <c>T</c>, clearing denominators gives a non-zero polynomial in
/// <c>α</c> of degree at most <c>N + |T|</c> (<c>N</c> lookups), so
/// <c>ε ≤ (N + |T|)/|F| + (1.5·L² + 2L)/|F|</c> with <c>L</c> the log2 number of leaves (the second term is the
/// fractional sumcheck's); see <see cref="SoundnessBits"/>. For <c>N, |T| ≤ 2^24</c> and <see cref="GoldilocksExt2"/>
/// this is more than 100 bits.
/// </para>
/// <para>
/// Committed multiplicities (hiding range proofs): instead of publishing <c>m</c> (the histogram of the looked-up values)
/// and letting the verifier evaluate <c>m̃</c>, the prover embeds <c>m</c> in the proof's masking pool before <c>α</c> is drawn
/// (<see cref="SumcheckMaskPool{T}.Embed"/>: a segment of the pool's hiding Ligero chunk) and its claim <c>m̃(z)</c> at the
/// GKR's final point joins the chunk's batched opening (<see cref="SumcheckMaskPool{T}.AddEvaluation"/>). Lemma 5 holds for
/// any <c>m ∈ F^|T|</c> (a value outside <c>T</c> is a pole of the left side only, its residue a count below the
/// characteristic), so <c>m</c> needs no range check; binding it before <c>α</c> keeps the bound above, and the batching adds
/// <c>1/|F|</c> (<see cref="SoundnessBits"/> with <c>committedMultiplicities</c>); the chunk's opening is counted by the caller
/// with the pool's.
/// </para>
/// <para>
/// Zero knowledge (<c>zeroKnowledge</c>, with committed multiplicities): the GKR is <see cref="FractionalSumcheck.ProveZeroKnowledge{T}"/>,
/// whose layer masks (<see cref="FractionalSumcheck.LayerMaskCoefficients"/> per inner layer) and the multiplicities' masked-extension
/// coefficients are reserved in the multiplicities' chunk before <c>α</c> (<see cref="SumcheckMaskPool{T}.Reserve"/>); a masked column's
/// leaves, and the table's, are read through the masked extension at the swapped point (<see cref="MaskPoint{T}"/>), so its vanishing
/// variable is the last layer's last sumcheck variable. The returned claims are then on masked extensions (uniform), the column ones
/// with <see cref="LogUpClaims{T}.ColumnMaskPoints"/> for the caller's batching. Error: <see cref="SoundnessBits"/> with
/// <c>zeroKnowledge</c>.
/// </para>
/// </remarks>
internal static class LogUpArgument
{
    internal const string AlphaLabel = "logup/alpha";
    internal const string ColumnsLabel = "logup/column-evaluations";
    internal const string MultiplicityLabel = "logup/multiplicity-evaluation";
    internal const string MaskedColumnsLabel = "logup/masked-columns";

    /// <summary>Counts how often each table value occurs among the scaled column entries (entries outside the table are not counted).</summary>
    public static Goldilocks[] Multiplicities(IReadOnlyList<(Goldilocks[] Values, ulong Scale)> columns, int tableBits, IReadOnlyList<ulong>? offsets = null)
    {
        var counts = new ulong[1 << tableBits];
        for (int j = 0; j < columns.Count; j++)
        {
            var factor = new Goldilocks(columns[j].Scale);
            var offset = new Goldilocks(offsets?[j] ?? 0);
            foreach (Goldilocks value in columns[j].Values)
            {
                ulong scaled = ((value * factor) + offset).Value;
                if (scaled < (ulong)counts.Length)
                {
                    counts[scaled]++;
                }
            }
        }

        return counts.Select(c => new Goldilocks(c)).ToArray();
    }

    /// <summary>
    /// Proves the lookup; the columns must already be bound to the transcript, and so must the multiplicities unless
    /// <paramref name="commitMultiplicities"/>, which embeds them in the builder's masking pool first (see remarks). With
    /// <paramref name="zeroKnowledge"/> (which needs committed multiplicities) the GKR is the zero-knowledge one and the column
    /// <c>j</c> with <c>columnMasks[j]</c> is read through its masked extension, whose <see cref="MaskedExtension.Entries"/> base entries
    /// the caller committed beside the column (see remarks). <paramref name="shiftClaimThroughMask"/> makes a cheating prover, in tests
    /// only (<see cref="FractionalSumcheck.ProveZeroKnowledge{T}"/>).
    /// </summary>
    public static LogUpClaims<T> Prove<T>(
        Transcript transcript,
        ProofBuilder<T> builder,
        IReadOnlyList<(Goldilocks[] Values, ulong Scale)> columns,
        Goldilocks[] multiplicities,
        int tableBits,
        IReadOnlyList<ulong>? offsets = null,
        bool commitMultiplicities = false,
        IReadOnlyList<Goldilocks[]?>? columnMasks = null,
        bool zeroKnowledge = false,
        bool shiftClaimThroughMask = false)
        where T : struct, IExtensionField<T>
    {
        LookupColumnSpec[] specs = columns
            .Select((c, j) => new LookupColumnSpec(System.Numerics.BitOperations.Log2((uint)c.Values.Length), c.Scale, offsets?[j] ?? 0, columnMasks?[j] is not null))
            .ToArray();
        LogUpLayout layout = LogUpLayout.Create(specs, tableBits);
        if ((zeroKnowledge && (!commitMultiplicities || !SupportsZeroKnowledge(specs, layout, tableBits)))
            || (!zeroKnowledge && specs.Any(c => c.Masked))
            || (columnMasks is not null && specs.Where((c, j) => c.Masked && columnMasks[j]!.Length != MaskedExtension.Entries(c.LogSize)).Any()))
        {
            throw new ArgumentException("A zero-knowledge lookup commits its multiplicities, has at least two leaf variables and a table of at least four entries, and masks only columns of at least four entries, with v mask coefficients each.", nameof(columnMasks));
        }

        int reserve = zeroKnowledge ? 2 * (tableBits + (FractionalSumcheck.LayerMaskCoefficients * (layout.LogSize - 1))) : 0;
        SumcheckMaskPool<T>.Chunk? committed = commitMultiplicities
            ? (builder.Masks ?? throw new ArgumentException("Committed multiplicities need a masking pool.", nameof(builder))).Embed(transcript, multiplicities, reserve)
            : null;
        (SumcheckMaskPool<T>.Chunk Chunk, int Offset, T[] Values) multiplicityMask = (null!, -1, []), layerMasks = (null!, -1, []);
        T[]?[] masks = new T[]?[columns.Count];
        if (zeroKnowledge)
        {
            multiplicityMask = builder.Masks!.Reserve(transcript, tableBits);
            layerMasks = builder.Masks.Reserve(transcript, FractionalSumcheck.LayerMaskCoefficients * (layout.LogSize - 1));
            AbsorbMaskedColumns(transcript, specs);
            for (int j = 0; j < columns.Count; j++)
            {
                masks[j] = specs[j].Masked ? MaskedExtension.Read<T>(columnMasks![j], specs[j].LogSize) : null;
            }
        }

        T alpha = transcript.Challenge<T>(AlphaLabel);

        // The leaves, written straight into the left/right split the fractional sumcheck keeps (pooled: the largest tables of a proof).
        // A single leaf (a one-entry table and no column) lands in the left half and is proven on its own.
        int half = Math.Max(1, 1 << Math.Max(0, layout.LogSize - 1));
        T[][] leaves = [ArrayPool<T>.Shared.Rent(half), ArrayPool<T>.Shared.Rent(half), ArrayPool<T>.Shared.Rent(half), ArrayPool<T>.Shared.Rent(half)];
        T[] z;
        try
        {
            foreach ((int owner, int offset, int logSize) in layout.Blocks)
            {
                for (int x = 0; x < 1 << logSize; x++)
                {
                    (T pLeaf, T qLeaf) = owner switch
                    {
                        LogUpLayout.Padding => (T.Zero, T.One),
                        LogUpLayout.Table => (-T.FromBase(multiplicities[x]), alpha - T.FromUInt64((ulong)x)),
                        _ => (T.One, alpha - T.FromBase((columns[owner].Values[x] * new Goldilocks(specs[owner].Scale)) + new Goldilocks(specs[owner].Offset))),
                    };
                    int leaf = offset + x, side = leaf & 1;
                    leaves[side][leaf >> 1] = pLeaf;
                    leaves[2 + side][leaf >> 1] = qLeaf;
                }
            }

            if (zeroKnowledge)
            {
                T[] multiplicityCoefficients = multiplicityMask.Values;
                z = FractionalSumcheck.ProveZeroKnowledge(
                    transcript, builder, leaves, half, layerMasks.Values, layerMasks.Chunk, layerMasks.Offset,
                    (prefix, y) => LeafMask(layout, specs, masks, multiplicityCoefficients, prefix, y),
                    shiftClaimThroughMask);
            }
            else
            {
                z = layout.LogSize == 0
                    ? FractionalSumcheck.Prove(transcript, builder, [leaves[0][0]], [leaves[2][0]])
                    : FractionalSumcheck.ProveSplit(transcript, builder, leaves, half);
            }
        }
        finally
        {
            foreach (T[] array in leaves)
            {
                ArrayPool<T>.Shared.Return(array, clearArray: true);
            }
        }

        var columnPoints = new T[columns.Count][];
        var columnValues = new T[columns.Count];
        var maskPoints = new T[]?[columns.Count];
        for (int j = 0; j < columns.Count; j++)
        {
            columnPoints[j] = z[(z.Length - specs[j].LogSize)..];
            columnValues[j] = MatrixMultiplicationSumcheck.EvaluateMatrix<T>(columns[j].Values, columnPoints[j]);
            if (masks[j] is { } c)
            {
                maskPoints[j] = MaskPoint(columnPoints[j]);
                columnValues[j] += MaskedExtension.Shift<T>(c, maskPoints[j]);
                Array.Clear(c);
            }
        }

        T[] multiplicityPoint = z[(z.Length - tableBits)..];
        T multiplicityValue = MatrixMultiplicationSumcheck.EvaluateMatrix<T>(multiplicities, multiplicityPoint);
        T[]? multiplicityMaskPoint = zeroKnowledge ? MaskPoint(multiplicityPoint) : null;
        if (multiplicityMaskPoint is not null)
        {
            multiplicityValue += MaskedExtension.Shift<T>(multiplicityMask.Values, multiplicityMaskPoint);
            Array.Clear(multiplicityMask.Values);
            Array.Clear(layerMasks.Values);
        }

        builder.Send(transcript, ColumnsLabel, columnValues);
        builder.Send(transcript, MultiplicityLabel, [multiplicityValue]);
        if (committed is not null)
        {
            SumcheckMaskPool<T>.AddEvaluation(transcript, committed, multiplicityPoint, multiplicityValue, multiplicityMask.Offset, multiplicityMaskPoint);
        }

        return new LogUpClaims<T>(columnPoints, columnValues, multiplicityPoint, multiplicityValue, maskPoints);
    }

    /// <summary>The point of a masked extension's mask for a leaf claim at <paramref name="point"/>: its last two coordinates swapped, so the vanishing factor is on the GKR's last sumcheck variable.</summary>
    public static T[] MaskPoint<T>(ReadOnlySpan<T> point)
        where T : struct, IExtensionField<T>
    {
        T[] swapped = point.ToArray();
        (swapped[^1], swapped[^2]) = (swapped[^2], swapped[^1]);
        return swapped;
    }

    /// <summary>Whether a lookup can be zero-knowledge: two leaf variables or more, a table of four entries or more, masked columns of four or more.</summary>
    private static bool SupportsZeroKnowledge(IReadOnlyList<LookupColumnSpec> specs, LogUpLayout layout, int tableBits) =>
        layout.LogSize >= 2 && tableBits >= 2 && specs.All(c => !c.Masked || c.LogSize >= 2);

    private static void AbsorbMaskedColumns(Transcript transcript, IReadOnlyList<LookupColumnSpec> specs)
    {
        transcript.AbsorbUInt64(MaskedColumnsLabel, (ulong)specs.Count);
        foreach (LookupColumnSpec spec in specs)
        {
            transcript.AbsorbUInt64(MaskedColumnsLabel, spec.Masked ? 1UL : 0UL);
        }
    }

    /// <summary>
    /// The leaves' masks in the last round of the last layer (<see cref="LeafMask{T}"/>): per masked block with prefix weight <c>w</c>
    /// and coefficients <c>c</c>, <c>C(prefix suffix, y)</c> on <c>q</c> (scaled by <c>−Scale</c>, columns) or on <c>p</c> (negated, the table).
    /// </summary>
    private static (T P, T Q) LeafMask<T>(LogUpLayout layout, LookupColumnSpec[] specs, T[]?[] masks, T[] multiplicityMask, ReadOnlySpan<T> prefix, T y)
        where T : struct, IExtensionField<T>
    {
        T p = T.Zero, q = T.Zero;
        foreach ((int owner, int offset, int logSize) in layout.Blocks)
        {
            T[]? c = owner == LogUpLayout.Table ? multiplicityMask : owner >= 0 ? masks[owner] : null;
            if (c is null)
            {
                continue;
            }

            int prefixLength = layout.LogSize - logSize;
            T weight = PrefixWeight(layout, offset, prefixLength, prefix);
            T[] rest = [.. prefix[prefixLength..], y];
            T coefficient = weight * MaskedExtension.Coefficient<T>(c, rest);
            if (owner == LogUpLayout.Table)
            {
                p -= coefficient;
            }
            else
            {
                q -= coefficient.MultiplyByBase(new Goldilocks(specs[owner].Scale));
            }
        }

        return (p, q);
    }

    /// <summary><c>eq</c> of a block's offset bits with the first <paramref name="prefixLength"/> coordinates of <paramref name="point"/>.</summary>
    private static T PrefixWeight<T>(LogUpLayout layout, int offset, int prefixLength, ReadOnlySpan<T> point)
        where T : struct, IExtensionField<T>
    {
        T weight = T.One;
        for (int i = 0; i < prefixLength; i++)
        {
            bool bit = ((offset >> (layout.LogSize - 1 - i)) & 1) != 0;
            weight *= bit ? point[i] : T.One - point[i];
        }

        return weight;
    }

    /// <summary>
    /// Verifies the lookup; returns the claims the caller must still check, or null on rejection. With
    /// <paramref name="committedMultiplicities"/> the multiplicities are read from the cursor's masking pool (the next declared
    /// chunk, absorbed before <c>α</c>) and their claim is batched into that chunk's opening, which the caller checks with the
    /// pool's (<see cref="SumcheckMaskVerifier{T}.Finish"/>); the returned multiplicity claim is then already discharged.
    /// </summary>
    public static LogUpClaims<T>? Verify<T>(
        Transcript transcript, ProofCursor<T> cursor, IReadOnlyList<LookupColumnSpec> specs, int tableBits, bool committedMultiplicities = false, bool zeroKnowledge = false)
        where T : struct, IExtensionField<T>
    {
        LogUpLayout layout = LogUpLayout.Create(specs, tableBits);
        if ((zeroKnowledge && (!committedMultiplicities || !SupportsZeroKnowledge(specs, layout, tableBits))) || (!zeroKnowledge && specs.Any(c => c.Masked)))
        {
            return null;
        }

        int? committed = null;
        int reserve = zeroKnowledge ? 2 * (tableBits + (FractionalSumcheck.LayerMaskCoefficients * (layout.LogSize - 1))) : 0;
        if (committedMultiplicities && (committed = cursor.Masks?.TryEmbed(transcript, 1 << tableBits, reserve)) is null)
        {
            return null;
        }

        (int Chunk, int Offset) multiplicityMask = default, layerMasks = default;
        if (zeroKnowledge)
        {
            if (cursor.Masks!.TryReserve(transcript, tableBits) is not { } reserved || reserved.Chunk != committed
                || cursor.Masks.TryReserve(transcript, FractionalSumcheck.LayerMaskCoefficients * (layout.LogSize - 1)) is not { } layers)
            {
                return null;
            }

            (multiplicityMask, layerMasks) = (reserved, layers);
            AbsorbMaskedColumns(transcript, specs);
        }

        T alpha = transcript.Challenge<T>(AlphaLabel);
        T[] z;
        T pClaim, qClaim;
        bool layersAccepted = zeroKnowledge
            ? FractionalSumcheck.VerifyZeroKnowledge(transcript, cursor, layout.LogSize, layerMasks, out z, out pClaim, out qClaim)
            : FractionalSumcheck.Verify(transcript, cursor, layout.LogSize, out z, out pClaim, out qClaim);
        if (!layersAccepted
            || !cursor.TryReceive(transcript, ColumnsLabel, specs.Count, out T[] columnValues)
            || !cursor.TryReceive(transcript, MultiplicityLabel, 1, out T[] multiplicity))
        {
            return null;
        }

        if (committed is { } chunk)
        {
            T[]? maskPoint = zeroKnowledge ? MaskPoint<T>(z.AsSpan(z.Length - tableBits)) : null;
            cursor.Masks!.AccumulateEvaluation(transcript, chunk, z.AsSpan(z.Length - tableBits), multiplicity[0], multiplicityMask.Offset, maskPoint);
        }

        (T pLeaf, T qLeaf) = Leaves(layout, specs, alpha, z, columnValues, multiplicity[0]);
        if (pLeaf != pClaim || qLeaf != qClaim)
        {
            return null;
        }

        T[][] columnPoints = specs.Select(s => z[(z.Length - s.LogSize)..]).ToArray();
        T[]?[] maskPoints = specs.Select((s, j) => s.Masked ? MaskPoint<T>(columnPoints[j]) : null).ToArray();
        return new LogUpClaims<T>(columnPoints, columnValues, z[(z.Length - tableBits)..], multiplicity[0], maskPoints);
    }

    /// <summary>
    /// The leaves' (masked) extensions at <paramref name="z"/> from the column claims and the multiplicity claim: per block, its prefix
    /// weight times <c>(1, α − Scale·c(z) − Offset)</c> (a column), <c>(−m(z), α − Σ_i 2^i z_i)</c> (the table) or <c>(0, 1)</c> (padding).
    /// </summary>
    internal static (T P, T Q) Leaves<T>(LogUpLayout layout, IReadOnlyList<LookupColumnSpec> specs, T alpha, T[] z, T[] columnValues, T multiplicity)
        where T : struct, IExtensionField<T>
    {
        T pLeaf = T.Zero, qLeaf = T.Zero;
        foreach ((int owner, int offset, int logSize) in layout.Blocks)
        {
            int prefixLength = layout.LogSize - logSize;
            T weight = PrefixWeight<T>(layout, offset, prefixLength, z);

            ReadOnlySpan<T> suffix = z.AsSpan(prefixLength);
            switch (owner)
            {
                case LogUpLayout.Padding:
                    qLeaf += weight;
                    break;
                case LogUpLayout.Table:
                    T identity = T.Zero;
                    foreach (T coordinate in suffix)
                    {
                        identity = identity + identity + coordinate;
                    }

                    pLeaf -= weight * multiplicity;
                    qLeaf += weight * (alpha - identity);
                    break;
                default:
                    pLeaf += weight;
                    T mapped = columnValues[owner].MultiplyByBase(new Goldilocks(specs[owner].Scale)) + T.FromBase(new Goldilocks(specs[owner].Offset));
                    qLeaf += weight * (alpha - mapped);
                    break;
            }
        }

        return (pLeaf, qLeaf);
    }

    /// <summary>
    /// Verifies the lookup as <see cref="Verify"/> does, throwing <see cref="ProofRejectedException"/> on rejection:
    /// <see cref="RejectionReason.Format"/> when the proof ran out of messages, else <see cref="RejectionReason.Lookup"/>.
    /// </summary>
    public static LogUpClaims<T> Check<T>(
        Transcript transcript, ProofCursor<T> cursor, IReadOnlyList<LookupColumnSpec> specs, int tableBits, bool committedMultiplicities = false, bool zeroKnowledge = false)
        where T : struct, IExtensionField<T> =>
        Verify(transcript, cursor, specs, tableBits, committedMultiplicities, zeroKnowledge) ?? throw ProofVerdict.Rejection(cursor.RanShort ? RejectionReason.Format : RejectionReason.Lookup, "lookup");

    /// <summary>
    /// Computes <c>−log2((N + |T| + 1.5·L² + 2L)/|F|)</c>, or <c>−log2((N + |T| + 1.5·L² + 2L + 1)/|F|)</c> with committed
    /// multiplicities (the batching of <c>m̃(z)</c> into the pool's opening; the opening itself is counted with the pool's).
    /// </summary>
    /// <param name="lookups">The number of looked-up entries <c>N</c>.</param>
    /// <param name="tableBits">log2 of the table size.</param>
    /// <param name="leafLogSize">log2 of the number of leaves <c>L</c>.</param>
    /// <param name="log2FieldSize">log2 of the challenge field size.</param>
    /// <param name="committedMultiplicities">Whether the multiplicities are committed in the masking pool.</param>
    /// <param name="zeroKnowledge">
    /// Whether the GKR is the zero-knowledge one (<see cref="FractionalSumcheck.ProveZeroKnowledge{T}"/>, with committed multiplicities):
    /// <c>2(N + |T|)</c> (the identity, and a zero denominator now that <c>q_0</c> is not checked) <c>+ 6</c> (the root's degree-4 sumcheck,
    /// <c>ρ_g</c>, <c>α_g</c>) <c>+ Σ_(j=1)^(L−1) (5j + 5)</c> (degree-5 sumchecks; <c>λ</c>, the line, <c>ρ_g</c>, <c>α_g</c>, the batching of <c>E_j</c>)
    /// <c>+ 1</c> (the multiplicities' batching), over <c>|F|</c>.
    /// </param>
    /// <returns>The soundness in bits.</returns>
    public static double SoundnessBits(long lookups, int tableBits, int leafLogSize, double log2FieldSize, bool committedMultiplicities = false, bool zeroKnowledge = false) =>
        log2FieldSize - Math.Log2(zeroKnowledge
            ? (2.0 * (lookups + Math.Pow(2.0, tableBits))) + 7 + (2.5 * (leafLogSize - 1) * leafLogSize) + (5.0 * (leafLogSize - 1))
            : lookups + Math.Pow(2.0, tableBits) + (1.5 * leafLogSize * leafLogSize) + (2.0 * leafLogSize) + (committedMultiplicities ? 1 : 0));
}
