using System.Collections.Concurrent;
using Org.BouncyCastle.Crypto.Digests;
using Thestage.Models;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Quantization;

namespace Thestage.Proofs.Inference;

/// <summary>
/// What a model owner publishes: Ligero commitments to all weights and biases (packed into one or two
/// polynomials), the weight-free architecture with its quantization parameters, and a BLAKE2s digest of that
/// architecture and of the commitment parameters.
/// </summary>
/// <remarks>
/// Created by <see cref="CommittedModel.Commit(QuantizedModel, LigeroParameters?, ISaltSource?)"/> (random salts) or <see cref="CommittedModel.Commit(QuantizedModel, ModelCommitmentSeed, LigeroParameters?)"/> (salts derived from a secret seed), published with <see cref="ModelCommitmentSerializer"/>,
/// consumed by <see cref="InferenceVerifier"/>. A one-time <see cref="WeightRangeProof"/> shows that every committed
/// weight is an int8 and that every padding entry (outside the architecture's matrices and bias vectors) is zero, so the
/// commitment binds exactly the published architecture's parameters. Biases are bound but not range-checked; this is benign: every inference proof range-checks
/// <c>q</c> (int16) and <c>r</c> (<c>[0, 2^s)</c>), so <c>W·x + b = q·2^s + r − h</c> is a small integer, hence the bias acts as
/// an integer of magnitude below <c>2^46</c> and the output is exactly the documented integer semantics for that bias
/// (an out-of-range bias can only make proofs impossible, never make two outputs provable).
/// </remarks>
public sealed class ModelCommitment
{
    /// <summary>
    /// The largest number of entries, per sample, of any one tensor (channels and spatial positions each padded to a power of
    /// two), weight segment, im2col matrix or tap list of a provable model: <c>2^22</c>. Larger architectures are refused
    /// when committed and when read (<see cref="ModelCommitmentSerializer"/>), before anything of that size is built.
    /// </summary>
    public const int MaxPaddedEntries = 1 << 22;

    /// <summary>
    /// The largest number of entries, per sample, of all tensors, weight segments, im2col matrices and taps of a provable model
    /// together: <c>2^24</c>. It bounds the verifier's memory and time for any statement, whoever wrote it.
    /// </summary>
    public const int MaxCircuitEntries = 1 << 24;

    private const int MaxCachedPlans = 64;

    private readonly LigeroCommitment[] _weights;
    private readonly ConcurrentDictionary<int, CircuitPlan> _plans = new();
    private Digest256? _fingerprint;
    private WeightMaskLayout? _weightMasks;
    private ProofVerdict? _rangeVerdict; // null until checked (idempotent, so races are harmless)
    private double _rangeSoundnessError = double.NaN; // NaN until computed (a 64-bit write is atomic and the value deterministic)

    internal ModelCommitment(
        Shape inputShape,
        int inputBits,
        int inputFractionBits,
        int outputFractionBits,
        CircuitLayer[] layers,
        LigeroCommitment[] weights,
        LigeroParameters parameters,
        WeightRangeProof? rangeProof,
        bool hiddenWeights = false)
    {
        if (hiddenWeights && (!parameters.Hiding || parameters.OpeningBudget == 0))
        {
            throw new ArgumentException("Hidden weights need a hiding commitment with an opening budget.", nameof(hiddenWeights));
        }

        HiddenWeights = hiddenWeights;
        RangeProof = rangeProof;
        InputShape = inputShape;
        InputBits = inputBits;
        InputFractionBits = inputFractionBits;
        OutputFractionBits = outputFractionBits;
        Layers = layers;
        Shape shape = inputShape;
        foreach (CircuitLayer layer in layers)
        {
            shape = layer.OutputShape(shape);
        }

        OutputShape = shape;
        _weights = weights;
        WeightParameters = parameters;
        Parameters = parameters.WithOpeningBudget(0);
        var writer = new ProofWriter();
        WriteArchitecture(writer);
        ArchitectureDigest = Digest(writer.ToArray());
    }

    /// <summary>Gets the input shape of one sample.</summary>
    public Shape InputShape { get; }

    /// <summary>Gets the output shape of one sample.</summary>
    public Shape OutputShape { get; }

    /// <summary>Gets the number of bits of the signed input integers.</summary>
    public int InputBits { get; }

    /// <summary>Gets the fraction bits of the input fixed-point format.</summary>
    public int InputFractionBits { get; }

    /// <summary>Gets the fraction bits of the output fixed-point format.</summary>
    public int OutputFractionBits { get; }

    /// <summary>Gets the commitments to the weight polynomial(s).</summary>
    public IReadOnlyList<LigeroCommitment> WeightCommitments => _weights;

    /// <summary>Gets the commitment parameters (also used for the per-proof witness commitment), without the weights' <see cref="OpeningBudget"/>.</summary>
    public LigeroParameters Parameters { get; }

    /// <summary>
    /// Gets the number of openings of the weight commitments that stay hiding (<see cref="LigeroParameters.OpeningBudget"/>): the
    /// weight range proof is the first, so <c>OpeningBudget − 1</c> inference or link proofs can be made against this commitment
    /// (<see cref="CommittedModel.ProofsRemaining"/>); 0 without a budget (hiding for one opening, see <see cref="LigeroParameters"/> remarks).
    /// </summary>
    public int OpeningBudget => WeightParameters.OpeningBudget;

    /// <summary>The parameters of the weight commitments: <see cref="Parameters"/> with the <see cref="OpeningBudget"/>.</summary>
    internal LigeroParameters WeightParameters { get; }

    /// <summary>Gets the BLAKE2s-256 digest of the architecture, the quantization parameters and the commitment parameters.</summary>
    public Digest256 ArchitectureDigest { get; }

    /// <summary>
    /// Gets the SHA-256 of the commitment's bytes (<see cref="ModelCommitmentSerializer.Serialize"/>, canonical: reading and
    /// writing again gives the same bytes), the name under which a model is published: <c>sha256sum model.tsmc</c> shows the
    /// same value. A committed model recomputed from its seed (<see cref="ModelCommitmentSeed"/>) has the fingerprint of the
    /// published commitment, and an <see cref="InferenceProofBundle"/> names the commitment it was made against by it.
    /// </summary>
    public Digest256 Fingerprint => _fingerprint ??= Digest256.FromBytes(System.Security.Cryptography.SHA256.HashData(ModelCommitmentSerializer.Serialize(this)));

    /// <summary>Gets the one-time proof that all committed weights are int8 and the padding zero (see <see cref="VerifyWeightRanges"/>).</summary>
    public WeightRangeProof? RangeProof { get; }

    internal CircuitLayer[] Layers { get; }

    internal LigeroCommitment[] WeightCommitmentArray => _weights;

    /// <summary>
    /// Gets a value indicating whether the weight polynomials carry a mask set per opening of the budget (<see cref="WeightMaskLayout"/>,
    /// <c>TSMC</c> v7), so that the weight claims of a <c>TSIP</c> v3 proof are masked.
    /// </summary>
    internal bool HiddenWeights { get; }

    /// <summary>Gets the layout of the masks of <see cref="HiddenWeights"/>, or <see langword="null"/>.</summary>
    internal WeightMaskLayout? WeightMasks => HiddenWeights ? _weightMasks ??= WeightMaskLayout.Create(Plan(1), OpeningBudget) : null;

    /// <summary>Gets the layout of the committed weight polynomials: the plan's, or with the masks of <see cref="HiddenWeights"/>.</summary>
    internal SegmentLayout WeightLayout => WeightMasks?.Layout ?? Plan(1).WeightLayout;

    /// <summary>
    /// Gets the circuit plan for <paramref name="batch"/> samples, built once per batch size (up to 64 sizes are kept) and
    /// sharing the taps of the batch-1 plan, so repeated verifications do not rebuild it.
    /// </summary>
    /// <exception cref="ArgumentException">The architecture exceeds the limits or is not provable, or the batch is out of range.</exception>
    internal CircuitPlan Plan(int batch)
    {
        if (_plans.TryGetValue(batch, out CircuitPlan? plan))
        {
            return plan;
        }

        CircuitPlan single = _plans.TryGetValue(1, out CircuitPlan? cached) ? cached : _plans.GetOrAdd(1, CircuitPlan.Create(InputShape, Layers, 1));
        plan = single.ForBatch(batch);
        return _plans.Count < MaxCachedPlans ? _plans.GetOrAdd(batch, plan) : plan;
    }

    /// <summary>
    /// Verifies <see cref="RangeProof"/> once (the verdict is cached): every committed weight lies in <c>[−128, 128)</c> and
    /// every padding entry is zero.
    /// <see cref="InferenceVerifier"/> rejects every proof against a commitment that fails this check.
    /// </summary>
    /// <returns><see langword="true"/> when the range proof is present and valid (<see cref="CheckWeightRanges()"/> says why not).</returns>
    /// <remarks>Applies <see cref="VerifierPolicy.Default"/>: a commitment whose parameters give its range proof less soundness than
    /// the policy asks (e.g. a hostile commitment declaring one column query) or a larger opening budget is refused.</remarks>
    public bool VerifyWeightRanges() => CheckWeightRanges().IsAccepted;

    /// <summary>
    /// Checks <see cref="RangeProof"/> as <see cref="VerifyWeightRanges"/> does (once; the verdict is cached), saying why it is
    /// rejected: <see cref="RejectionReason.Format"/> (missing or malformed), <see cref="RejectionReason.Statement"/> (an architecture
    /// beyond the circuit limits), <see cref="RejectionReason.Lookup"/> (a weight outside int8), <see cref="RejectionReason.Relation"/>
    /// (<c>"padding of segment σ"</c>: a non-zero padding entry) or <see cref="RejectionReason.Opening"/>.
    /// </summary>
    /// <returns>The verdict.</returns>
    /// <remarks>Applies <see cref="VerifierPolicy.Default"/> (<see cref="CheckWeightRanges(VerifierPolicy)"/>).</remarks>
    public ProofVerdict CheckWeightRanges() => CheckWeightRanges(VerifierPolicy.Default);

    /// <summary>
    /// Checks <see cref="RangeProof"/> as <see cref="CheckWeightRanges()"/> does, under <paramref name="policy"/>: first
    /// <see cref="RejectionReason.SoundnessPolicy"/> when the range proof's soundness under this commitment's own parameters
    /// (<see cref="WeightRangeArgument"/>'s union bound) is below <see cref="VerifierPolicy.MinimumSoundnessBits"/> or the opening
    /// budget above <see cref="VerifierPolicy.MaximumOpeningBudget"/> — the parameters come from the commitment's bytes, so they
    /// are checked, not trusted — then the proof itself (its verdict cached).
    /// </summary>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns>The verdict.</returns>
    public ProofVerdict CheckWeightRanges(VerifierPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.RefusesPlain(Parameters))
        {
            return ProofVerdict.Reject(RejectionReason.NotZeroKnowledge);
        }

        if (OpeningBudget > policy.MaximumOpeningBudget
            || -Math.Log2(RangeSoundnessError) < policy.MinimumSoundnessBits)
        {
            return ProofVerdict.Reject(RejectionReason.SoundnessPolicy);
        }

        return _rangeVerdict ??= WeightRangeArgument.Verify(this, RangeProof);
    }

    /// <summary>
    /// Gets the soundness error of <see cref="RangeProof"/> under this commitment's parameters (<see cref="WeightRangeArgument.SoundnessError"/>),
    /// computed once: every verification of an inference proof adds it to its own union bound.
    /// </summary>
    internal double RangeSoundnessError
    {
        get
        {
            if (double.IsNaN(_rangeSoundnessError))
            {
                _rangeSoundnessError = WeightRangeArgument.SoundnessError(Plan(1), WeightLayout, Parameters, WeightParameters);
            }

            return _rangeSoundnessError;
        }
    }

    internal static ModelCommitment From(QuantizedModel model, LigeroCommitment[] weights, LigeroParameters parameters, bool hiddenWeights = false) =>
        new(model.InputShape, model.InputBits, model.InputFractionBits, model.OutputFractionBits, model.Layers.Select(CircuitLayer.From).ToArray(), weights, parameters, null, hiddenWeights);

    internal ModelCommitment WithRangeProof(WeightRangeProof proof) =>
        new(InputShape, InputBits, InputFractionBits, OutputFractionBits, Layers, _weights, WeightParameters, proof, HiddenWeights);

    /// <summary>Writes the canonical architecture encoding (everything but the weight commitments).</summary>
    internal void WriteArchitecture(ProofWriter writer)
    {
        writer.WriteUInt32((uint)InputShape.Channels);
        writer.WriteUInt32((uint)InputShape.Height);
        writer.WriteUInt32((uint)InputShape.Width);
        writer.WriteUInt32((uint)InputBits);
        writer.WriteUInt32((uint)InputFractionBits);
        writer.WriteUInt32((uint)OutputFractionBits);
        writer.WriteUInt32((uint)Layers.Length);
        foreach (CircuitLayer layer in Layers)
        {
            writer.WriteUInt32((uint)layer.Kind);
            writer.WriteUInt32((uint)layer.InFeatures);
            writer.WriteUInt32((uint)layer.OutFeatures);
            writer.WriteUInt32((uint)layer.KernelHeight);
            writer.WriteUInt32((uint)layer.KernelWidth);
            writer.WriteUInt32((uint)layer.Stride);
            writer.WriteUInt32((uint)layer.Padding);
            writer.WriteUInt32((uint)layer.Shift);
        }

        writer.WriteUInt32((uint)Parameters.EncodedLogBlowup);
        writer.WriteUInt32((uint)Parameters.ColumnQueries);
        if (OpeningBudget > 0)
        {
            writer.WriteUInt32((uint)OpeningBudget);
        }

        if (HiddenWeights)
        {
            writer.WriteUInt32(1); // TSMC v7: the weight polynomials carry the masks (WeightMaskLayout); digested, so a relabelled version fails
        }
    }

    private static Digest256 Digest(byte[] architecture)
    {
        var digest = new Blake2sDigest(256);
        byte[] domain = "thestage/model-architecture/v1"u8.ToArray();
        digest.BlockUpdate(domain, 0, domain.Length);
        digest.BlockUpdate(architecture, 0, architecture.Length);
        var output = new byte[32];
        digest.DoFinal(output, 0);
        return Digest256.FromBytes(output);
    }
}
