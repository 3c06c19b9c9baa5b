using Thestage.Proofs.Hashing;
using Thestage.Proofs.Quantization;

namespace Thestage.Proofs.Inference;

/// <summary>
/// What a prover hands a verifier: the commitment it proved against (by <see cref="ModelCommitment.Fingerprint"/>), the public
/// integer inputs, the claimed integer outputs, and the <see cref="InferenceProof"/> that the committed model maps the one to the
/// other. Written by <see cref="InferenceProofBundleSerializer"/> ("TSPB").
/// </summary>
/// <remarks>
/// The fingerprint only names the commitment, so that a bundle made for another model is refused with that reason; the
/// binding itself is the proof's (its transcript absorbs the architecture digest and the weight roots of the commitment).
/// </remarks>
public sealed class InferenceProofBundle
{
    /// <summary>The largest batch (<see cref="InferenceProver.ProveBatch"/>'s limit).</summary>
    public const int MaxSamples = 1 << 12;

    private readonly int[][] _inputs;
    private readonly int[][] _outputs;

    /// <summary>Initializes a bundle (the samples are copied).</summary>
    /// <param name="commitmentFingerprint">The <see cref="ModelCommitment.Fingerprint"/> of the commitment proved against.</param>
    /// <param name="inputs">Between 1 and 4096 integer input samples of one length.</param>
    /// <param name="outputs">The claimed outputs, one per input, of one length.</param>
    /// <param name="proof">The batch proof.</param>
    /// <exception cref="ArgumentException">The counts or lengths differ, are out of range, or a value lies outside int16.</exception>
    public InferenceProofBundle(Digest256 commitmentFingerprint, IReadOnlyList<int[]> inputs, IReadOnlyList<int[]> outputs, InferenceProof proof)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(proof);
        if (inputs.Count is 0 or > MaxSamples || outputs.Count != inputs.Count)
        {
            throw new ArgumentException($"A bundle holds 1 to {MaxSamples} samples and one output per input; got {inputs.Count} inputs and {outputs.Count} outputs.", nameof(inputs));
        }

        CommitmentFingerprint = commitmentFingerprint;
        _inputs = Copy(inputs, nameof(inputs));
        _outputs = Copy(outputs, nameof(outputs));
        Proof = proof;
    }

    /// <summary>Gets the fingerprint of the commitment the proof was made against.</summary>
    public Digest256 CommitmentFingerprint { get; }

    /// <summary>Gets the number of samples.</summary>
    public int Count => _inputs.Length;

    /// <summary>Gets the proof.</summary>
    public InferenceProof Proof { get; }

    internal int[][] InputArray => _inputs;

    internal int[][] OutputArray => _outputs;

    /// <summary>Runs the committed model on <paramref name="inputs"/> and proves all results with one proof.</summary>
    /// <param name="model">The committed model.</param>
    /// <param name="inputs">Between 1 and 4096 integer samples (<see cref="QuantizedModel.QuantizeInput"/>).</param>
    /// <param name="salts">The salt source of the witness commitment and, over a hiding commitment, of the sumcheck masks (zero-knowledge needs fresh ones for every proof); <see langword="null"/> uses <see cref="RandomSaltSource"/>.</param>
    /// <returns>The bundle.</returns>
    /// <exception cref="ArgumentException">An input has the wrong length or range, or the batch size is out of range.</exception>
    public static InferenceProofBundle Prove(CommittedModel model, IReadOnlyList<int[]> inputs, ISaltSource? salts = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        (int[][] outputs, InferenceProof proof) = InferenceProver.ProveBatch(model, inputs, salts);
        return new InferenceProofBundle(model.Commitment.Fingerprint, inputs, outputs, proof);
    }

    /// <summary>Gets the integer input of a sample.</summary>
    /// <param name="sample">In <c>[0, Count)</c>.</param>
    /// <returns>The input.</returns>
    public ReadOnlySpan<int> GetInput(int sample) => _inputs[sample];

    /// <summary>Gets the claimed integer output of a sample (<see cref="QuantizedModel.DequantizeOutput"/> gives its real values).</summary>
    /// <param name="sample">In <c>[0, Count)</c>.</param>
    /// <returns>The output.</returns>
    public ReadOnlySpan<int> GetOutput(int sample) => _outputs[sample];

    /// <summary>Verifies the bundle under <see cref="VerifierPolicy.Default"/>.</summary>
    /// <param name="commitment">The published commitment.</param>
    /// <returns><see langword="true"/> when the bundle names <paramref name="commitment"/> and its proof is accepted.</returns>
    public bool Verify(ModelCommitment commitment) => Verify(commitment, VerifierPolicy.Default);

    /// <summary>
    /// Verifies the bundle: it must name <paramref name="commitment"/> (<see cref="ModelCommitment.Fingerprint"/>) and its proof
    /// must be accepted by <see cref="InferenceVerifier.VerifyBatch(ModelCommitment, IReadOnlyList{int[]}, IReadOnlyList{int[]}, InferenceProof?, VerifierPolicy)"/>.
    /// </summary>
    /// <param name="commitment">The published commitment.</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns><see langword="true"/> when the bundle is accepted; never throws for a bundle that does not verify.</returns>
    public bool Verify(ModelCommitment commitment, VerifierPolicy policy) => Check(commitment, policy).IsAccepted;

    /// <summary>
    /// Checks the bundle as <see cref="Verify(ModelCommitment, VerifierPolicy)"/> does, saying why it is rejected:
    /// <see cref="RejectionReason.Statement"/> when it names another commitment, else the verdict of
    /// <see cref="InferenceVerifier.CheckBatch"/>.
    /// </summary>
    /// <param name="commitment">The published commitment.</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns>The verdict; never throws for a bundle that does not verify.</returns>
    public ProofVerdict Check(ModelCommitment commitment, VerifierPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        ArgumentNullException.ThrowIfNull(policy);
        return CommitmentFingerprint == commitment.Fingerprint
            ? InferenceVerifier.CheckBatch(commitment, _inputs, _outputs, Proof, policy)
            : ProofVerdict.Reject(RejectionReason.Statement, "commitment fingerprint");
    }

    private static int[][] Copy(IReadOnlyList<int[]> samples, string name)
    {
        var copy = new int[samples.Count][];
        for (int i = 0; i < copy.Length; i++)
        {
            int[] sample = samples[i] ?? throw new ArgumentException("A sample is null.", name);
            if (sample.Length == 0 || sample.Length != samples[0].Length || sample.Length > ModelCommitment.MaxPaddedEntries)
            {
                throw new ArgumentException($"Every sample has the same length, 1 to {ModelCommitment.MaxPaddedEntries}; sample {i} has {sample.Length}.", name);
            }

            if (sample.Any(v => v is < short.MinValue or > short.MaxValue))
            {
                throw new ArgumentException($"Sample {i} has a value outside int16 (inputs have at most 16 bits, outputs are int16).", name);
            }

            copy[i] = [.. sample];
        }

        return copy;
    }
}
