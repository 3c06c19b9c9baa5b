using BenchmarkDotNet.Attributes;
using Thestage.Proofs;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Benchmarks.Proofs;

/// <summary>
/// The hiding logUp of four byte columns of <c>2^15</c> entries (<c>2^17</c> leaves, committed multiplicities, the pool's opening
/// included) with the GKR of the hiding formats before <c>TSSR</c> v6 (masked sumchecks, layer and leaf claims revealed) against the
/// zero-knowledge GKR (<see cref="FractionalSumcheck.ProveZeroKnowledge{T}"/>, masked leaves), in one run.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class LogUpBenchmarks
{
    private const int TableBits = 8;
    private const int LogSize = 15;
    private (Goldilocks[] Values, ulong Scale)[] _columns = null!;
    private Goldilocks[][] _masks = null!;
    private (List<SumcheckProof<E>> Sumchecks, List<E> Values, IReadOnlyList<SumcheckMaskChunk> Chunks, LigeroOpeningProof<E>[] Openings) _proof;

    /// <summary>Whether the GKR is the zero-knowledge one (false first: the baseline).</summary>
    [Params(false, true)]
    public bool ZeroKnowledge { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(17);
        _columns = Enumerable.Range(0, 4).Select(_ => (Enumerable.Range(0, 1 << LogSize).Select(_ => new Goldilocks((ulong)random.Next(256))).ToArray(), 1UL)).ToArray();
        _masks = _columns.Select(_ => Enumerable.Range(0, 2 * LogSize).Select(_ => new Goldilocks((ulong)random.NextInt64(1L << 62))).ToArray()).ToArray();
        _proof = Run();
        if (!Verify())
        {
            throw new InvalidOperationException("The benchmark lookup does not verify.");
        }
    }

    [Benchmark]
    public int Prove() => Run().Sumchecks.Count;

    private (List<SumcheckProof<E>> Sumchecks, List<E> Values, IReadOnlyList<SumcheckMaskChunk> Chunks, LigeroOpeningProof<E>[] Openings) Run()
    {
        var transcript = new Transcript("logup-benchmark");
        var builder = new ProofBuilder<E>(new SumcheckMaskPool<E>(LigeroParameters.DefaultHiding, 12));
        LogUpArgument.Prove(
            transcript, builder, _columns, LogUpArgument.Multiplicities(_columns, TableBits), TableBits, commitMultiplicities: true,
            columnMasks: ZeroKnowledge ? _masks : null, zeroKnowledge: ZeroKnowledge);
        return (builder.Sumchecks, builder.Values, builder.Masks!.Chunks, builder.Masks.Open(transcript));
    }

    [Benchmark]
    public bool Verify()
    {
        var transcript = new Transcript("logup-benchmark");
        var masks = new SumcheckMaskVerifier<E>(LigeroParameters.DefaultHiding, _proof.Chunks);
        LookupColumnSpec[] specs = _columns.Select(_ => new LookupColumnSpec(LogSize, 1, 0, ZeroKnowledge)).ToArray();
        LogUpClaims<E>? claims = LogUpArgument.Verify(
            transcript, new ProofCursor<E>(_proof.Sumchecks, _proof.Values, masks), specs, TableBits, committedMultiplicities: true, zeroKnowledge: ZeroKnowledge);
        return claims is not null && masks.Finish(transcript, _proof.Openings);
    }
}
