using Thestage.Proofs.Commitments;
using Thestage.Proofs.Tests.Training;
using Thestage.Proofs.Training;
using Xunit.Abstractions;

namespace Thestage.Proofs.Tests.ZeroKnowledge;

/// <summary>
/// χ² over every field element of entire <c>TSSR</c> snapshot range proofs, and why no whole-proof simulator of <c>TSSR</c> v6 exists yet.
/// </summary>
/// <remarks>
/// <para>
/// <b>No simulator from the statement alone</b>: a <c>TSSR</c> v6 proof reveals, per snapshot polynomial <c>g</c>, the padding zero-check's
/// snapshot claim <c>P̃_g(s_g)</c> (the third factor evaluation of <c>Σ eq·Pad·P = 0</c>, a plain factor: <c>SnapshotRangeArgument.Prove</c>,
/// <c>SumcheckProver.Prove</c> over <c>[eq, Pad, P]</c>), which the snapshot's own opening proves against the run's commitment, and the
/// recomposition's limb claims <c>L̃_(g,k)(s_g)</c> (the loose values <c>range/limb-evaluations</c>), which recompose to it. These are
/// linear functionals of the snapshot at a random point: a simulator would need them (as the relation-level simulators of the sumcheck
/// are given the factor evaluations), and hiding them needs a mask of the snapshot in the run's snapshot commitment (a <c>TSTT</c>
/// change: the snapshot's masked extension for the zero-check and a random segment for its opening, as <c>TSMC</c> v7 does for the
/// weights). Everything else of the proof — the zero-knowledge logUp, the masked rounds, <c>G</c>, <c>g(r)</c>, the masked lookup
/// claims, the limb and pool openings — is simulated by the components' simulators (<c>Lookups/ZeroKnowledgeLogUpGkrTests</c>,
/// <c>Sumcheck/ZeroKnowledgeSumcheckTests</c>, <c>Commitments/LigeroHidingTests</c>).
/// </para>
/// <para>
/// The χ² below cannot see that leak for snapshots of real training runs (a functional of a generic table at a random point has uniform
/// low bits); it checks every other element of the entire proof, and that the plain mode is told apart.
/// </para>
/// </remarks>
public sealed class WholeSnapshotRangeProofTests(ITestOutputHelper log)
{
    private static readonly TrainingConfig Config =
        new([6, 5, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 81);

    /// <summary>
    /// Two training runs of one configuration on different training batches (blobs of noise 0.4 and 4.0: different snapshots, different limb
    /// histograms), snapshot 2, 16 range proofs of each; every field element of each entire proof, per class (<see cref="RevealedElements"/>:
    /// rounds, factor evaluations, <c>G</c> and <c>g(r)</c>, loose values with a plain proof's published multiplicities, the rows and columns of
    /// the limb, snapshot and pool openings). Hiding (<c>TSSR</c> v6): no class tells them apart; plain (<c>TSSR</c> v3) some class does.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EveryRevealedElementOfEntireSnapshotRangeProofsOfTwoRunsIsIndistinguishableOnlyWhenHiding(bool hiding)
    {
        const int Proofs = 16;
        LigeroParameters parameters = hiding ? LigeroParameters.DefaultHiding : LigeroParameters.NonHidingForBenchmarks;
        TrainingDataset firstData = SyntheticData.Blobs(Config, 32, 1, 0.4, 92).Train, secondData = SyntheticData.Blobs(Config, 32, 1, 4.0, 94).Train;
        var revealed = new RevealedElements();
        for (int p = 0; p < Proofs; p++)
        {
            foreach (bool isFirst in new[] { true, false })
            {
                // One range proof per recorded run: a snapshot commitment without a budget hides one opening (docs/proofs.md, "Opening budget").
                TrainingRun run = Record(isFirst ? firstData : secondData, parameters, 47_000 + (2 * p) + (isFirst ? 0 : 1));
                SnapshotRangeProof proof = SnapshotRangeArgument.Prove(run, 2, new SeededSaltSource(46_000 + (2 * p) + (isFirst ? 0 : 1)));
                Assert.True(SnapshotRangeArgument.Verify(run.Transcript, proof));
                Assert.Equal(hiding, proof.IsMasked);
                revealed.AddSumchecks(isFirst, proof.SumcheckArray);
                revealed.AddValues(isFirst, proof.ValueArray);
                revealed.AddValues(isFirst, proof.MultiplicityArray);
                revealed.AddOpenings(isFirst, [.. proof.LimbOpeningArray, .. proof.WeightOpeningArray, .. proof.MaskOpenings]);
            }
        }

        log.WriteLine(revealed.Report());
        Assert.True(hiding != revealed.AnyDistinguishes, revealed.Report());
    }

    /// <summary>
    /// Records a two-step run with the first of the seeds <c>seed + 1000·k</c> whose batch schedule (drawn from the run's commitments) the
    /// trainer accepts: on the noisier blobs some schedules leave the 20-bit weight range, which the trainer refuses (deterministic).
    /// </summary>
    private static TrainingRun Record(TrainingDataset data, LigeroParameters parameters, int seed)
    {
        for (int k = 0; ; k++)
        {
            try
            {
                return TrainingRun.Record(Config, data, 2, parameters, new SeededSaltSource(seed + (1000 * k)));
            }
            catch (TrainingOverflowException) when (k < 20)
            {
            }
        }
    }
}
