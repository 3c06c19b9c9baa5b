using System.Buffers.Binary;
using System.Numerics;
using Thestage.Models;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;

namespace Thestage.Proofs.Inference;

/// <summary>
/// The versioned byte format of <see cref="ModelCommitment"/>, little-endian:
/// <c>"TSMC" ‖ version u16 (=3) ‖ input C, H, W, input bits, input and output fraction bits (u32 each) ‖ layer count u32 ‖
/// per layer: kind, in, out, kernel height, kernel width, stride, padding, shift (u32 each) ‖ log blowup u32 (bit 7: hiding
/// Ligero, <see cref="LigeroParameters.Hiding"/>) ‖ column queries u32
/// ‖ weight commitment count u8 ‖ per commitment: root (32) ‖ variables u8 ‖ architecture digest (32) ‖ range-proof flag u8
/// ‖ if 1: multiplicities (u32 count = 256 ‖ 8-byte elements) ‖ sumcheck list ‖ values (u32 count ‖ 16-byte elements)
/// ‖ opening count u8 ‖ per opening: u32 length ‖ "TSLG" bytes</c>. Version 5 is a hiding commitment whose range proof has
/// zero-knowledge sumchecks and committed multiplicities: it has no multiplicities field, each sumcheck is followed by its
/// mask's sum and value, and the openings by the masking pool (<c>chunk count u8 ‖ per chunk: root (32) ‖ log size u8 ‖ u32
/// length ‖ "TSLG" opening</c>), whose first chunk holds the multiplicities; a version 5 without its range proof is refused,
/// so that each commitment has one encoding. Plain commitments are written as version 3, unchanged. Older hiding range
/// proofs are refused with a message saying to commit again: a hiding version 3 with a range proof (its sumchecks were not
/// masked) and version 4 (masked sumchecks, but the multiplicities — the histogram of the int8 weights — published). Version 6 is a version 5 with an
/// opening budget (<see cref="ModelCommitment.OpeningBudget"/>, a <c>u32</c> in <c>[1, 256]</c> after the column queries, inside
/// the digested architecture) whose weight openings name their mask sets (<c>TSLG</c> v2); hiding commitments without a budget
/// are written as version 5. Version 7 (hidden weights, <see cref="WeightMaskLayout"/>) is a version 6 whose weight polynomials also
/// carry, per opening of the budget, a mask segment per weight and bias segment and a random segment, so that the weight claims of a
/// <c>TSIP</c> v3 proof are masked: a <c>u32</c> 1 follows the budget (inside the digested architecture), and the weight
/// commitments' variables are those of the masked layout. Hiding commitments with a budget are written as version 7; version 6 is
/// still read, as what it is, and refused by the verifier of a <c>TSIP</c> v3 proof (whose weight claims it would reveal).
/// </summary>
/// <remarks>
/// Every field is range-checked, the layer rules of <see cref="QuantizedLayer"/> are enforced, the shapes must chain
/// and be provable, the weight commitments must match the packing of the architecture, and the stored digest must
/// equal the recomputed one; any violation raises <see cref="ProofFormatException"/>.
/// <para>
/// History: version 1 had the same layout, but its range proof did not show that the padding entries of the weight
/// segments are zero (so extra hidden units could hide there); it is rejected with a message saying why. Version 2 has
/// the layout of version 3 without the hiding bit; it is still read (as plain Ligero), and a version-2 commitment with the
/// bit set is rejected. Plain commitments have the same bytes in both versions apart from the version field, so their
/// architecture digests, transcripts and proofs are unchanged.
/// </para>
/// </remarks>
public static class ModelCommitmentSerializer
{
    /// <summary>The format version of plain commitments (hiding ones, with a zero-knowledge range proof, are written as version 5, or 7 with an opening budget and hidden weights).</summary>
    public const ushort Version = 3;

    /// <summary>Hiding commitments whose range proof published the multiplicities (refused since version 5).</summary>
    private const ushort PublishedHistogramVersion = 4;

    private const ushort MaskedVersion = 5;

    private const ushort BudgetedVersion = 6;

    private const ushort HiddenWeightsVersion = 7;

    private static ReadOnlySpan<byte> Magic => "TSMC"u8;

    /// <summary>Serializes a model commitment.</summary>
    /// <param name="commitment">The commitment.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="ArgumentException">A zero-knowledge range proof carries published multiplicities.</exception>
    public static byte[] Serialize(ModelCommitment commitment)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        bool masked = commitment.RangeProof is { IsMasked: true };
        if (masked && !commitment.RangeProof!.Multiplicities.IsEmpty)
        {
            throw new ArgumentException("A zero-knowledge range proof commits its multiplicities; versions 5 and 6 have no field for published ones.", nameof(commitment));
        }

        var writer = new ProofWriter();
        writer.WriteHeader(Magic, commitment.HiddenWeights ? HiddenWeightsVersion : commitment.OpeningBudget > 0 ? BudgetedVersion : masked ? MaskedVersion : Version);
        commitment.WriteArchitecture(writer);
        writer.WriteBytes([(byte)commitment.WeightCommitments.Count]);
        foreach (LigeroCommitment weights in commitment.WeightCommitments)
        {
            writer.WriteDigest(weights.Root);
            writer.WriteBytes([(byte)weights.NumVariables]);
        }

        writer.WriteDigest(commitment.ArchitectureDigest);
        WeightRangeProof? range = commitment.RangeProof;
        writer.WriteBytes([(byte)(range is null ? 0 : 1)]);
        if (range is not null)
        {
            if (!masked)
            {
                writer.WriteElements(range.Multiplicities);
            }

            ProofCodec.WriteSumchecks(writer, range.Sumchecks, masked);
            writer.WriteElements(range.Values);
            writer.WriteBytes([(byte)range.Openings.Count]);
            foreach (LigeroOpeningProof<GoldilocksExt2> opening in range.Openings)
            {
                ProofCodec.WriteOpening(writer, opening);
            }

            if (masked)
            {
                ProofCodec.WriteMaskPool(writer, range.MaskChunks, range.MaskOpenings);
            }
        }

        return writer.ToArray();
    }

    /// <summary>Deserializes and validates a model commitment.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The commitment.</returns>
    /// <exception cref="ProofFormatException">The bytes are malformed or inconsistent.</exception>
    public static ModelCommitment Deserialize(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 6 && bytes[..4].SequenceEqual(Magic) && BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]) == 1)
        {
            throw new ProofFormatException(
                "TSMC version 1 is no longer accepted: its weight range proof did not show that the padding of the weight matrices is zero, so a wider network could hide there. Commit the model again (version 2).");
        }

        if (bytes.Length >= 6 && bytes[..4].SequenceEqual(Magic) && BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]) == PublishedHistogramVersion)
        {
            throw new ProofFormatException(
                "TSMC version 4 is no longer accepted: its hiding range proof publishes the histogram of the int8 weights. Commit the model again (version 5 commits it).");
        }

        var reader = new ProofReader(bytes);
        ushort version = reader.ReadHeader(Magic, 2, HiddenWeightsVersion);
        bool masked = version >= MaskedVersion;
        (int channels, int height, int width) = (reader.ReadUInt32(1, 1 << 24), reader.ReadUInt32(1, 1 << 24), reader.ReadUInt32(1, 1 << 24));
        int inputBits = reader.ReadUInt32(2, 16);
        int inputFraction = ReadSigned(ref reader, 62);
        int outputFraction = ReadSigned(ref reader, 62);
        int count = reader.ReadUInt32(1, 64);
        var layers = new CircuitLayer[count];
        for (int i = 0; i < count; i++)
        {
            var layer = new CircuitLayer(
                (LayerKind)reader.ReadUInt32(0, (int)LayerKind.MaxPool2d),
                reader.ReadUInt32(0, 1 << 24),
                reader.ReadUInt32(0, 1 << 24),
                reader.ReadUInt32(0, 256),
                reader.ReadUInt32(0, 256),
                reader.ReadUInt32(0, 256),
                reader.ReadUInt32(0, 256),
                reader.ReadUInt32(0, QuantizedLayer.MaxShift));
            if (!FollowsLayerRules(layer))
            {
                throw new ProofFormatException($"Layer {i} violates the rules of its kind.");
            }

            layers[i] = layer;
        }

        int logBlowup = reader.ReadUInt32(1, LigeroParameters.MaxLogBlowup | LigeroParameters.EncodedHidingFlag);
        int queries = reader.ReadUInt32(1, LigeroParameters.MaxColumnQueries);
        int budget = version >= BudgetedVersion ? reader.ReadUInt32(1, LigeroParameters.MaxOpeningBudget) : 0;
        bool hiddenWeights = version == HiddenWeightsVersion && reader.ReadUInt32(1, 1) == 1;
        if (version >= BudgetedVersion && (logBlowup & LigeroParameters.EncodedHidingFlag) == 0)
        {
            throw new ProofFormatException($"TSMC version {version} is a hiding commitment with an opening budget; a plain one is version 3.");
        }
        if (version == 2 && (logBlowup & LigeroParameters.EncodedHidingFlag) != 0)
        {
            throw new ProofFormatException("TSMC version 2 has no hiding commitments; a hiding model commitment is version 3.");
        }

        if (masked && (logBlowup & LigeroParameters.EncodedHidingFlag) == 0)
        {
            throw new ProofFormatException($"TSMC version {version} is a hiding commitment; a plain one is version 3.");
        }

        int weightCount = reader.ReadBytes(1)[0];
        if (weightCount is 0 or > 2)
        {
            throw new ProofFormatException("A model has one or two weight commitments.");
        }

        var weights = new LigeroCommitment[weightCount];
        for (int i = 0; i < weightCount; i++)
        {
            Digest256 root = reader.ReadDigest();
            int variables = reader.ReadBytes(1)[0];
            if (variables > 30)
            {
                throw new ProofFormatException("Weight polynomials have at most 30 variables.");
            }

            weights[i] = new LigeroCommitment(root, variables);
        }

        Digest256 digest = reader.ReadDigest();
        WeightRangeProof? range = null;
        byte hasRange = reader.ReadBytes(1)[0];
        if (hasRange > 1)
        {
            throw new ProofFormatException("Invalid range-proof flag.");
        }

        if (masked && hasRange == 0)
        {
            throw new ProofFormatException($"TSMC version {version} carries its zero-knowledge range proof; a hiding commitment without one is version 3.");
        }

        if (hasRange == 1 && !masked && (logBlowup & LigeroParameters.EncodedHidingFlag) != 0)
        {
            throw new ProofFormatException("A hiding TSMC version 3 carries a range proof whose sumchecks are not zero-knowledge; commit the model again (version 5).");
        }

        if (hasRange == 1)
        {
            Goldilocks[] multiplicities = masked ? [] : reader.ReadElements<Goldilocks>(1 << CircuitPlan.TableBits, 1 << CircuitPlan.TableBits);
            SumcheckProof<GoldilocksExt2>[] sumchecks = ProofCodec.ReadSumchecks(ref reader, 1 << 12, masked);
            GoldilocksExt2[] values = reader.ReadElements<GoldilocksExt2>(0, 1 << 12);
            int openingCount = reader.ReadBytes(1)[0];
            if (openingCount is 0 or > 2)
            {
                throw new ProofFormatException("A range proof has one or two openings.");
            }

            var openings = new LigeroOpeningProof<GoldilocksExt2>[openingCount];
            for (int i = 0; i < openingCount; i++)
            {
                openings[i] = ProofCodec.ReadOpening(ref reader);
            }

            if (masked)
            {
                (SumcheckMaskChunk[] chunks, LigeroOpeningProof<GoldilocksExt2>[] maskOpenings) = ProofCodec.ReadMaskPool(ref reader);
                range = new WeightRangeProof(multiplicities, sumchecks, values, openings, chunks, maskOpenings);
            }
            else
            {
                range = new WeightRangeProof(multiplicities, sumchecks, values, openings);
            }
        }

        reader.EnsureEnd();
        ModelCommitment commitment;
        try
        {
            commitment = new ModelCommitment(LayerShapes.Canonical(channels, height, width), inputBits, inputFraction, outputFraction, layers, weights, LigeroParameters.Decode(logBlowup, queries).WithOpeningBudget(budget), range, hiddenWeights);
            int[] expected = commitment.WeightLayout.NumVariables;
            if (!expected.SequenceEqual(weights.Select(w => w.NumVariables)))
            {
                throw new ProofFormatException("The weight commitments do not match the architecture.");
            }
        }
        catch (ArgumentException exception)
        {
            throw new ProofFormatException("The architecture is invalid or not provable.", exception);
        }

        if (commitment.ArchitectureDigest != digest)
        {
            throw new ProofFormatException("The architecture digest does not match.");
        }

        return commitment;
    }

    private static int ReadSigned(ref ProofReader reader, int bound)
    {
        int value = (int)reader.ReadUInt32();
        if (value < -bound || value > bound)
        {
            throw new ProofFormatException("A fraction-bit count is out of range.");
        }

        return value;
    }

    private static bool FollowsLayerRules(CircuitLayer l)
    {
        bool noGeometry = l.KernelHeight == 0 && l.KernelWidth == 0 && l.Stride == 0 && l.Padding == 0;
        return l.Kind switch
        {
            LayerKind.Dense => l.InFeatures > 0 && l.OutFeatures > 0 && noGeometry,
            LayerKind.Conv2d => l.InFeatures > 0 && l.OutFeatures > 0 && l.KernelHeight > 0 && l.KernelWidth > 0 && l.Stride > 0
                && (long)l.InFeatures * l.KernelHeight * l.KernelWidth <= 1 << 24,
            LayerKind.AvgPool2d => l.InFeatures == 0 && l.OutFeatures == 0 && l.KernelHeight > 0 && l.KernelWidth > 0 && l.Stride == l.KernelHeight
                && l.Padding == 0 && BitOperations.IsPow2(l.KernelHeight * l.KernelWidth) && l.Shift == BitOperations.Log2((uint)(l.KernelHeight * l.KernelWidth)),
            LayerKind.Square => l.InFeatures == 0 && l.OutFeatures == 0 && noGeometry,
            LayerKind.MaxPool2d => l.InFeatures == 0 && l.OutFeatures == 0 && l.KernelHeight > 0 && l.KernelWidth > 0 && l.Stride == l.KernelHeight
                && l.Padding == 0 && l.Shift == 0 && l.KernelHeight * l.KernelWidth <= LayerShapes.MaxPoolWindow,
            _ => l.InFeatures == 0 && l.OutFeatures == 0 && noGeometry && l.Shift == 0,
        };
    }
}
