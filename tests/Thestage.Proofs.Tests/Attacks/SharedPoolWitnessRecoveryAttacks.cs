using System.Buffers;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Training;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>Runs alone: the attack reads the process-wide <see cref="ArrayPool{T}.Shared"/>, which other tests also use.</summary>
[CollectionDefinition(nameof(ProofsSharedPoolCollection), DisableParallelization = true)]
public sealed class ProofsSharedPoolCollection;

/// <summary>
/// The provers rent their largest tables from <see cref="ArrayPool{T}.Shared"/>: the coefficients of every committed row
/// (coset low-degree extension), the encoded matrix of a commitment root, a training snapshot's table, the logUp leaves
/// <c>α − v</c> of the looked-up witness values (<c>α</c> is public: a transcript challenge). Returned uncleared, the next
/// <c>Rent</c> of that size by any code in the process hands them out — the weights or witness a hiding commitment exists to
/// hide. Each case scrubs the pools, runs one prover step on a secret table of distinct random entries, then attacks as any
/// code in the process can: it rents arrays of every size the step used, on the calling thread and on thread-pool threads,
/// and searches them for the secret (verbatim, as its scaled coefficients, as its codeword, or as <c>α − v</c>).
/// </summary>
[Collection(nameof(ProofsSharedPoolCollection))]
public sealed class SharedPoolWitnessRecoveryAttacks
{
    private const int LogSize = 12;
    private const int MaxRent = 1 << 20;

    [Fact]
    public void RowCoefficientsRecoveredFromSharedPool_AfterLowDegreeExtension_Fails()
    {
        Goldilocks[] secret = SecretTable(1, 1 << LogSize);
        var codeword = new Goldilocks[4 << LogSize];
        Scrub();

        GoldilocksNtt.CosetLowDegreeExtension(secret, codeword);

        // What the pooled buffer held: the coefficients c_i·s^i of the row's polynomial.
        Goldilocks[] scaled = [.. secret];
        GoldilocksNtt.Inverse(scaled);
        Goldilocks power = Goldilocks.One;
        for (int i = 0; i < scaled.Length; i++)
        {
            scaled[i] *= power;
            power *= GoldilocksNtt.CosetShift;
        }

        Assert.False(FoundInPool(scaled.AsSpan(0, 8).ToArray()), "the row's scaled coefficients were left in the shared pool");
    }

    [Fact]
    public void CodewordRecoveredFromSharedPool_AfterCommitmentRoot_Fails()
    {
        Goldilocks[] secret = SecretTable(2, 1 << LogSize);
        LigeroParameters parameters = LigeroParameters.NonHidingForBenchmarks;
        Scrub();

        LigeroProver.CommitRoot(secret, parameters, new DerivedSaltSource(new byte[DerivedSaltSource.SeedLength]));

        // Any row of the encoded matrix determines that row of the table (k of its entries interpolate it); search for the
        // codeword of each row, as the attacker who found one would decode it.
        LigeroProverState state = LigeroProver.Commit(secret, parameters, new DerivedSaltSource(new byte[DerivedSaltSource.SeedLength]));
        int n = state.CodewordLength;
        for (int row = 0; row < state.RowCount; row++)
        {
            Assert.False(FoundInPool(state.Encoded.AsSpan(row * n, 8).ToArray()), $"row {row}'s codeword was left in the shared pool");
        }
    }

    [Fact]
    public void SnapshotRecoveredFromSharedPool_AfterSnapshotRoots_Fails()
    {
        var config = new TrainingConfig([16, 16, 4], batchSize: 8, learningRateShift: 3, fractionalBits: 8, weightBits: 12, valueBits: 16, seed: 3);
        var random = new Random(3);
        int[][] weights = [[.. Enumerable.Range(0, 16 * 16).Select(_ => random.Next(-2000, 2000))], [.. Enumerable.Range(0, 16 * 4).Select(_ => random.Next(-2000, 2000))]];
        int[][] biases = [[.. Enumerable.Range(0, 16).Select(_ => random.Next(-2000, 2000))], [.. Enumerable.Range(0, 4).Select(_ => random.Next(-2000, 2000))]];
        FixedPointWeights snapshot = FixedPointWeights.Create(config, weights, biases);
        Scrub();

        WeightCommitment.Roots(snapshot, LigeroParameters.NonHidingForBenchmarks, new DerivedSaltSource(new byte[DerivedSaltSource.SeedLength]));

        foreach (Goldilocks[] table in WeightCommitment.Evaluations(snapshot))
        {
            Assert.False(FoundInPool(table.AsSpan(0, 8).ToArray()), "a snapshot's weights were left in the shared pool");
        }
    }

    [Fact]
    public void LookedUpValuesRecoveredFromSharedPool_AfterLogUp_Fails()
    {
        const int tableBits = 8;
        var random = new Random(4);
        (Goldilocks[] Values, ulong Scale)[] columns = [([.. Enumerable.Range(0, 1 << LogSize).Select(_ => new Goldilocks((ulong)random.Next(256)))], 1)];
        Goldilocks[] multiplicities = LogUpArgument.Multiplicities(columns, tableBits);
        Scrub();

        LogUpArgument.Prove(Bound(columns, multiplicities), new ProofBuilder<GoldilocksExt2>(), columns, multiplicities, tableBits);

        // α is public (replayed from the transcript); every leaf α − v of a looked-up value gives v.
        GoldilocksExt2 alpha = Bound(columns, multiplicities).Challenge<GoldilocksExt2>("logup/alpha");
        int recovered = 0;
        Probe<GoldilocksExt2>(array =>
        {
            int found = 0;
            foreach (GoldilocksExt2 leaf in array)
            {
                GoldilocksExt2 candidate = alpha - leaf;
                found += candidate == GoldilocksExt2.FromBase(new Goldilocks(candidate.C0.Value)) && candidate.C0.Value < 256 ? 1 : 0;
            }

            Interlocked.Add(ref recovered, found);
        });
        Assert.Equal(0, recovered);
    }

    private static Transcript Bound((Goldilocks[] Values, ulong Scale)[] columns, Goldilocks[] multiplicities)
    {
        var transcript = new Transcript("pool-attack");
        transcript.Absorb<Goldilocks>("column", columns[0].Values);
        transcript.Absorb<Goldilocks>("multiplicities", multiplicities);
        return transcript;
    }

    private static Goldilocks[] SecretTable(int seed, int length)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => new Goldilocks((ulong)random.NextInt64(1, long.MaxValue)))];
    }

    /// <summary>Whether any array the pools hand out holds <paramref name="window"/> (eight distinct random words) verbatim.</summary>
    private static bool FoundInPool(Goldilocks[] window)
    {
        int hits = 0;
        Probe<Goldilocks>(array =>
        {
            if (array.AsSpan().IndexOf(window) >= 0)
            {
                Interlocked.Increment(ref hits);
            }
        });
        return hits > 0;
    }

    /// <summary>Rents several arrays of every power-of-two size on this thread and on thread-pool threads, inspects each, returns them.</summary>
    private static void Probe<T>(Action<T[]> inspect)
    {
        void One()
        {
            var held = new List<T[]>();
            for (int size = 16; size <= MaxRent; size <<= 1)
            {
                for (int copy = 0; copy < 4; copy++)
                {
                    T[] array = ArrayPool<T>.Shared.Rent(size);
                    inspect(array);
                    held.Add(array);
                }
            }

            held.ForEach(a => ArrayPool<T>.Shared.Return(a));
        }

        One();
        Parallel.For(0, 4 * Environment.ProcessorCount + 4, _ => One());
    }

    /// <summary>Clears whatever earlier tests left in the pools this attack reads, so that a finding belongs to the step under attack.</summary>
    private static void Scrub()
    {
        Probe<Goldilocks>(array => Array.Clear(array));
        Probe<GoldilocksExt2>(array => Array.Clear(array));
    }
}
