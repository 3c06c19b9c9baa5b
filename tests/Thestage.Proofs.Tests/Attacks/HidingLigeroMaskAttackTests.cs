using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// A malicious committer chooses the evaluation mask <c>μ</c> of a hiding Ligero commitment with a nonzero sum over
/// <c>H_k</c>, hoping to move opened values at will. It only moves every opened value by the same constant, fixed when it
/// committed: the commitment binds the shifted table, and the unshifted values are refused.
/// </summary>
public sealed class HidingLigeroMaskAttackTests
{
    private const string Protocol = "hiding-mask-attack";

    [Fact]
    public void UnbalancedEvaluationMask_ShiftsEveryOpeningAlike_AndTheTrueTableIsRefused()
    {
        LigeroParameters parameters = LigeroParameters.DefaultHiding;
        const int V = 10;
        var random = new SeededWordSource(4100);

        // The honest coefficient rows, then μ_1's constant coefficient moved by Δ: Σ_(H_k) μ = k·Δ instead of 0.
        Committed c = CommitWithUnbalancedMask(parameters, V, random, maskSet: 0, saltSeed: 4101);
        LigeroCommitment commitment = c.Commitment;
        Goldilocks[] table = c.Table;

        // The prover's view of its table is shifted by k·Δ everywhere, so its claimed values match Σ_H q.
        Goldilocks shift = c.Shift;
        Goldilocks[] shifted = table.Select(x => x + shift).ToArray();
        var state = c.State(shifted);
        for (int attempt = 0; attempt < 3; attempt++)
        {
            GoldilocksExt2[] point = random.NextArray<GoldilocksExt2>(V);
            LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript(Protocol), state, point, out GoldilocksExt2 value);
            GoldilocksExt2 trueValue = MultilinearPolynomial<GoldilocksExt2>.Evaluate(table.Select(GoldilocksExt2.FromBase).ToArray(), point);

            // Accepted only as an evaluation of table + k·Δ; the committed table's own value is refused.
            Assert.Equal(trueValue + GoldilocksExt2.FromBase(shift), value);
            Assert.True(LigeroVerifier.Verify(new Transcript(Protocol), commitment, parameters, point, value, proof));
            Assert.Equal(LigeroVerdict.WrongValue, LigeroVerifier.Check(new Transcript(Protocol), commitment, parameters, point, trueValue, proof));
        }
    }

    [Fact]
    public void UnbalancedMaskSet_ShiftsTheTableInOneOpeningOfABudgetedCommitment_Fails()
    {
        // With an opening budget each opening has its own mask set: a committer unbalancing set 1 only would prove the table in
        // opening 0 (the weight range proof) and the table shifted by k·Δ in opening 1 (an inference proof) — weights changed
        // after the fact. The mask scale λ, drawn after the value, makes any unbalanced set fail whichever value is claimed.
        var parameters = LigeroParameters.DefaultHidingWithBudget(2);
        const int V = 10;
        var random = new SeededWordSource(4200);
        Committed c = CommitWithUnbalancedMask(parameters, V, random, maskSet: 1, saltSeed: 4201);
        LigeroCommitment commitment = c.Commitment;
        Goldilocks[] table = c.Table;
        Goldilocks[] shifted = table.Select(x => x + c.Shift).ToArray();

        // Opening 0 (the balanced set) proves the committed table.
        var honest = c.State(table);
        GoldilocksExt2[] point = random.NextArray<GoldilocksExt2>(V);
        LigeroOpeningProof<GoldilocksExt2> first = LigeroProver.Open(new Transcript(Protocol), honest, point, out GoldilocksExt2 value);
        Assert.Equal(0, first.MaskIndex);
        Assert.True(LigeroVerifier.Verify(new Transcript(Protocol), commitment, parameters, point, value, first));

        // Opening 1 (the unbalanced set), claiming the committed table's value or the shifted one: refused both ways.
        foreach (Goldilocks[] claimed in new[] { table, shifted })
        {
            var cheating = c.State(claimed);
            cheating.MarkMaskSetsUsed(1);
            GoldilocksExt2[] next = random.NextArray<GoldilocksExt2>(V);
            LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript(Protocol), cheating, next, out GoldilocksExt2 claim);
            Assert.Equal(1, proof.MaskIndex);
            Assert.Equal(LigeroVerdict.WrongValue, LigeroVerifier.Check(new Transcript(Protocol), commitment, parameters, next, claim, proof));
        }
    }

    /// <summary>
    /// Commits to a random table of <c>2^v</c> entries as the hiding prover does, except that the evaluation mask of mask set
    /// <paramref name="maskSet"/> gets its constant coefficient moved by a random Δ (so it sums to <c>k·Δ</c> over <c>H_k</c>).
    /// </summary>
    private static Committed CommitWithUnbalancedMask(LigeroParameters parameters, int v, SeededWordSource random, int maskSet, int saltSeed)
    {
        Goldilocks[] table = random.NextArray<Goldilocks>(1 << v);
        int rows = 1 << parameters.RowVariables(v), k = (1 << v) / rows, n = parameters.CodewordLength(v);
        int height = parameters.CommittedRows(v), d = parameters.DegreeBound(k);
        var coefficients = new Goldilocks[height * d];
        LigeroMasking.WriteCoefficients(table, rows, k, d, parameters.MaskDegree(k), random, coefficients);
        Goldilocks delta = random.Next<Goldilocks>();
        coefficients[(rows + (maskSet * LigeroParameters.HidingMaskRows)) * d] += delta;
        var encoded = new Goldilocks[height * n];
        for (int i = 0; i < height; i++)
        {
            GoldilocksNtt.CosetEvaluate(coefficients.AsSpan(i * d, d), encoded.AsSpan(i * n, n));
        }

        var salts = new byte[n * MerkleHasher.SaltLength];
        new SeededSaltSource(saltSeed).Fill(salts);
        var nodes = new Digest256[2 * n];
        Blake2sMultiHash.HashColumns(encoded, height, n, salts, nodes.AsSpan(n, n));
        MerkleTree.BuildLevels(nodes);
        MerkleTree tree = MerkleTree.FromNodes(nodes, n);
        return new Committed(new LigeroCommitment(tree.Root, v), parameters, table, delta * new Goldilocks((ulong)k), encoded, salts, tree, coefficients);
    }

    private sealed record Committed(
        LigeroCommitment Commitment, LigeroParameters Parameters, Goldilocks[] Table, Goldilocks Shift, Goldilocks[] Encoded, byte[] Salts, MerkleTree Tree, Goldilocks[] Coefficients)
    {
        /// <summary>A prover state over this commitment that believes its table is <paramref name="claimed"/>.</summary>
        public LigeroProverState State(Goldilocks[] claimed) => new(Commitment, Parameters, claimed, Encoded, Salts, Tree, Coefficients);
    }
}
