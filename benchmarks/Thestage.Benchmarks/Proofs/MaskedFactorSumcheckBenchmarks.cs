using BenchmarkDotNet.Attributes;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Benchmarks.Proofs;

/// <summary>
/// What hiding the final claims costs a sumcheck prover (docs/proofs.md, "Hiding"): <c>Σ_x eq(z, x)·f(x)·g(x)</c> over
/// <c>2^LogSize</c> entries as the zero-knowledge sumcheck of today's hiding proofs (Libra's masking polynomial <c>g</c> from a
/// committed pool, round degree 3, the vectorised product kernel) and with <c>f</c>, <c>g</c> Libra's masked extensions
/// (<see cref="MaskedExtension"/>: round degree 7, the masked-factor rounds). Both include the pool's chunk commitment and
/// opening; neither includes the factors' commitments or openings.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class MaskedFactorSumcheckBenchmarks
{
    private const string Label = "bench/masked-factors";
    private GoldilocksExt2[][] _tables = null!;
    private GoldilocksExt2[][] _masks = null!;
    private GoldilocksExt2 _sum;

    /// <summary>log2 of the table size: the MLP's witness (2^10), a batch-16 witness (2^14), the MLP's first weight matrix (2^17).</summary>
    [Params(10, 14, 17)]
    public int LogSize { get; set; } = 10;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(LogSize);
        GoldilocksExt2 Next() => new(new Goldilocks((ulong)random.NextInt64()), new Goldilocks((ulong)random.NextInt64()));
        GoldilocksExt2[] point = Enumerable.Range(0, LogSize).Select(_ => Next()).ToArray();
        _tables = [EqPolynomial.Table<GoldilocksExt2>(point), .. Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, 1 << LogSize).Select(_ => Next()).ToArray())];
        _masks = [.. Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, LogSize).Select(_ => Next()).ToArray())];
        _sum = GoldilocksExt2.Zero;
        for (int i = 0; i < 1 << LogSize; i++)
        {
            _sum += _tables[0][i] * _tables[1][i] * _tables[2][i];
        }
    }

    /// <summary>Today's zero-knowledge sumcheck: the round polynomials masked, the factor evaluations revealed.</summary>
    [Benchmark(Baseline = true)]
    public int MaskedRounds()
    {
        var transcript = new Transcript(Label);
        var pool = new SumcheckMaskPool<GoldilocksExt2>(LigeroParameters.DefaultHiding, SumcheckMaskChunk.MinLogSize);
        SumcheckProverOutput<GoldilocksExt2> output = SumcheckProver.ProveTables(transcript, _sum, Copy(), pool);
        return output.Proof.RoundCount + pool.Open(transcript).Length;
    }

    /// <summary>The factor evaluations hidden too: <c>f</c> and <c>g</c> masked extensions.</summary>
    [Benchmark]
    public int MaskedFactors()
    {
        var transcript = new Transcript(Label);
        var pool = new SumcheckMaskPool<GoldilocksExt2>(LigeroParameters.DefaultHiding, SumcheckMaskChunk.MinLogSize);
        SumcheckProverOutput<GoldilocksExt2> output = SumcheckProver.ProveMaskedFactors(transcript, _sum, Copy(), [null, _masks[0], _masks[1]], pool);
        return output.Proof.RoundCount + pool.Open(transcript).Length;
    }

    private GoldilocksExt2[][] Copy() => [.. _tables.Select(t => (GoldilocksExt2[])t.Clone())];
}
