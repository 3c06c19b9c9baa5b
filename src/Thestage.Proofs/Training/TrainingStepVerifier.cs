using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Training;

/// <summary>Checks a <see cref="TrainingStepProof"/> against a <see cref="TrainingTranscript"/> (protocol and soundness on <see cref="TrainingStepProver"/>).</summary>
public static class TrainingStepVerifier
{
    /// <summary>
    /// Verifies that snapshot <c>proof.Step + 1</c> is the update of snapshot <c>proof.Step</c> on that step's batch. The
    /// integer reading of the proof also needs both snapshots' <see cref="SnapshotRangeProof"/>s, which
    /// <see cref="TrainingVerifier"/> checks; this method checks the step alone.
    /// </summary>
    /// <param name="training">The public training transcript.</param>
    /// <param name="proof">The proof (may be malformed).</param>
    /// <returns><see langword="true"/> if accepted; never throws on a malformed proof.</returns>
    public static bool Verify(TrainingTranscript training, TrainingStepProof? proof)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (proof is null || proof.Step < 0 || proof.Step >= training.StepCount || !proof.Batch.Verify(training, proof.Step))
        {
            return false;
        }

        var circuit = new StepCircuit(training.Config);
        Transcript transcript = TrainingStepProver.Begin(training, proof.Step, proof.Batch, proof.WitnessRoot);
        var cursor = new ProofCursor<E>(proof.Sumchecks, proof.Values);
        var relations = StepRelations.ForVerifier(circuit, transcript, proof.Batch.InputMatrix(circuit.LogWidths[0]), proof.Batch.Labels, cursor);
        try
        {
            relations.Run();
        }
        catch (StepRelations.Rejected)
        {
            return false;
        }

        SegmentLayout weights = WeightCommitment.Layout(training.Config);
        var witness = new LigeroCommitment(proof.WitnessRoot, circuit.Layout.NumVariables[0]);
        return ClaimBatcher.Verify(transcript, cursor, circuit.Layout, [witness], training.Parameters, relations.Advice, proof.WitnessOpening)
            && ClaimBatcher.Verify(transcript, cursor, weights, training.WeightCommitmentsAt(proof.Step), training.Parameters, relations.Before, proof.BeforeOpenings)
            && ClaimBatcher.Verify(transcript, cursor, weights, training.WeightCommitmentsAt(proof.Step + 1), training.Parameters, relations.After, proof.AfterOpenings)
            && cursor.IsExhausted;
    }
}
