using BenchmarkDotNet.Attributes;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;

namespace Thestage.Benchmarks.Proofs;

/// <summary>
/// Proving and verifying quantized inference (docs/proofs.md): the 784-128-10 MLP on one image and on a batch of 16
/// (one proof for the batch), the small CNN (conv 1→4 5×5 → ReLU → avgpool 2×2 → dense 576→10) and LeNet-5 (zkCNN's,
/// with max or average pooling; <see cref="ProofWorkloads.LeNet5"/>) on one image.
/// GlobalSetup quantizes and commits the model (including the one-time int8 weight range proof, whose check the
/// verifier caches on the commitment), proves once, checks the proof and prints its size and soundness.
/// Prove: witness generation, witness commitment and the whole protocol (fresh random salts), not the model commitment.
/// CommitModel: the model commitment alone (Ligero commitment of the weights and the int8 range-and-padding proof),
/// once per model (the batch-16 workload commits the same MLP as batch 1).
/// Verify: deserializing the TSIP bytes and verifying them against the public input and output.
/// Hiding: the model and witness are committed with <see cref="LigeroParameters.DefaultHiding"/> (zero-knowledge Ligero
/// openings) instead of <see cref="LigeroParameters.NonHidingForBenchmarks"/>, in the same run, to measure what hiding costs.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class InferenceProofBenchmarks
{
    private CommittedModel _model = null!;
    private List<int[]> _inputs = null!;
    private int[][] _outputs = null!;
    private byte[] _proof = null!;

    /// <summary>
    /// The workload: MLP on one image, MLP on 16 images, CNN on one image, LeNet-5 (zkCNN's, max pooling; and with average
    /// pooling) on one image padded to 32×32.
    /// </summary>
    [ParamsSource(nameof(Workloads))]
    public string Workload { get; set; } = "Mlp784x128x10-batch1";

    /// <summary>
    /// Gets the workloads: all five, or those named (comma-separated) in the environment variable
    /// <c>THESTAGE_PROOF_WORKLOADS</c> (BenchmarkDotNet's filter selects methods, not parameters; compare-zkcnn.sh runs LeNet-5 only).
    /// </summary>
    public static IEnumerable<string> Workloads =>
        Environment.GetEnvironmentVariable("THESTAGE_PROOF_WORKLOADS") is { Length: > 0 } names
            ? names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : ["Mlp784x128x10-batch1", "Mlp784x128x10-batch16", "Cnn5x5x4-batch1", "LeNet5-max-batch1", "LeNet5-avg-batch1"];

    /// <summary>Whether the commitments are hiding (<see cref="LigeroParameters.DefaultHiding"/>).</summary>
    [Params(false, true)]
    public bool Hiding { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        List<double[]> images = ProofWorkloads.Images(16, out string source);
        int batch = Workload.EndsWith("batch16", StringComparison.Ordinal) ? 16 : 1;
        LigeroParameters parameters = Hiding ? LigeroParameters.DefaultHiding : LigeroParameters.NonHidingForBenchmarks;
        if (Workload.StartsWith("LeNet5", StringComparison.Ordinal))
        {
            images = ProofWorkloads.Pad32(images);
            _model = ProofWorkloads.LeNet5(images, maxPooling: Workload.StartsWith("LeNet5-max", StringComparison.Ordinal), parameters);
        }
        else
        {
            _model = Workload.StartsWith("Cnn", StringComparison.Ordinal) ? ProofWorkloads.Cnn(images, parameters) : ProofWorkloads.Mlp(images, parameters);
        }

        _inputs = images.Take(batch).Select(x => _model.Model.QuantizeInput(x)).ToList();
        (_outputs, InferenceProof proof) = InferenceProver.ProveBatch(_model, _inputs);
        _proof = InferenceProofSerializer.Serialize(proof);
        if (!Verify())
        {
            throw new InvalidOperationException("The benchmark proof does not verify.");
        }

        Console.WriteLine(
            $"// {Workload}{(Hiding ? " hiding" : string.Empty)} on {source}: {ProofWorkloads.Describe(proof)}; soundness {InferenceVerifier.SoundnessBits(_model.Commitment, batch):F1} bits; "
            + $"published model commitment {ModelCommitmentSerializer.Serialize(_model.Commitment).Length} B");
    }

    [Benchmark]
    public CommittedModel CommitModel() => CommittedModel.Commit(_model.Model, _model.Commitment.Parameters);

    [Benchmark]
    public byte[] Prove() => InferenceProofSerializer.Serialize(InferenceProver.ProveBatch(_model, _inputs).Proof);

    [Benchmark]
    public bool Verify() => InferenceVerifier.VerifyBatch(_model.Commitment, _inputs, _outputs, InferenceProofSerializer.Deserialize(_proof));
}
