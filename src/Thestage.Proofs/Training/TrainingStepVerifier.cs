using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Training;

/// <summary>Checks a <see cref="TrainingStepProof"/> against a <see cref="TrainingTranscript"/> (protocol and soundness on <see cref="TrainingStepProver"/>).</summary>
public static class TrainingStepVerifier
{
    /// <summary>Verifies a step proof under <see cref="VerifierPolicy.Default"/> (see <see cref="Verify(TrainingTranscript, TrainingStepProof?, VerifierPolicy)"/>).</summary>
    /// <param name="training">The public training transcript.</param>
    /// <param name="proof">The proof (may be malformed).</param>
    /// <returns><see langword="true"/> if accepted; never throws on a malformed proof.</returns>
    public static bool Verify(TrainingTranscript training, TrainingStepProof? proof) => Verify(training, proof, VerifierPolicy.Default);

    /// <summary>
    /// Verifies that snapshot <c>proof.Step + 1</c> is the update of snapshot <c>proof.Step</c> on that step's batch, refusing a
    /// transcript whose step proofs are weaker than <paramref name="policy"/> (<see cref="SoundnessBits"/>). The integer reading
    /// of the proof also needs both snapshots' <see cref="SnapshotRangeProof"/>s, which <see cref="TrainingVerifier"/> checks;
    /// this method checks the step alone.
    /// </summary>
    /// <param name="training">The public training transcript.</param>
    /// <param name="proof">The proof (may be malformed).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns><see langword="true"/> if accepted; never throws on a malformed proof.</returns>
    public static bool Verify(TrainingTranscript training, TrainingStepProof? proof, VerifierPolicy policy) => Check(training, proof, policy).IsAccepted;

    /// <summary>
    /// Checks a step proof as <see cref="Verify(TrainingTranscript, TrainingStepProof?, VerifierPolicy)"/> does, saying why it is
    /// rejected: <see cref="RejectionReason.SoundnessPolicy"/>, <see cref="RejectionReason.Format"/>, <see cref="RejectionReason.Statement"/>
    /// (a step outside the run), <see cref="RejectionReason.Opening"/> (<c>"batch"</c>: the batch's opening of the dataset commitment,
    /// or the opening of the witness or of a snapshot), <see cref="RejectionReason.Lookup"/>, or <see cref="RejectionReason.Relation"/>
    /// with the relation (<c>"forward, layer 0"</c>, <c>"output error"</c>, <c>"backward, layer 0"</c>, <c>"weight update, layer 1"</c>,
    /// <c>"bias update, layer 1"</c>).
    /// </summary>
    /// <param name="training">The public training transcript.</param>
    /// <param name="proof">The proof (may be malformed).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns>The verdict; never throws on a malformed proof.</returns>
    public static ProofVerdict Check(TrainingTranscript training, TrainingStepProof? proof, VerifierPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(policy);
        return policy.RefusesPlain(training.Parameters) ? ProofVerdict.Reject(RejectionReason.NotZeroKnowledge)
            : SoundnessBits(training) < policy.MinimumSoundnessBits || training.DatasetOpeningBudget > policy.MaximumOpeningBudget
            ? ProofVerdict.Reject(RejectionReason.SoundnessPolicy)
            : CheckProof(training, proof);
    }

    /// <summary>
    /// Computes the soundness of a step proof for this transcript by the union bound over its components (<c>|E| ≈ 2^128</c>):
    /// <c>ε = Σ_i ε_Ligero(v_i) + (N + 2^8 + 1.5·L² + 2L)/|E| + R/|E| + Σ_p (k_p + 2·v_p)/|E|</c> — the openings of the witness
    /// polynomial and of both snapshots' polynomials under the transcript's Ligero parameters, the logUp over the <c>N</c>
    /// limbs in <c>2^L</c> leaves, the relations' terms <c>R</c> (<c>v</c> per identity at a random point, <c>d·v</c> per
    /// sumcheck, counted by walking the relations themselves), and the batching of the <c>k_p</c> claims on each opened
    /// polynomial <c>p</c>. For 784-64-10 at B = 16 with the default parameters the five openings dominate: about 100.7 bits.
    /// A hiding run adds the dataset's opening (under its budgeted parameters), the batching of its claims, and the gather
    /// sumchecks (<c>2n/|E|</c> each over the <c>n</c> sample variables, counted with the relations), besides the masks' <c>2/|E|</c>
    /// per sumcheck and the pool's openings.
    /// </summary>
    /// <param name="training">The training transcript.</param>
    /// <returns><c>−log2 ε</c>.</returns>
    public static double SoundnessBits(TrainingTranscript training)
    {
        ArgumentNullException.ThrowIfNull(training);
        var circuit = new StepCircuit(training.Config, training.HidesSamples);
        DatasetPolynomial? dataset = training.HidesSamples ? new DatasetPolynomial(training.Config, training.SampleCount) : null;
        StepZeroKnowledge? zeroKnowledge = dataset is null ? null : StepZeroKnowledge.Create(circuit, dataset);
        StepRelations relations = zeroKnowledge is null ? StepRelations.ForAccounting(circuit, dataset) : StepRelations.ForAccounting(circuit, dataset!, zeroKnowledge);
        relations.Run();
        double field = E.Log2Size;
        int witness = (zeroKnowledge?.Layout ?? circuit.Layout).NumVariables[0];
        double epsilon = Math.Pow(2.0, -training.Parameters.SoundnessBits(witness, field));
        double terms = relations.SoundnessTerms + relations.Advice.Count + (2.0 * witness);
        foreach (int v in training.WeightVariables)
        {
            epsilon += 2 * Math.Pow(2.0, -training.Parameters.SoundnessBits(v, field));
            terms += relations.Before.Count + relations.After.Count + (4.0 * v);
        }

        LookupColumnSpec[] specs = circuit.LookupColumns.Select(c => new LookupColumnSpec(circuit.LogSizes[c.Segment], c.Scale)).ToArray();
        long lookups = specs.Sum(c => 1L << c.LogSize);
        epsilon += Math.Pow(2.0, -LogUpArgument.SoundnessBits(
            lookups, StepCircuit.TableBits, LogUpLayout.Create(specs, StepCircuit.TableBits).LogSize, field, committedMultiplicities: zeroKnowledge is not null, zeroKnowledge: zeroKnowledge is not null));
        if (dataset is not null)
        {
            // The dataset's one opening and the batching of its claims.
            epsilon += Math.Pow(2.0, -training.DatasetParameters.SoundnessBits(dataset.NumVariables, field));
            terms += relations.Dataset.Count + (2.0 * dataset.NumVariables);
        }

        if (training.Parameters.Hiding)
        {
            // Zero-knowledge sumchecks: 2/|F| each (the mask's ρ and its batched g(r)), and the openings of the pool's chunks
            // (at most SumcheckMaskChunk.MaxChunks, each counted at the weakest size).
            // With hidden claims the zero-knowledge logUp's own terms are in its figure above; the zero-checks and the four batchings remain.
            terms += 2.0 * (relations.SumcheckCount + (zeroKnowledge is null ? LogUpLayout.Create(specs, StepCircuit.TableBits).LogSize + 1 : 0) + 3 + (dataset is null ? 0 : 1));
            double weakest = Enumerable.Range(SumcheckMaskChunk.MinLogSize, SumcheckMaskChunk.MaxLogSize - SumcheckMaskChunk.MinLogSize + 1)
                .Min(v => training.Parameters.SoundnessBits(v, field));
            epsilon += SumcheckMaskChunk.MaxChunks * Math.Pow(2.0, -weakest);
        }

        return -Math.Log2(epsilon + (terms / Math.Pow(2.0, field)));
    }

    /// <summary>The protocol checks of <see cref="Check"/>, without the policy.</summary>
    internal static ProofVerdict CheckProof(TrainingTranscript training, TrainingStepProof? proof)
    {
        if (proof is null)
        {
            return ProofVerdict.Reject(RejectionReason.Format);
        }

        if (proof.Step < 0 || proof.Step >= training.StepCount)
        {
            return ProofVerdict.Reject(RejectionReason.Statement);
        }

        // A hiding run's proof proves its samples and must not open them (a proof that does is a downgrade), a plain run's opens them.
        if (training.HidesSamples ? proof.Batch is not null || proof.DatasetOpening.Length != 1 : proof.DatasetOpening.Length != 0)
        {
            return ProofVerdict.Reject(RejectionReason.Format, training.HidesSamples ? "opened samples in a hiding run's step proof" : "dataset opening in a plain run's step proof");
        }

        if (proof.Batch is not null && !proof.Batch.Verify(training, proof.Step))
        {
            return ProofVerdict.Reject(RejectionReason.Opening, "batch");
        }

        if (proof.Batch is null && !training.HidesSamples)
        {
            return ProofVerdict.Reject(RejectionReason.Format, "no batch");
        }

        // A hiding run's relations hide their claims (TSSP v4); the revealing relations of v3 are refused, and a plain run has no hidden claims.
        if (proof.HidesClaims != training.HidesSamples)
        {
            return ProofVerdict.Reject(RejectionReason.Format, training.HidesSamples ? "revealed claims in a hiding run's step proof" : "hidden claims in a plain run's step proof");
        }

        // A masked proof's chunks are at most the size its prover chooses (which bounds the verifier's work).
        if (proof.IsMasked != training.Parameters.Hiding
            || (proof.IsMasked && proof.MaskChunks.Any(c => c.LogSize > TrainingStepProver.MaskChunkLogSize(training))))
        {
            return ProofVerdict.Reject(RejectionReason.Format);
        }

        return ProofVerdict.Of(() =>
        {
            var circuit = new StepCircuit(training.Config, training.HidesSamples);
            StepZeroKnowledge? zeroKnowledge = training.HidesSamples ? TrainingStepProver.ZeroKnowledgeLayout(training, circuit) : null;
            SegmentLayout layout = zeroKnowledge?.Layout ?? circuit.Layout;
            Transcript transcript = TrainingStepProver.Begin(training, proof.Step, proof.Batch, proof.WitnessRoot, zeroKnowledge is not null);
            SumcheckMaskVerifier<E>? masks = proof.IsMasked ? new SumcheckMaskVerifier<E>(training.Parameters, proof.MaskChunks) : null;
            var cursor = new ProofCursor<E>(proof.Sumchecks, proof.Values, masks);
            StepRelations relations = zeroKnowledge is not null
                ? StepRelations.ForVerifier(circuit, transcript, TrainingStepProver.HiddenBatch(training, proof.Step, null), cursor, zeroKnowledge)
                : StepRelations.ForVerifier(circuit, transcript, proof.Batch!.InputMatrix(circuit.LogWidths[0]), proof.Batch.Labels, cursor);
            relations.Run();
            var witness = new LigeroCommitment(proof.WitnessRoot, layout.NumVariables[0]);
            ClaimBatcher.Verify(transcript, cursor, layout, [witness], training.Parameters, relations.Advice, proof.WitnessOpening, "witness");
            (SegmentLayout before, List<SegmentClaim<E>> beforeClaims) = WeightCommitment.Batched(training.Config, training.Parameters.Hiding, relations.Before);
            ClaimBatcher.Verify(transcript, cursor, before, training.WeightCommitmentsAt(proof.Step), training.Parameters, beforeClaims, proof.BeforeOpenings, "snapshot before");
            (SegmentLayout after, List<SegmentClaim<E>> afterClaims) = WeightCommitment.Batched(training.Config, training.Parameters.Hiding, relations.After);
            ClaimBatcher.Verify(transcript, cursor, after, training.WeightCommitmentsAt(proof.Step + 1), training.Parameters, afterClaims, proof.AfterOpenings, "snapshot after");
            if (training.HidesSamples)
            {
                ClaimBatcher.Verify(
                    transcript, cursor, new DatasetPolynomial(training.Config, training.SampleCount).Layout, [training.DatasetLigeroCommitment], training.DatasetParameters,
                    relations.Dataset, proof.DatasetOpening, "dataset");
            }

            ProofVerdict.Require(cursor.IsExhausted, RejectionReason.Format, "messages after the openings");
            ProofVerdict.Require(masks is null || masks.Finish(transcript, proof.MaskOpenings), RejectionReason.Opening, "opening of the sumcheck masks");
        });
    }
}
