using BenchmarkDotNet.Attributes;
using Thestage.Proofs;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;

namespace Thestage.Benchmarks.Proofs;

/// <summary>
/// What a private input costs (docs/proofs.md, "Private input"): LeNet-5 (zkCNN's, max pooling) and the 784-128-10 MLP on one image,
/// the model committed with <see cref="LigeroParameters.DefaultHiding"/>, proven for the public input (<c>TSIP</c> 2) and for the same
/// input committed by its owner with <see cref="LigeroParameters.DefaultHidingWithBudget"/> for budgets 2 and 16 (<c>TSIP</c>
/// 0x8003 since h/zkpriv3, 0x8002 before; the budget is the input owner's choice and, as for the weights, the opening's size grows linearly with it). GlobalSetup prints both proofs' sizes, the input commitment's and the soundness. Prove: one proof; a private proof uses one
/// of the input's mask sets, so IterationSetup commits the input again (outside the measurement) when they are used up. Verify:
/// deserializing and verifying one proof. CommitInput: the owner's one-time commitment (private mode only).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class PrivateInputBenchmarks
{
    private CommittedModel _model = null!;
    private int[] _input = null!;
    private int[] _output = null!;
    private CommittedInput _committed = null!;
    private InputCommitment _published = null!;
    private byte[] _proof = null!;

    /// <summary>Gets or sets the workload: LeNet-5 (max pooling) or the MLP, on one image.</summary>
    [Params("LeNet5-max-batch1", "Mlp784x128x10-batch1")]
    public string Workload { get; set; } = "LeNet5-max-batch1";

    /// <summary>Gets or sets the mode: the public input, or the input committed by its owner with an opening budget of 2 or 16.</summary>
    [Params("public", "private-2", "private-16")]
    public string Input { get; set; } = "private-2";

    private bool Private => Input != "public";

    private int InputBudget => Private ? int.Parse(Input["private-".Length..], System.Globalization.CultureInfo.InvariantCulture) : 2;

    [GlobalSetup]
    public void Setup()
    {
        List<double[]> images = ProofWorkloads.Images(1, out string source);
        if (Workload.StartsWith("LeNet5", StringComparison.Ordinal))
        {
            images = ProofWorkloads.Pad32(images);
            _model = ProofWorkloads.LeNet5(images, maxPooling: true, LigeroParameters.DefaultHiding);
        }
        else
        {
            _model = ProofWorkloads.Mlp(images, LigeroParameters.DefaultHiding);
        }

        _input = _model.Model.QuantizeInput(images[0]);
        _committed = CommitInput();
        _published = _committed.Commitment;
        InferenceProof proof;
        (_output, proof) = Private ? InferenceProver.ProvePrivateInput(_model, _committed) : InferenceProver.Prove(_model, _input);
        _proof = InferenceProofSerializer.Serialize(proof);
        if (!Verify())
        {
            throw new InvalidOperationException("The benchmark proof does not verify.");
        }

        string extra = Private
            ? $"input opening {LigeroProofSerializer.Serialize(proof.InputOpening!).Length} B, input commitment {InputCommitmentSerializer.Serialize(_committed.Commitment).Length} B (2^{_committed.Commitment.NumVariables}); "
              + $"soundness {InferenceVerifier.PrivateInputSoundnessBits(_model.Commitment, _committed.Commitment):F1} bits"
            : $"soundness {InferenceVerifier.SoundnessBits(_model.Commitment, 1):F1} bits";
        Console.WriteLine($"// {Workload} {Input} input on {source}: {ProofWorkloads.Describe(proof)}; {extra}");
    }

    [IterationSetup(Target = nameof(Prove))]
    public void Recommit()
    {
        if (_committed.ProofsRemaining == 0)
        {
            _committed = CommitInput();
        }
    }

    [Benchmark]
    public CommittedInput CommitInput() => CommittedInput.Commit(_model.Commitment, _input, LigeroParameters.DefaultHidingWithBudget(InputBudget));

    [Benchmark]
    public byte[] Prove() => InferenceProofSerializer.Serialize(Private ? InferenceProver.ProvePrivateInput(_model, _committed).Proof : InferenceProver.Prove(_model, _input).Proof);

    [Benchmark]
    public bool Verify()
    {
        InferenceProof proof = InferenceProofSerializer.Deserialize(_proof);
        return Private ? InferenceVerifier.VerifyPrivateInput(_model.Commitment, _published, _output, proof) : InferenceVerifier.Verify(_model.Commitment, _input, _output, proof);
    }
}
