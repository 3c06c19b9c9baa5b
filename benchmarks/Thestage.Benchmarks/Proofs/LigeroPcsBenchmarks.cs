using BenchmarkDotNet.Attributes;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Transcripts;

namespace Thestage.Benchmarks.Proofs;

/// <summary>
/// The Ligero-style multilinear polynomial commitment alone (default parameters: rate 1/4, 152 column queries) on
/// <c>2^LogSize</c> random Goldilocks evaluations: commit (row encoding by coset LDE, salted column hashing, Merkle
/// tree), open at a random extension-field point, and verify the opening. GlobalSetup prints the opening size.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class LigeroPcsBenchmarks
{
    private const string Label = "bench/ligero";
    private Goldilocks[] _evaluations = null!;
    private LigeroProverState _state = null!;
    private GoldilocksExt2[] _point = null!;
    private GoldilocksExt2 _value;
    private LigeroOpeningProof<GoldilocksExt2> _opening = null!;

    /// <summary>log2 of the number of committed field elements (2^20 first: the smoke test runs the first value).</summary>
    [Params(20, 24)]
    public int LogSize { get; set; } = 20;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(LogSize);
        _evaluations = new Goldilocks[1 << LogSize];
        for (int i = 0; i < _evaluations.Length; i++)
        {
            _evaluations[i] = new Goldilocks((ulong)random.NextInt64());
        }

        _point = Enumerable.Range(0, LogSize).Select(_ => new GoldilocksExt2(new Goldilocks((ulong)random.NextInt64()), new Goldilocks((ulong)random.NextInt64()))).ToArray();
        _state = Commit();
        _opening = Open();
        if (!Verify())
        {
            throw new InvalidOperationException("The benchmark opening does not verify.");
        }

        LigeroParameters parameters = LigeroParameters.NonHidingForBenchmarks;
        Console.WriteLine(
            $"// Ligero 2^{LogSize}: {_state.RowCount} x {_state.RowLength} matrix, codeword {_state.CodewordLength}, opening "
            + $"{LigeroProofSerializer.Serialize(_opening).Length} B, soundness {parameters.SoundnessBits(LogSize, GoldilocksExt2.Log2Size):F1} bits");
    }

    [Benchmark]
    public LigeroProverState Commit() => LigeroProver.Commit(_evaluations, LigeroParameters.NonHidingForBenchmarks);

    [Benchmark]
    public LigeroOpeningProof<GoldilocksExt2> Open() => LigeroProver.Open(new Transcript(Label), _state, _point, out _value);

    [Benchmark]
    public bool Verify() => LigeroVerifier.Verify(new Transcript(Label), _state.Commitment, LigeroParameters.NonHidingForBenchmarks, _point, _value, _opening);
}
