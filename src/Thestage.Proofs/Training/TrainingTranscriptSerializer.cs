using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Training;

/// <summary>
/// The versioned byte format <c>TSTT</c> of a <see cref="TrainingTranscript"/>; reading throws only
/// <see cref="ProofFormatException"/> on malformed bytes.
/// </summary>
/// <remarks>
/// Layout, little-endian: <c>"TSTT"</c>, <c>u16</c> version 4; configuration: <c>u16</c> width count <c>c ∈ [3, 17]</c>,
/// <c>c × u32</c> widths, <c>u32</c> batch size, <c>u16</c> learning-rate shift, <c>u16</c> fractional bits, <c>u16</c> weight
/// bits, <c>u16</c> value bits, <c>u64</c> seed, <c>u16</c> Ligero log-blowup, <c>u32</c> column queries; the 32-byte
/// configuration digest; <c>u32</c> sample count and the 32-byte dataset root; <c>u32</c> snapshot count
/// <c>T + 1 ≥ 1</c> and <c>(T + 1)·k</c> 32-byte weight roots, snapshot-major, where <c>k ∈ {1, 2}</c> is the number
/// of weight polynomials the configuration implies (<see cref="TrainingTranscript.WeightPolynomialCount"/>); finally the
/// 32-byte transcript digest. The reader rebuilds the
/// configuration under all of <see cref="TrainingConfig"/>'s rules, recomputes both digests and requires them to
/// match, and rejects trailing bytes, so every byte of a valid encoding matters.
/// <para>
/// History: version 1 derived batches from the seed alone; version 2 (same layout) from
/// <see cref="TrainingTranscript.ScheduleKey"/>; version 3 (trailer domain <c>thestage/training-transcript/v3</c>) also
/// splits the largest layer into its own polynomial, so a snapshot may have two roots. Versions 1 and 2 are rejected
/// with a message saying why. Version 4 (same layout and trailer) lets bit 7 of the log blowup mark hiding Ligero
/// commitments (<see cref="LigeroParameters.Hiding"/>); version 3 is still read, as plain Ligero, and rejected with the bit set.
/// Version 5 is a hiding run's (the bit set), and the only version a hiding run has: its dataset root is the root of a hiding
/// Ligero commitment to the samples (<c>DatasetPolynomial</c>), followed by <c>u16</c> the dataset's opening budget
/// <c>∈ [1, 256]</c>, and its trailer domain is <c>thestage/training-transcript/v5</c>. Plain runs are written as version 4, byte
/// for byte as before; a version 4 with the hiding bit (a hiding run whose dataset was a Merkle root its step proofs opened) and a
/// version 5 without it are rejected. Version 6 (same layout; trailer domain <c>thestage/training-transcript/v6</c>) replaced version 5
/// as the hiding run's: its snapshot roots commit <see cref="SnapshotMaskLayout"/>'s polynomials (the plain snapshot beside a random
/// segment per opening role, one more variable), so a step proof's and the link's batched snapshot openings reveal uniform values.
/// Version 5 is refused with a message saying why (its snapshots have no random segments: re-record the run).
/// </para>
/// </remarks>
public static class TrainingTranscriptSerializer
{
    private const ushort Version = 4;
    private const ushort HidingVersion = 6;

    private static ReadOnlySpan<byte> Magic => "TSTT"u8;

    /// <summary>Serializes a transcript.</summary>
    /// <param name="transcript">The transcript.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Serialize(TrainingTranscript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var writer = new ProofWriter();
        writer.WriteHeader(Magic, transcript.HidesSamples ? HidingVersion : Version);
        WriteBody(writer, transcript);
        writer.WriteDigest(transcript.Digest);
        return writer.ToArray();
    }

    /// <summary>Reads a transcript, validating everything listed in the remarks.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The transcript.</returns>
    /// <exception cref="ProofFormatException">The bytes are not a valid transcript.</exception>
    public static TrainingTranscript Deserialize(ReadOnlySpan<byte> bytes)
    {
        ushort version = bytes.Length >= 6 && bytes[..4].SequenceEqual(Magic) ? BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]) : Version;
        if (version == 1)
        {
            throw new ProofFormatException(
                "TSTT version 1 is no longer accepted: its batches were derived from the seed alone. Re-record the run (batches now derive from the dataset and initial-weight commitments).");
        }

        if (version == 2)
        {
            throw new ProofFormatException(
                "TSTT version 2 is no longer accepted: it packed all layers into one weight polynomial. Re-record the run (version 3 commits the largest layer separately).");
        }

        if (version == 5)
        {
            throw new ProofFormatException(
                "TSTT version 5 is no longer accepted: its snapshot commitments have no random segments, so every batched snapshot opening revealed a plain value. Re-record the run (version 6).");
        }

        var reader = new ProofReader(bytes);
        version = reader.ReadHeader(Magic, 3, HidingVersion);
        int widthCount = reader.ReadUInt16();
        if (widthCount < 3 || widthCount > TrainingConfig.MaxLayers + 1)
        {
            throw new ProofFormatException("The layer count is out of range.");
        }

        var widths = new int[widthCount];
        for (int i = 0; i < widthCount; i++)
        {
            widths[i] = reader.ReadUInt32(0, TrainingConfig.MaxWidth);
        }

        int batchSize = reader.ReadUInt32(0, TrainingConfig.MaxBatchSize);
        int learningRateShift = reader.ReadUInt16();
        int fractionalBits = reader.ReadUInt16();
        int weightBits = reader.ReadUInt16();
        int valueBits = reader.ReadUInt16();
        ulong seed = BinaryPrimitives.ReadUInt64LittleEndian(reader.ReadBytes(8));
        int logBlowup = reader.ReadUInt16();
        int queries = reader.ReadUInt32(0, LigeroParameters.MaxColumnQueries);
        if (version == 3 && (logBlowup & LigeroParameters.EncodedHidingFlag) != 0)
        {
            throw new ProofFormatException("TSTT version 3 has no hiding commitments; a hiding transcript is version 6.");
        }

        if (version == 4 && (logBlowup & LigeroParameters.EncodedHidingFlag) != 0)
        {
            throw new ProofFormatException(
                "TSTT version 4 with hiding commitments is no longer accepted: its dataset is a Merkle root whose step proofs open the samples. Re-record the run (version 6 commits the samples hiding and proves them).");
        }

        if (version == HidingVersion && (logBlowup & LigeroParameters.EncodedHidingFlag) == 0)
        {
            throw new ProofFormatException("TSTT version 6 is a hiding run's; a plain transcript is version 4.");
        }

        TrainingConfig config;
        LigeroParameters parameters;
        try
        {
            config = new TrainingConfig(widths, batchSize, learningRateShift, fractionalBits, weightBits, valueBits, seed);
            parameters = LigeroParameters.Decode(logBlowup, queries);
        }
        catch (ArgumentException e)
        {
            throw new ProofFormatException("The configuration is invalid: " + e.Message, e);
        }

        Digest256 configDigest = reader.ReadDigest();
        int sampleCount = reader.ReadUInt32(0, TrainingDataset.MaxSamples);
        Digest256 datasetRoot = reader.ReadDigest();
        int datasetBudget = version == HidingVersion ? reader.ReadUInt16() : 0;
        if (version == HidingVersion && datasetBudget is < 1 or > LigeroParameters.MaxOpeningBudget)
        {
            throw new ProofFormatException($"The dataset's opening budget must lie in [1, {LigeroParameters.MaxOpeningBudget}].");
        }

        int polynomials = WeightCommitment.NumVariables(config).Length;
        int snapshots = reader.ReadCount(1, TrainingTranscript.MaxSteps + 1, polynomials * Digest256.Length);
        var roots = new Digest256[snapshots * polynomials];
        for (int i = 0; i < roots.Length; i++)
        {
            roots[i] = reader.ReadDigest();
        }

        Digest256 digest = reader.ReadDigest();
        reader.EnsureEnd();
        if (sampleCount < config.BatchSize)
        {
            throw new ProofFormatException("Fewer samples than one batch.");
        }

        TrainingTranscript transcript;
        try
        {
            transcript = new TrainingTranscript(config, parameters, sampleCount, datasetRoot, roots, datasetBudget);
        }
        catch (ArgumentException e)
        {
            throw new ProofFormatException("The transcript's statement is invalid: " + e.Message, e);
        }
        if (transcript.ConfigDigest != configDigest)
        {
            throw new ProofFormatException("The configuration digest does not match.");
        }

        if (transcript.Digest != digest)
        {
            throw new ProofFormatException("The transcript digest does not match.");
        }

        return transcript;
    }

    /// <summary>Writes the configuration fields (the input of <see cref="TrainingTranscript.ConfigDigest"/>).</summary>
    internal static void WriteConfig(ProofWriter writer, TrainingConfig config, LigeroParameters parameters)
    {
        writer.WriteUInt16((ushort)config.LayerSizes.Count);
        foreach (int width in config.LayerSizes)
        {
            writer.WriteUInt32((uint)width);
        }

        writer.WriteUInt32((uint)config.BatchSize);
        writer.WriteUInt16((ushort)config.LearningRateShift);
        writer.WriteUInt16((ushort)config.FractionalBits);
        writer.WriteUInt16((ushort)config.WeightBits);
        writer.WriteUInt16((ushort)config.ValueBits);
        Span<byte> seed = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(seed, config.Seed);
        writer.WriteBytes(seed);
        writer.WriteUInt16((ushort)parameters.EncodedLogBlowup);
        writer.WriteUInt32((uint)parameters.ColumnQueries);
    }

    /// <summary>Writes everything between the header and the trailer (the input of <see cref="TrainingTranscript.Digest"/>).</summary>
    internal static void WriteBody(ProofWriter writer, TrainingTranscript transcript)
    {
        WriteConfig(writer, transcript.Config, transcript.Parameters);
        writer.WriteDigest(transcript.ConfigDigest);
        writer.WriteUInt32((uint)transcript.SampleCount);
        writer.WriteDigest(transcript.DatasetRoot);
        if (transcript.HidesSamples)
        {
            writer.WriteUInt16((ushort)transcript.DatasetOpeningBudget);
        }

        writer.WriteUInt32((uint)(transcript.StepCount + 1));
        foreach (Digest256 root in transcript.WeightRoots)
        {
            writer.WriteDigest(root);
        }
    }
}
