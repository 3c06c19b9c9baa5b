using BenchmarkDotNet.Attributes;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Commitments.Basefold;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Transcripts;

namespace Thestage.Benchmarks.Proofs;

/// <summary>
/// Basefold (<see cref="BasefoldParameters.Default"/>: rate 1/8, 122 queries, arity 16; plain and
/// <see cref="BasefoldParameters.DefaultHiding"/>) against hiding Ligero
/// (<see cref="LigeroParameters.DefaultHiding"/>) on <c>2^LogSize</c> random Goldilocks entries, in one run: commit, open at a
/// random extension-field point, verify. GlobalSetup prints the serialized opening size and the soundness of each.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class BasefoldPcsBenchmarks
{
    private const string Label = "bench/pcs";
    private Goldilocks[] _evaluations = null!;
    private GoldilocksExt2[] _point = null!;
    private GoldilocksExt2 _value;
    private BasefoldProverState _basefold = null!;
    private BasefoldOpening<GoldilocksExt2> _basefoldOpening = null!;
    private LigeroProverState _ligero = null!;
    private LigeroOpeningProof<GoldilocksExt2> _ligeroOpening = null!;

    /// <summary>The commitment compared.</summary>
    public enum Scheme
    {
        /// <summary>Basefold, default parameters (not hiding).</summary>
        Basefold,

        /// <summary>Basefold, default hiding parameters.</summary>
        BasefoldHiding,

        /// <summary>Ligero, default hiding parameters.</summary>
        LigeroHiding,
    }

    /// <summary>log2 of the number of committed entries (LeNet-5's witness is 2^16, its weights 2^17).</summary>
    [Params(16, 17, 18)]
    public int LogSize { get; set; } = 16;

    /// <summary>The scheme.</summary>
    [ParamsAllValues]
    public Scheme Pcs { get; set; }

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
        Commit();
        Open();
        if (!Verify())
        {
            throw new InvalidOperationException("The benchmark opening does not verify.");
        }

        Console.WriteLine(Pcs != Scheme.LigeroHiding
            ? $"// {Pcs} 2^{LogSize}: opening {BasefoldOpeningSerializer.Serialize(_basefoldOpening).Length} B (estimate {Basefold.EstimatedProofBytes(LogSize):F0}), soundness {Basefold.SoundnessBits(LogSize, GoldilocksExt2.Log2Size):F1} bits"
            : $"// Ligero hiding 2^{LogSize}: opening {LigeroProofSerializer.Serialize(_ligeroOpening).Length} B (estimate {LigeroParameters.DefaultHiding.EstimatedProofBytes(LogSize, LigeroParameters.DefaultHiding.ColumnVariables(LogSize)):F0}), soundness {LigeroParameters.DefaultHiding.SoundnessBits(LogSize, GoldilocksExt2.Log2Size):F1} bits");
    }

    private BasefoldParameters Basefold => Pcs == Scheme.BasefoldHiding ? BasefoldParameters.DefaultHiding : BasefoldParameters.Default;

    [Benchmark]
    public object Commit() => Pcs != Scheme.LigeroHiding
        ? _basefold = BasefoldProver.Commit(_evaluations, Basefold)
        : _ligero = LigeroProver.Commit(_evaluations, LigeroParameters.DefaultHiding);

    [Benchmark]
    public object Open() => Pcs != Scheme.LigeroHiding
        ? _basefoldOpening = BasefoldProver.Open(new Transcript(Label), Unopened(_basefold), _point, out _value)
        : _ligeroOpening = LigeroProver.Open(new Transcript(Label), _ligero, _point, out _value);

    /// <summary>
    /// The same commitment as a state not yet opened: a hiding state refuses a second opening (it hides one), and every
    /// iteration opens once (a benchmark only; the copy shares the arrays, costs nothing, and is never given to anyone).
    /// </summary>
    private static BasefoldProverState Unopened(BasefoldProverState s) =>
        new(s.Commitment, s.Parameters, s.Table, s.Extended, s.Mask, s.Codeword, s.Salts, s.Tree);

    [Benchmark]
    public bool Verify() => Pcs != Scheme.LigeroHiding
        ? BasefoldVerifier.Verify(new Transcript(Label), _basefold.Commitment, Basefold, _point, _value, _basefoldOpening)
        : LigeroVerifier.Verify(new Transcript(Label), _ligero.Commitment, LigeroParameters.DefaultHiding, _point, _value, _ligeroOpening);
}
