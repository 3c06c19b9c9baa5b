using BenchmarkDotNet.Attributes;
using Thestage.Proofs;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;

namespace Thestage.Benchmarks.Proofs;

/// <summary>
/// What an opening budget costs (<see cref="LigeroParameters.OpeningBudget"/>, docs/proofs.md "Hiding"): LeNet-5 (zkCNN's, max
/// pooling) and the 784-128-10 MLP on one image, committed with <see cref="LigeroParameters.DefaultHiding"/> (budget 0: one mask set,
/// hiding for one opening) and with <see cref="LigeroParameters.DefaultHidingWithBudget"/> for budgets 2, 16 and 64 (the weight
/// range proof is the first opening, so 1, 15 and 63 inference proofs). GlobalSetup prints the proof and commitment sizes and the
/// soundness. CommitModel: the model commitment (weights and range proof). Prove: one inference proof; each uses a mask set, so
/// IterationSetup commits the model again (outside the measurement) when its budget is used up, and every iteration is one call.
/// Verify: deserializing and verifying one proof.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class OpeningBudgetBenchmarks
{
    private static readonly VerifierPolicy Policy = new() { MaximumOpeningBudget = LigeroParameters.MaxOpeningBudget };

    private CommittedModel _model = null!;
    private LigeroParameters _parameters = null!;
    private List<int[]> _inputs = null!;
    private int[][] _outputs = null!;
    private byte[] _proof = null!;

    /// <summary>Gets or sets the workload: LeNet-5 (max pooling) or the MLP, on one image.</summary>
    [Params("LeNet5-max-batch1", "Mlp784x128x10-batch1")]
    public string Workload { get; set; } = "LeNet5-max-batch1";

    /// <summary>Gets or sets the opening budget (0: none).</summary>
    [Params(0, 2, 16, 64)]
    public int Budget { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        List<double[]> images = ProofWorkloads.Images(1, out string source);
        _parameters = Budget == 0 ? LigeroParameters.DefaultHiding : LigeroParameters.DefaultHidingWithBudget(Budget);
        if (Workload.StartsWith("LeNet5", StringComparison.Ordinal))
        {
            images = ProofWorkloads.Pad32(images);
            _model = ProofWorkloads.LeNet5(images, maxPooling: true, _parameters);
        }
        else
        {
            _model = ProofWorkloads.Mlp(images, _parameters);
        }

        _inputs = [_model.Model.QuantizeInput(images[0])];
        (_outputs, InferenceProof proof) = InferenceProver.ProveBatch(_model, _inputs);
        _proof = InferenceProofSerializer.Serialize(proof);
        if (!Verify())
        {
            throw new InvalidOperationException("The benchmark proof does not verify.");
        }

        string shapes = string.Join(", ", _model.Commitment.WeightCommitments.Select(c =>
        {
            int k = 1 << _parameters.ColumnVariables(c.NumVariables);
            return $"2^{c.NumVariables}: k = {k}, D = {_parameters.DegreeBound(k)}, n = {_parameters.CodewordLength(c.NumVariables)}, {_parameters.CommittedRows(c.NumVariables)} rows";
        }));
        Console.WriteLine(
            $"// {Workload} budget {Budget} on {source}: {ProofWorkloads.Describe(proof)}; weights {shapes}; soundness {InferenceVerifier.SoundnessBits(_model.Commitment, 1):F1} bits; "
            + $"published model commitment {ModelCommitmentSerializer.Serialize(_model.Commitment).Length} B");
    }

    [IterationSetup(Target = nameof(Prove))]
    public void Recommit()
    {
        if (_model.ProofsRemaining == 0)
        {
            _model = CommittedModel.Commit(_model.Model, _parameters);
        }
    }

    [Benchmark]
    public CommittedModel CommitModel() => CommittedModel.Commit(_model.Model, _parameters);

    [Benchmark]
    public byte[] Prove() => InferenceProofSerializer.Serialize(InferenceProver.ProveBatch(_model, _inputs).Proof);

    [Benchmark]
    public bool Verify() => InferenceVerifier.VerifyBatch(_model.Commitment, _inputs, _outputs, InferenceProofSerializer.Deserialize(_proof), Policy);
}
