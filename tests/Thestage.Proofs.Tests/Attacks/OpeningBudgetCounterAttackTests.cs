using System.Collections.Concurrent;
using System.Reflection;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// Attacks on the counter that hands out the mask sets of a budgeted hiding commitment (<see cref="LigeroProverState"/>):
/// two openings with one mask set reveal their difference unmasked (the leak the budget exists to stop, see
/// <see cref="RepeatedOpeningWeightRecoveryAttackTests"/>). A caller racing openings on one state must not get one set
/// twice; a caller that keeps asking after the budget is used up must keep being refused — the counter used to be
/// incremented on every request, so after 2^31 refusals it wrapped to a negative set, whose mask rows
/// (<c>rows + 8·set</c>, and <c>8·int.MinValue</c> wraps to 0) are set 0's, and whose opening is written as set 0 and verifies.
/// </summary>
public sealed class OpeningBudgetCounterAttackTests
{
    private const string Protocol = "opening-budget-counter-attack";
    private const int Variables = 6;

    [Fact]
    public void ConcurrentOpenings_OfOneBudgetedCommitment_ShareAMaskSet_Fails()
    {
        const int Budget = 4, Attempts = 24;
        LigeroParameters parameters = LigeroParameters.DefaultHidingWithBudget(Budget);
        var random = new SeededWordSource(9100);
        LigeroProverState state = LigeroProver.Commit(random.NextArray<Goldilocks>(1 << Variables), parameters, new SeededSaltSource(9101));
        GoldilocksExt2[][] points = Enumerable.Range(0, Attempts).Select(_ => random.NextArray<GoldilocksExt2>(Variables)).ToArray();

        var opened = new ConcurrentBag<(int Attempt, LigeroOpeningProof<GoldilocksExt2> Proof, GoldilocksExt2 Value)>();
        int refused = 0;
        using var start = new Barrier(Attempts);
        Parallel.For(0, Attempts, new ParallelOptions { MaxDegreeOfParallelism = Attempts }, a =>
        {
            start.SignalAndWait();
            try
            {
                LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript(Protocol), state, points[a], out GoldilocksExt2 value);
                opened.Add((a, proof, value));
            }
            catch (OpeningBudgetExhaustedException)
            {
                Interlocked.Increment(ref refused);
            }
        });

        Assert.Equal(Attempts - Budget, refused);
        Assert.Equal(Enumerable.Range(0, Budget), opened.Select(o => o.Proof.MaskIndex!.Value).Order());
        Assert.Equal(Budget, state.OpeningsUsed);
        foreach ((int attempt, LigeroOpeningProof<GoldilocksExt2> proof, GoldilocksExt2 value) in opened)
        {
            Assert.Equal(LigeroVerdict.Accepted, LigeroVerifier.Check(new Transcript(Protocol), state.Commitment, parameters, points[attempt], value, proof));
        }
    }

    [Fact]
    public void OpeningsRequestedPastTheBudget_UntilTheCounterWraps_ReuseMaskSetZero_Fails()
    {
        const int Budget = 2;
        LigeroParameters parameters = LigeroParameters.DefaultHidingWithBudget(Budget);
        var random = new SeededWordSource(9200);
        LigeroProverState state = LigeroProver.Commit(random.NextArray<Goldilocks>(1 << Variables), parameters, new SeededSaltSource(9201));
        for (int b = 0; b < Budget; b++)
        {
            LigeroProver.Open(new Transcript(Protocol), state, random.NextArray<GoldilocksExt2>(Variables), out _);
        }

        // Refusals leave the count at the budget.
        for (int i = 0; i < 3; i++)
        {
            Assert.Throws<OpeningBudgetExhaustedException>(() => LigeroProver.Open(new Transcript(Protocol), state, random.NextArray<GoldilocksExt2>(Variables), out _));
        }

        Assert.Equal(Budget, state.OpeningsUsed);

        // The count the unconditional increment reached after 2^31 − 1 − B refusals (2^31 full calls are out of a test's
        // reach, so the counter is set to it): after one more refusal the next requests would be handed sets int.MinValue,
        // int.MinValue + 1 — set 0's and set 1's mask rows again, written as sets 0 and 1. Every one must be refused.
        FieldInfo counter = typeof(LigeroProverState).GetField("_openingsUsed", BindingFlags.Instance | BindingFlags.NonPublic)!;
        counter.SetValue(state, int.MaxValue);
        for (int i = 0; i < 3; i++)
        {
            Assert.Throws<OpeningBudgetExhaustedException>(() => LigeroProver.Open(new Transcript(Protocol), state, random.NextArray<GoldilocksExt2>(Variables), out _));
        }
    }
}
