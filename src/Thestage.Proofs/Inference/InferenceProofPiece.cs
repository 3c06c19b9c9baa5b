using System.Buffers.Binary;
using System.Security.Cryptography;
using Thestage.Models;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Quantization;

namespace Thestage.Proofs.Inference;

/// <summary>
/// One piece of a batch of inference proofs that can be proven away from the model owner — on another machine of a cluster:
/// a slice of the batch's inputs with exactly the witness their proof needs, the quantized model's weights and the commitment
/// seed (<see cref="ModelCommitmentSeed"/>, <c>TSCS</c>). Bytes: the versioned format <c>TSIW</c> (<see cref="Serialize"/>,
/// <see cref="Deserialize"/>); proven by <see cref="Commit"/> then <see cref="Prove"/> against the published commitment into an
/// <see cref="InferenceProofBundle"/> (<c>TSPB</c>), the proof <see cref="InferenceProver.ProveBatch"/> makes on one machine.
/// </summary>
/// <remarks>
/// <para>
/// What a piece carries and what the prover checks. The architecture is not in the piece: it is the public commitment's
/// (<see cref="ModelCommitment"/>, named by its fingerprint; a cluster sends it once per machine), and every shape is read
/// from it — the weights and biases of each Dense and Conv2d layer, the inputs' length and range. The model is rebuilt from
/// the commitment's architecture and the piece's weights and committed again from the seed
/// (<see cref="CommittedModel.Commit(QuantizedModel, ModelCommitmentSeed, Commitments.LigeroParameters?)"/>): a piece whose
/// recommitted fingerprint is not the commitment's is refused before anything is proven, so a prover never proves against a
/// model other than the published one.
/// </para>
/// <para>
/// The seed and the weights are the model owner's secrets: a piece goes only to machines trusted with the model. The inputs
/// and outputs are the proof's public statement.
/// </para>
/// <para>
/// Layout, little-endian: <c>"TSIW"</c>, <c>u16</c> version 1, the commitment's 32-byte fingerprint, the seed as <c>TSCS</c>
/// (38 bytes), per Dense or Conv2d layer its weights as <c>i8</c> then its biases as <c>i32</c>, <c>u32</c> sample count
/// (1 to <see cref="InferenceProofBundle.MaxSamples"/>), the samples as <c>i16</c>. No trailing bytes.
/// </para>
/// </remarks>
internal sealed class InferenceProofPiece
{
    private const ushort Version = 1;

    private const int SeedBytes = 4 + 2 + ModelCommitmentSeed.Length;

    private readonly byte[] _secret;

    private InferenceProofPiece(Digest256 fingerprint, QuantizedModel model, byte[] secret, int[][] inputs)
    {
        CommitmentFingerprint = fingerprint;
        Model = model;
        _secret = secret;
        Inputs = inputs;
    }

    private static ReadOnlySpan<byte> Magic => "TSIW"u8;

    /// <summary>The fingerprint of the commitment the piece is proven against.</summary>
    public Digest256 CommitmentFingerprint { get; }

    /// <summary>The quantized model rebuilt from the commitment's architecture and the piece's weights.</summary>
    public QuantizedModel Model { get; }

    /// <summary>The inputs to prove.</summary>
    public int[][] Inputs { get; }

    /// <summary>The piece's secret part as written (the seed and the weights): two pieces with equal secrets commit to the same model.</summary>
    public ReadOnlySpan<byte> Secret => _secret;

    /// <summary>The piece of <paramref name="inputs"/> for the committed <paramref name="model"/> and its <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">The model's architecture is not the commitment's, or the inputs' count or lengths are out of range.</exception>
    public static InferenceProofPiece For(ModelCommitment commitment, QuantizedModel model, ModelCommitmentSeed seed, IReadOnlyList<int[]> inputs)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(inputs);
        if (ModelCommitment.From(model, commitment.WeightCommitmentArray, commitment.WeightParameters, commitment.HiddenWeights).ArchitectureDigest != commitment.ArchitectureDigest)
        {
            throw new ArgumentException("The model's architecture is not the commitment's.", nameof(model));
        }

        int length = commitment.InputShape.Size;
        if (inputs.Count is 0 or > InferenceProofBundle.MaxSamples || inputs.Any(i => i is null || i.Length != length))
        {
            throw new ArgumentException($"A piece holds 1 to {InferenceProofBundle.MaxSamples} inputs of {length} values each.", nameof(inputs));
        }

        var writer = new ProofWriter();
        writer.WriteBytes(seed.ToBytes());
        foreach (QuantizedLayer layer in model.Layers.Where(l => l.Kind is LayerKind.Dense or LayerKind.Conv2d))
        {
            foreach (int w in layer.Weights)
            {
                writer.WriteBytes([(byte)(sbyte)w]);
            }

            WriteInts(writer, layer.Bias);
        }

        return new InferenceProofPiece(commitment.Fingerprint, model, writer.ToArray(), [.. inputs.Select(i => i.ToArray())]);
    }

    /// <summary>The fingerprint of the commitment a piece's bytes name (to find the commitment before reading the rest).</summary>
    /// <exception cref="ProofFormatException">The bytes do not start as a piece.</exception>
    public static Digest256 CommitmentOf(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProofReader(bytes);
        reader.ReadHeader(Magic, Version);
        return reader.ReadDigest();
    }

    /// <summary>Whether the bytes start as this format (magic only).</summary>
    public static bool IsPiece(ReadOnlySpan<byte> bytes) => bytes.StartsWith(Magic);

    /// <summary>
    /// Reads a piece for <paramref name="commitment"/>, with every shape and range from its architecture, refusing pieces
    /// beyond a prover's limits before they are read.
    /// </summary>
    /// <param name="bytes">The bytes.</param>
    /// <param name="commitment">The published commitment the piece names.</param>
    /// <param name="maxSamples">The most inputs the prover proves in one piece.</param>
    /// <param name="maxParameters">The most weights and biases of a model the prover proves.</param>
    /// <returns>The piece.</returns>
    /// <exception cref="ProofFormatException">The bytes are malformed, of another commitment or of one with an opening budget, or beyond the limits.</exception>
    public static InferenceProofPiece Deserialize(ReadOnlySpan<byte> bytes, ModelCommitment commitment, int maxSamples, long maxParameters)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        var reader = new ProofReader(bytes);
        reader.ReadHeader(Magic, Version);
        if (reader.ReadDigest() != commitment.Fingerprint)
        {
            throw new ProofFormatException("The piece is not of this model commitment.");
        }

        if (commitment.OpeningBudget > 0)
        {
            throw new ProofFormatException("The commitment has an opening budget: its pieces are not proven away from the model owner (each would reuse the same mask set).");
        }

        CircuitLayer[] layers = commitment.Layers;
        long weights = 0, biases = 0;
        foreach (CircuitLayer layer in layers.Where(l => l.HasWeights))
        {
            weights += (long)layer.OutFeatures * layer.InFeatures * Math.Max(1, layer.KernelHeight * layer.KernelWidth);
            biases += layer.OutFeatures;
        }

        if (weights + biases > maxParameters)
        {
            throw new ProofFormatException($"The model has {weights + biases:N0} parameters; this prover proves models of at most {maxParameters:N0}.");
        }

        if (SeedBytes + weights + (biases * sizeof(int)) > reader.Remaining)
        {
            throw new ProofFormatException("The declared parameters exceed the remaining bytes.");
        }

        int start = bytes.Length - reader.Remaining;
        using (ModelCommitmentSeed.FromBytes(reader.ReadBytes(SeedBytes)))
        {
            // Only its format is checked here; the prover reads it again when it commits.
        }

        var model = new List<QuantizedLayer>(layers.Length);
        try
        {
            foreach (CircuitLayer layer in layers)
            {
                model.Add(ReadLayer(ref reader, layer));
            }
        }
        catch (ArgumentException e)
        {
            throw new ProofFormatException($"The piece's model is malformed: {e.Message}");
        }

        byte[] secret = bytes[start..(bytes.Length - reader.Remaining)].ToArray();
        int length = commitment.InputShape.Size;
        int count = reader.ReadCount(1, Math.Min(maxSamples, InferenceProofBundle.MaxSamples), length * sizeof(short));
        long bound = 1L << (commitment.InputBits - 1);
        var inputs = new int[count][];
        for (int s = 0; s < count; s++)
        {
            ReadOnlySpan<byte> raw = reader.ReadBytes(length * sizeof(short));
            var input = new int[length];
            for (int i = 0; i < length; i++)
            {
                input[i] = BinaryPrimitives.ReadInt16LittleEndian(raw[(sizeof(short) * i)..]);
                if (input[i] < -bound || input[i] >= bound)
                {
                    throw new ProofFormatException($"Input {s} has a value outside the model's {commitment.InputBits}-bit range.");
                }
            }

            inputs[s] = input;
        }

        reader.EnsureEnd();
        QuantizedModel rebuilt;
        try
        {
            rebuilt = new QuantizedModel(commitment.InputShape, commitment.InputBits, commitment.InputFractionBits, commitment.OutputFractionBits, model);
        }
        catch (ArgumentException e)
        {
            CryptographicOperations.ZeroMemory(secret);
            throw new ProofFormatException($"The piece's model is malformed: {e.Message}");
        }

        return new InferenceProofPiece(commitment.Fingerprint, rebuilt, secret, inputs);
    }

    /// <summary>
    /// Commits the piece's model again from its seed under the commitment's parameters and checks that the result is the
    /// published commitment.
    /// </summary>
    /// <param name="commitment">The published commitment (its fingerprint must be the piece's).</param>
    /// <returns>The committed model, ready to prove pieces of that commitment.</returns>
    /// <exception cref="ProofFormatException">The piece's weights and seed do not commit to <paramref name="commitment"/>.</exception>
    public CommittedModel Commit(ModelCommitment commitment)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        using ModelCommitmentSeed seed = ModelCommitmentSeed.FromBytes(_secret.AsSpan(0, SeedBytes));
        CommittedModel committed;
        try
        {
            committed = CommittedModel.Commit(Model, seed, commitment.Parameters);
        }
        catch (ArgumentException e)
        {
            throw new ProofFormatException($"The piece's model cannot be committed: {e.Message}");
        }

        return commitment.Fingerprint == CommitmentFingerprint && committed.Commitment.Fingerprint == CommitmentFingerprint
            ? committed
            : throw new ProofFormatException("The piece's weights and seed do not commit to the published commitment.");
    }

    /// <summary>Proves the piece's inputs with <paramref name="committed"/> (<see cref="Commit"/> of this piece, or of an equal one).</summary>
    /// <returns>The bundle's bytes (<c>TSPB</c>).</returns>
    /// <exception cref="ProofFormatException">The committed model is of another commitment, or an input is refused by the model
    /// (its activations leave int16: <see cref="QuantizedModel.IsTotal"/>).</exception>
    public byte[] Prove(CommittedModel committed)
    {
        ArgumentNullException.ThrowIfNull(committed);
        if (committed.Commitment.Fingerprint != CommitmentFingerprint)
        {
            throw new ProofFormatException("The committed model is not the piece's.");
        }

        try
        {
            return InferenceProofBundleSerializer.Serialize(InferenceProofBundle.Prove(committed, Inputs));
        }
        catch (ArgumentException e)
        {
            throw new ProofFormatException($"An input of the piece is refused by the model: {e.Message}");
        }
    }

    /// <summary>Serializes the piece (<c>TSIW</c>).</summary>
    public byte[] Serialize()
    {
        var writer = new ProofWriter();
        writer.WriteHeader(Magic, Version);
        writer.WriteDigest(CommitmentFingerprint);
        writer.WriteBytes(_secret);
        writer.WriteUInt32((uint)Inputs.Length);
        Span<byte> scratch = stackalloc byte[2];
        foreach (int[] input in Inputs)
        {
            foreach (int v in input)
            {
                BinaryPrimitives.WriteInt16LittleEndian(scratch, (short)v);
                writer.WriteBytes(scratch);
            }
        }

        return writer.ToArray();
    }

    /// <summary>Wipes the piece's copy of the seed and the weights.</summary>
    public void Clear() => CryptographicOperations.ZeroMemory(_secret);

    private static QuantizedLayer ReadLayer(ref ProofReader reader, CircuitLayer layer)
    {
        switch (layer.Kind)
        {
            case LayerKind.Dense:
            case LayerKind.Conv2d:
                int count = layer.OutFeatures * layer.InFeatures * (layer.Kind == LayerKind.Conv2d ? layer.KernelHeight * layer.KernelWidth : 1);
                ReadOnlySpan<byte> raw = reader.ReadBytes(count);
                var weights = new int[count];
                for (int i = 0; i < count; i++)
                {
                    weights[i] = (sbyte)raw[i];
                }

                ReadOnlySpan<byte> rawBias = reader.ReadBytes(layer.OutFeatures * sizeof(int));
                var bias = new int[layer.OutFeatures];
                for (int i = 0; i < bias.Length; i++)
                {
                    bias[i] = BinaryPrimitives.ReadInt32LittleEndian(rawBias[(sizeof(int) * i)..]);
                }

                return layer.Kind == LayerKind.Dense
                    ? QuantizedLayer.Dense(layer.InFeatures, layer.OutFeatures, weights, bias, layer.Shift)
                    : QuantizedLayer.Conv2d(layer.InFeatures, layer.OutFeatures, layer.KernelHeight, layer.KernelWidth, layer.Stride, layer.Padding, weights, bias, layer.Shift);
            case LayerKind.AvgPool2d:
                return QuantizedLayer.AvgPool2d(layer.KernelHeight, layer.KernelWidth);
            case LayerKind.MaxPool2d:
                return QuantizedLayer.MaxPool2d(layer.KernelHeight, layer.KernelWidth);
            case LayerKind.Flatten:
                return QuantizedLayer.Flatten();
            case LayerKind.Relu:
                return QuantizedLayer.ReLU();
            case LayerKind.Square:
                return QuantizedLayer.Square(layer.Shift);
            default:
                throw new ProofFormatException($"Layer kind {layer.Kind} has no proof.");
        }
    }

    private static void WriteInts(ProofWriter writer, ReadOnlySpan<int> values)
    {
        Span<byte> scratch = stackalloc byte[4];
        foreach (int v in values)
        {
            BinaryPrimitives.WriteInt32LittleEndian(scratch, v);
            writer.WriteBytes(scratch);
        }
    }
}
