using System.Buffers.Binary;
using Org.BouncyCastle.Crypto.Digests;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Quantization;

namespace Thestage.Proofs.Inference;

/// <summary>
/// What a model owner publishes: Ligero commitments to all weights and biases (packed by
/// <c>SegmentLayout</c>), the weight-free architecture with its quantization parameters, and a BLAKE2s digest
/// of that architecture and of the commitment parameters.
/// </summary>
/// <remarks>Created by <see cref="CommittedModel.Commit"/>; consumed by <see cref="InferenceVerifier"/>.</remarks>
public sealed class ModelCommitment
{
    private readonly LigeroCommitment[] _weights;

    internal ModelCommitment(QuantizedModel model, LigeroCommitment[] weights, LigeroParameters parameters)
    {
        InputShape = model.InputShape;
        OutputShape = model.OutputShape;
        InputBits = model.InputBits;
        InputFractionBits = model.InputFractionBits;
        OutputFractionBits = model.OutputFractionBits;
        Layers = model.Layers.Select(LayerSpec.From).ToArray();
        _weights = weights;
        Parameters = parameters;
        ArchitectureDigest = ComputeDigest(model.ArchitectureBytes(), parameters);
    }

    /// <summary>Gets the input shape of one sample.</summary>
    public TensorShape InputShape { get; }

    /// <summary>Gets the output shape of one sample.</summary>
    public TensorShape OutputShape { get; }

    /// <summary>Gets the number of bits of the signed input integers.</summary>
    public int InputBits { get; }

    /// <summary>Gets the fraction bits of the input fixed-point format.</summary>
    public int InputFractionBits { get; }

    /// <summary>Gets the fraction bits of the output fixed-point format.</summary>
    public int OutputFractionBits { get; }

    /// <summary>Gets the commitments to the weight polynomial(s).</summary>
    public IReadOnlyList<LigeroCommitment> WeightCommitments => _weights;

    /// <summary>Gets the commitment parameters (also used for the per-proof witness commitment).</summary>
    public LigeroParameters Parameters { get; }

    /// <summary>Gets the BLAKE2s-256 digest of the architecture, the quantization parameters and the commitment parameters.</summary>
    public Digest256 ArchitectureDigest { get; }

    internal LayerSpec[] Layers { get; }

    internal LigeroCommitment[] WeightCommitmentArray => _weights;

    private static Digest256 ComputeDigest(byte[] architecture, LigeroParameters parameters)
    {
        var digest = new Blake2sDigest(256);
        byte[] domain = "thestage/model-architecture/v1"u8.ToArray();
        digest.BlockUpdate(domain, 0, domain.Length);
        digest.BlockUpdate(architecture, 0, architecture.Length);
        var tail = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(tail, parameters.LogBlowup);
        BinaryPrimitives.WriteInt32LittleEndian(tail.AsSpan(4), parameters.ColumnQueries);
        digest.BlockUpdate(tail, 0, tail.Length);
        var output = new byte[32];
        digest.DoFinal(output, 0);
        return Digest256.FromBytes(output);
    }
}
