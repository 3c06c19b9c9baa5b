using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Sumcheck;

/// <summary>
/// The versioned byte format of <see cref="SumcheckProof{T}"/>:
/// <c>"TSSC" ‖ version u16 ‖ element length u16 ‖ rounds u32 (≤ 64) ‖ values per round u32 (2…64) ‖
/// round values ‖ factor count u32 (1…63) ‖ factor evaluations</c>, then for version 2 (a zero-knowledge proof,
/// <see cref="SumcheckMask{T}"/>) the mask's sum <c>G</c> and value <c>g(r)</c>; all little-endian, field elements canonical.
/// A plain proof is written as version 1, byte for byte as before; a masked one as version 2.
/// </summary>
/// <remarks>
/// Lengths are bounded and checked against the remaining input before allocation; malformed input
/// raises <see cref="ProofFormatException"/> only. The semantic checks (round count, degree) are
/// the verifier's (Thaler, "Proofs, Arguments, and Zero-Knowledge", 2022, §4.1).
/// </remarks>
public static class SumcheckProofSerializer
{
    /// <summary>The format version of plain proofs (masked proofs are written as version 2).</summary>
    public const ushort Version = 1;

    private const ushort MaskedVersion = 2;

    private static ReadOnlySpan<byte> Magic => "TSSC"u8;

    /// <summary>Serializes a proof.</summary>
    /// <typeparam name="T">The field.</typeparam>
    /// <param name="proof">The proof.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="ArgumentException">The proof's rounds have different lengths or exceed the format bounds.</exception>
    public static byte[] Serialize<T>(SumcheckProof<T> proof)
        where T : struct, IExtensionField<T>
    {
        ArgumentNullException.ThrowIfNull(proof);
        int valuesPerRound = proof.RoundCount == 0 ? 2 : proof.GetRoundPolynomial(0).Length;
        if (proof.RoundCount > SumcheckVerifier.MaxVariables || valuesPerRound < 2 || valuesPerRound > SumcheckVerifier.MaxDegree + 1
            || proof.FactorEvaluations.Length is 0 or > SumcheckVerifier.MaxDegree)
        {
            throw new ArgumentException("The proof exceeds the bounds of the format.", nameof(proof));
        }

        var writer = new ProofWriter();
        writer.WriteHeader(Magic, proof.IsMasked ? MaskedVersion : Version);
        writer.WriteUInt16((ushort)T.EncodedLength);
        writer.WriteUInt32((uint)proof.RoundCount);
        writer.WriteUInt32((uint)valuesPerRound);
        for (int round = 0; round < proof.RoundCount; round++)
        {
            ReadOnlySpan<T> values = proof.GetRoundPolynomial(round);
            if (values.Length != valuesPerRound)
            {
                throw new ArgumentException("All round polynomials must have the same number of values.", nameof(proof));
            }

            foreach (T value in values)
            {
                writer.WriteElement(value);
            }
        }

        writer.WriteElements(proof.FactorEvaluations);
        if (proof.IsMasked)
        {
            writer.WriteElement(proof.MaskSum);
            writer.WriteElement(proof.MaskValue);
        }

        return writer.ToArray();
    }

    /// <summary>Deserializes and validates a proof.</summary>
    /// <typeparam name="T">The field.</typeparam>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The proof.</returns>
    /// <exception cref="ProofFormatException">The bytes are malformed.</exception>
    public static SumcheckProof<T> Deserialize<T>(ReadOnlySpan<byte> bytes)
        where T : struct, IExtensionField<T>
    {
        var reader = new ProofReader(bytes);
        ushort version = reader.ReadHeader(Magic, Version, MaskedVersion);
        if (reader.ReadUInt16() != T.EncodedLength)
        {
            throw new ProofFormatException("The proof was written for a different field.");
        }

        int rounds = reader.ReadCount(0, SumcheckVerifier.MaxVariables, 0);
        int valuesPerRound = reader.ReadCount(2, SumcheckVerifier.MaxDegree + 1, rounds * T.EncodedLength);
        var roundValues = new T[rounds][];
        for (int round = 0; round < rounds; round++)
        {
            roundValues[round] = new T[valuesPerRound];
            for (int i = 0; i < valuesPerRound; i++)
            {
                roundValues[round][i] = reader.ReadElement<T>();
            }
        }

        T[] factorEvaluations = reader.ReadElements<T>(1, SumcheckVerifier.MaxDegree);
        if (version == MaskedVersion)
        {
            T maskSum = reader.ReadElement<T>();
            T maskValue = reader.ReadElement<T>();
            reader.EnsureEnd();
            return new SumcheckProof<T>(roundValues, factorEvaluations, maskSum, maskValue);
        }

        reader.EnsureEnd();
        return new SumcheckProof<T>(roundValues, factorEvaluations);
    }
}
