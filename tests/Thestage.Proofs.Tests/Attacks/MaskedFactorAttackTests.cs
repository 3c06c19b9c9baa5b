using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Sumcheck;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// Attacks on the masked factors of a zero-knowledge sumcheck (<see cref="MaskedExtension"/>): the prover controls the mask
/// coefficients <c>c</c>, which shift every claim <c>Ḟ(r)</c> off the hypercube, and tries to use them to absorb a lie about the table.
/// <c>c</c> is committed beside <c>F</c> before any challenge and each claim is a functional opening of <c>[F ‖ c]</c>, so each lie is caught.
/// </summary>
public sealed class MaskedFactorAttackTests
{
    [Fact]
    public void FalseSumCompensatedThroughTheFactorMask_IsCaughtByTheMaskedExtensionOpening()
    {
        // The committed table F gives the true sum H; the prover runs the sumcheck on F' (F with one entry moved), which proves the
        // false sum H' honestly, and would need its claim Ḟ'(r) = F̃'(r) + ⟨m(r), c⟩ to equal the committed F̃(r) + ⟨m(r), c*⟩ for
        // some mask c*: c*_0 = c_0 + (F̃'(r) − F̃(r))/(r_v(1 − r_v)) — chosen after r.
        MaskedFactorSumcheckTests.Statement honest = MaskedFactorSumcheckTests.RandomStatement(4, [true, false], 7300);
        Goldilocks[] forgedTable = (Goldilocks[])honest.Tables[0].Clone();
        forgedTable[5] += Goldilocks.One;
        MaskedFactorSumcheckTests.Statement lie = MaskedFactorSumcheckTests.StatementOf([forgedTable, honest.Tables[1]], honest.Masked);
        Assert.NotEqual(honest.Sum, lie.Sum);

        // The sumcheck over F' against the commitment to F (the claimed sum is H').
        (MaskedFactorSumcheckTests.Run run, MaskedFactorSumcheckTests.CommittedFactor?[] factors) =
            MaskedFactorSumcheckTests.Prove(honest with { Sum = lie.Sum }, 7301, proverTables: lie.Tables);
        Assert.Equal("opening of factor 0", MaskedFactorSumcheckTests.Verify(honest with { Sum = lie.Sum }, run));

        // The compensating mask exists — the attack works when c is chosen after r: committed then, [F ‖ c*] opens to the lie.
        E[] r = run.Point;
        E gap = MultilinearPolynomial<E>.Evaluate(Array.ConvertAll(forgedTable, E.FromBase), r) - MultilinearPolynomial<E>.Evaluate(Array.ConvertAll(honest.Tables[0], E.FromBase), r);
        E[] compensating = (E[])factors[0]!.Mask.Clone();
        compensating[0] += gap * E.Invert(MaskedExtension.Vanishing(r[^1]));
        Assert.Equal(run.Proof.FactorEvaluations[0], MaskedExtension.Evaluate<E>(Array.ConvertAll(honest.Tables[0], E.FromBase), compensating, r));

        // But a commitment made after r changes the transcript, hence r, and the sumcheck's rounds no longer chain.
        var entries = new Goldilocks[2 * honest.Tables[0].Length];
        honest.Tables[0].CopyTo(entries, 0);
        for (int j = 0; j < compensating.Length; j++)
        {
            entries[honest.Tables[0].Length + (2 * j)] = compensating[j].GetCoefficient(0);
            entries[honest.Tables[0].Length + (2 * j) + 1] = compensating[j].GetCoefficient(1);
        }

        LigeroProverState late = LigeroProver.Commit(entries, LigeroParameters.DefaultHiding, new SeededSaltSource(7302));
        Assert.StartsWith("sumcheck", MaskedFactorSumcheckTests.Verify(honest with { Sum = lie.Sum }, run with { Commitments = [late.Commitment] }));
    }

    [Fact]
    public void MaskChangedAfterTheCommitment_IsCaughtByTheMaskedExtensionOpening()
    {
        // The prover commits [F ‖ c] and proves the sumcheck with other coefficients c' (its claims are Ḟ with c', uniform-looking,
        // consistent with every round): the sumcheck passes, the functional opening of the committed [F ‖ c] does not.
        MaskedFactorSumcheckTests.Statement statement = MaskedFactorSumcheckTests.RandomStatement(3, [true, true], 7400);
        var rng = new SeededWordSource(7401);
        (MaskedFactorSumcheckTests.Run honest, _) = MaskedFactorSumcheckTests.Prove(statement, 7402);
        Assert.Equal("accepted", MaskedFactorSumcheckTests.Verify(statement, honest));
        (MaskedFactorSumcheckTests.Run run, _) = MaskedFactorSumcheckTests.Prove(statement, 7402, proverMasks: [rng.NextArray<E>(3), rng.NextArray<E>(3)]);
        Assert.Equal("opening of factor 0", MaskedFactorSumcheckTests.Verify(statement, run));
    }

    [Fact]
    public void MaskedClaimsReplayedAsUnmaskedFactors_AreRefused()
    {
        // The masked-factor choice is in the transcript: declaring a masked factor public (to have the verifier evaluate it) changes
        // the round degree, and a verifier told the same degree by another split of factors draws other challenges.
        MaskedFactorSumcheckTests.Statement statement = MaskedFactorSumcheckTests.RandomStatement(3, [true, false, false, true], 7500);
        (MaskedFactorSumcheckTests.Run run, _) = MaskedFactorSumcheckTests.Prove(statement, 7501);
        Assert.Equal("accepted", MaskedFactorSumcheckTests.Verify(statement, run));

        // [false, true, true, false] has the same degree (8) and factor count: only the absorbed bits differ.
        Assert.Equal(MaskedFactorSumcheckTests.Degree([true, false, false, true]), MaskedFactorSumcheckTests.Degree([false, true, true, false]));
        Assert.StartsWith("sumcheck", MaskedFactorSumcheckTests.Verify(statement with { Masked = [false, true, true, false] }, run));
    }

    [Fact]
    public void ClaimsMovedThroughUncommittedMasks_AreCaughtByTheBatchedOpening()
    {
        // Claims on committed segments' masked extensions, batched into one opening (ClaimBatcher): the prover computes every claim
        // and the batching sumcheck from the committed data with other mask coefficients (the freedom it would need to move a claim
        // to a value of its choosing). The claimed values, the batching sumcheck and W̃(s) all pass; the opening of the committed
        // table at s proves another P̃(s).
        (Goldilocks[] a, Goldilocks[] b) = Inference.MaskedClaimBatcherTests.Data(8300);
        Goldilocks[] table = Inference.MaskedClaimBatcherTests.Table(a, b, 8301);
        Goldilocks[] otherMasks = Inference.MaskedClaimBatcherTests.Table(a, b, 8399);
        Assert.Equal("accepted", Inference.MaskedClaimBatcherTests.Verify(Inference.MaskedClaimBatcherTests.Prove(table, 8302)));
        string verdict = Inference.MaskedClaimBatcherTests.Verify(Inference.MaskedClaimBatcherTests.Prove(table, 8302, claimedTable: otherMasks));
        Assert.StartsWith("Opening in opening of test: opening ", verdict);
    }
}
