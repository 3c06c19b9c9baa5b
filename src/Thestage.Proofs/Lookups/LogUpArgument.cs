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
/// </remarks>
internal static class LogUpArgument
{
    internal const string AlphaLabel = "logup/alpha";
    internal const string ColumnsLabel = "logup/column-evaluations";
    internal const string MultiplicityLabel = "logup/multiplicity-evaluation";

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
    /// <paramref name="commitMultiplicities"/>, which embeds them in the builder's masking pool first (see remarks).
    /// </summary>
    public static LogUpClaims<T> Prove<T>(
        Transcript transcript,
        ProofBuilder<T> builder,
        IReadOnlyList<(Goldilocks[] Values, ulong Scale)> columns,
        Goldilocks[] multiplicities,
        int tableBits,
        IReadOnlyList<ulong>? offsets = null,
        bool commitMultiplicities = false)
        where T : struct, IExtensionField<T>
    {
        LookupColumnSpec[] specs = columns
            .Select((c, j) => new LookupColumnSpec(System.Numerics.BitOperations.Log2((uint)c.Values.Length), c.Scale, offsets?[j] ?? 0))
            .ToArray();
        LogUpLayout layout = LogUpLayout.Create(specs, tableBits);
        SumcheckMaskPool<T>.Chunk? committed = commitMultiplicities
            ? (builder.Masks ?? throw new ArgumentException("Committed multiplicities need a masking pool.", nameof(builder))).Embed(transcript, multiplicities)
            : null;
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

            z = layout.LogSize == 0
                ? FractionalSumcheck.Prove(transcript, builder, [leaves[0][0]], [leaves[2][0]])
                : FractionalSumcheck.ProveSplit(transcript, builder, leaves, half);
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
        for (int j = 0; j < columns.Count; j++)
        {
            columnPoints[j] = z[(z.Length - specs[j].LogSize)..];
            columnValues[j] = MatrixMultiplicationSumcheck.EvaluateMatrix<T>(columns[j].Values, columnPoints[j]);
        }

        T[] multiplicityPoint = z[(z.Length - tableBits)..];
        T multiplicityValue = MatrixMultiplicationSumcheck.EvaluateMatrix<T>(multiplicities, multiplicityPoint);
        builder.Send(transcript, ColumnsLabel, columnValues);
        builder.Send(transcript, MultiplicityLabel, [multiplicityValue]);
        if (committed is not null)
        {
            SumcheckMaskPool<T>.AddEvaluation(transcript, committed, multiplicityPoint, multiplicityValue);
        }

        return new LogUpClaims<T>(columnPoints, columnValues, multiplicityPoint, multiplicityValue);
    }

    /// <summary>
    /// Verifies the lookup; returns the claims the caller must still check, or null on rejection. With
    /// <paramref name="committedMultiplicities"/> the multiplicities are read from the cursor's masking pool (the next declared
    /// chunk, absorbed before <c>α</c>) and their claim is batched into that chunk's opening, which the caller checks with the
    /// pool's (<see cref="SumcheckMaskVerifier{T}.Finish"/>); the returned multiplicity claim is then already discharged.
    /// </summary>
    public static LogUpClaims<T>? Verify<T>(
        Transcript transcript, ProofCursor<T> cursor, IReadOnlyList<LookupColumnSpec> specs, int tableBits, bool committedMultiplicities = false)
        where T : struct, IExtensionField<T>
    {
        LogUpLayout layout = LogUpLayout.Create(specs, tableBits);
        int? committed = null;
        if (committedMultiplicities && (committed = cursor.Masks?.TryEmbed(transcript, 1 << tableBits)) is null)
        {
            return null;
        }

        T alpha = transcript.Challenge<T>(AlphaLabel);
        if (!FractionalSumcheck.Verify(transcript, cursor, layout.LogSize, out T[] z, out T pClaim, out T qClaim)
            || !cursor.TryReceive(transcript, ColumnsLabel, specs.Count, out T[] columnValues)
            || !cursor.TryReceive(transcript, MultiplicityLabel, 1, out T[] multiplicity))
        {
            return null;
        }

        if (committed is { } chunk)
        {
            cursor.Masks!.AccumulateEvaluation(transcript, chunk, z.AsSpan(z.Length - tableBits), multiplicity[0]);
        }

        T pLeaf = T.Zero, qLeaf = T.Zero;
        foreach ((int owner, int offset, int logSize) in layout.Blocks)
        {
            int prefixLength = layout.LogSize - logSize;
            T weight = T.One;
            for (int i = 0; i < prefixLength; i++)
            {
                bool bit = ((offset >> (layout.LogSize - 1 - i)) & 1) != 0;
                weight *= bit ? z[i] : T.One - z[i];
            }

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

                    pLeaf -= weight * multiplicity[0];
                    qLeaf += weight * (alpha - identity);
                    break;
                default:
                    pLeaf += weight;
                    T mapped = columnValues[owner].MultiplyByBase(new Goldilocks(specs[owner].Scale)) + T.FromBase(new Goldilocks(specs[owner].Offset));
                    qLeaf += weight * (alpha - mapped);
                    break;
            }
        }

        if (pLeaf != pClaim || qLeaf != qClaim)
        {
            return null;
        }

        T[][] columnPoints = specs.Select(s => z[(z.Length - s.LogSize)..]).ToArray();
        return new LogUpClaims<T>(columnPoints, columnValues, z[(z.Length - tableBits)..], multiplicity[0]);
    }

    /// <summary>
    /// Verifies the lookup as <see cref="Verify"/> does, throwing <see cref="ProofRejectedException"/> on rejection:
    /// <see cref="RejectionReason.Format"/> when the proof ran out of messages, else <see cref="RejectionReason.Lookup"/>.
    /// </summary>
    public static LogUpClaims<T> Check<T>(
        Transcript transcript, ProofCursor<T> cursor, IReadOnlyList<LookupColumnSpec> specs, int tableBits, bool committedMultiplicities = false)
        where T : struct, IExtensionField<T> =>
        Verify(transcript, cursor, specs, tableBits, committedMultiplicities) ?? throw ProofVerdict.Rejection(cursor.RanShort ? RejectionReason.Format : RejectionReason.Lookup, "lookup");

    /// <summary>
    /// Computes <c>−log2((N + |T| + 1.5·L² + 2L)/|F|)</c>, or <c>−log2((N + |T| + 1.5·L² + 2L + 1)/|F|)</c> with committed
    /// multiplicities (the batching of <c>m̃(z)</c> into the pool's opening; the opening itself is counted with the pool's).
    /// </summary>
    /// <param name="lookups">The number of looked-up entries <c>N</c>.</param>
    /// <param name="tableBits">log2 of the table size.</param>
    /// <param name="leafLogSize">log2 of the number of leaves <c>L</c>.</param>
    /// <param name="log2FieldSize">log2 of the challenge field size.</param>
    /// <param name="committedMultiplicities">Whether the multiplicities are committed in the masking pool.</param>
    /// <returns>The soundness in bits.</returns>
    public static double SoundnessBits(long lookups, int tableBits, int leafLogSize, double log2FieldSize, bool committedMultiplicities = false) =>
        log2FieldSize - Math.Log2(lookups + Math.Pow(2.0, tableBits) + (1.5 * leafLogSize * leafLogSize) + (2.0 * leafLogSize) + (committedMultiplicities ? 1 : 0));
}
