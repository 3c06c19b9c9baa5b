using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Training;

/// <summary>
/// The independent pieces of a run's proofs (<see cref="TrainingProofs"/>) and their assembly: the step proofs and the range
/// proofs of the snapshots they touch, in snapshot order (a step and the range proofs of its two snapshots close together, so
/// that a prover shares their recomputed snapshots), then the initial-snapshot proof. <see cref="TrainingProver"/> proves the
/// pieces on this machine's cores; a cluster proves them on its machines (<see cref="TrainingProofPiece"/>) and gathers them
/// here, each checked as it arrives (<see cref="TryAccept"/>).
/// </summary>
internal sealed class TrainingProofPlan
{
    private readonly (int Index, bool IsRange, int Slot)[] _work;
    private readonly TrainingStepProof?[] _steps;
    private readonly SnapshotRangeProof?[] _ranges;
    private readonly int[] _stepIndices;
    private readonly int[] _snapshotIndices;

    private TrainingProofPlan(TrainingTranscript transcript, bool sampled, int k, Digest256 seed, int[] steps)
    {
        Transcript = transcript;
        IsSampled = sampled;
        SampleSize = k;
        Seed = seed;
        _stepIndices = steps;
        _snapshotIndices = TrainingVerifier.CheckedSnapshots(steps, transcript.StepCount);
        _steps = new TrainingStepProof?[steps.Length];
        _ranges = new SnapshotRangeProof?[_snapshotIndices.Length];
        var work = new List<(int Index, bool IsRange, int Slot)>(steps.Length + _snapshotIndices.Length);
        work.AddRange(steps.Select((t, slot) => (t, false, slot)));
        work.AddRange(_snapshotIndices.Select((s, slot) => (s, true, slot)));
        work.Sort((a, b) => a.Index != b.Index ? a.Index.CompareTo(b.Index) : a.IsRange.CompareTo(b.IsRange));
        _work = [.. work];
    }

    public TrainingTranscript Transcript { get; }

    public bool IsSampled { get; }

    public int SampleSize { get; }

    public Digest256 Seed { get; }

    /// <summary>The pieces: a step proof or a snapshot's range proof each.</summary>
    public int Count => _work.Length;

    /// <summary>The proofs to make: the pieces and the initial-snapshot proof (what progress reports count).</summary>
    public int Total => _work.Length + 1;

    /// <summary>Every step proven.</summary>
    public static TrainingProofPlan EveryStep(TrainingTranscript transcript) =>
        new(transcript, false, 0, default, [.. Enumerable.Range(0, transcript.StepCount)]);

    /// <summary>The <paramref name="k"/> steps <see cref="TrainingVerifier.SampledSteps"/> selects under <paramref name="seed"/>.</summary>
    public static TrainingProofPlan Sampled(TrainingTranscript transcript, int k, Digest256 seed) =>
        new(transcript, true, k, seed, TrainingVerifier.SampledSteps(transcript, k, seed));

    /// <summary>Whether piece <paramref name="i"/> is a range proof, and of which step or snapshot.</summary>
    public (int Index, bool IsRange) this[int i] => (_work[i].Index, _work[i].IsRange);

    /// <summary>Piece <paramref name="i"/> with its witness, to prove elsewhere.</summary>
    /// <exception cref="ArgumentException">The dataset is not the one the run committed to.</exception>
    /// <exception cref="NotSupportedException">A step of a hiding run: its proof opens the dataset commitment (with the run's next mask
    /// set), which a piece does not carry; prove it here (<see cref="ProveHere"/>).</exception>
    public TrainingProofPiece Piece(int i, TrainingRun run, TrainingDataset dataset)
    {
        (int index, bool isRange, _) = _work[i];
        if (isRange)
        {
            return TrainingProofPiece.ForRange(run, index);
        }

        if (dataset.Count != Transcript.SampleCount || dataset.InputSize != Transcript.Config.InputSize)
        {
            throw new ArgumentException("The dataset does not match the run.", nameof(dataset));
        }

        if (Transcript.HidesSamples)
        {
            throw new NotSupportedException(
                "A hiding run's step proof opens its dataset commitment with the run's next mask set; a piece carries neither, so prove hiding runs' steps on the machine that holds the run.");
        }

        TrainingProofPiece piece = TrainingProofPiece.ForStep(run, dataset, index);
        return piece.Batch!.Verify(Transcript, index)
            ? piece
            : throw new ArgumentException($"The dataset is not the one the run was trained on: the samples of step {index} are not the committed ones.", nameof(dataset));
    }

    /// <summary>Proves piece <paramref name="i"/> from the run on this machine and keeps it.</summary>
    public void ProveHere(int i, TrainingRun run, TrainingDataset dataset)
    {
        (int index, bool isRange, int slot) = _work[i];
        if (isRange)
        {
            _ranges[slot] = SnapshotRangeArgument.Prove(run, index);
        }
        else
        {
            _steps[slot] = TrainingStepProver.Prove(run, dataset, index);
        }
    }

    /// <summary>
    /// Keeps the proof of piece <paramref name="i"/> made elsewhere (<c>TSSP</c> or <c>TSSR</c> bytes) if it is that piece's
    /// proof and verifies against the transcript; otherwise keeps nothing and returns false (never throws on bad bytes).
    /// </summary>
    public bool TryAccept(int i, ReadOnlySpan<byte> proof)
    {
        (int index, bool isRange, int slot) = _work[i];
        try
        {
            if (isRange)
            {
                SnapshotRangeProof range = SnapshotRangeProofSerializer.Deserialize(proof);
                if (range.Snapshot != index || !SnapshotRangeArgument.CheckProof(Transcript, range).IsAccepted)
                {
                    return false;
                }

                _ranges[slot] = range;
            }
            else
            {
                TrainingStepProof step = TrainingStepProofSerializer.Deserialize(proof);
                if (step.Step != index || !TrainingStepVerifier.CheckProof(Transcript, step).IsAccepted)
                {
                    return false;
                }

                _steps[slot] = step;
            }

            return true;
        }
        catch (ProofFormatException)
        {
            return false;
        }
    }

    /// <summary>The run's proofs: the pieces kept, with the initial-snapshot proof made here.</summary>
    /// <exception cref="InvalidOperationException">A piece has no proof yet.</exception>
    public TrainingProofs Finish(TrainingRun run)
    {
        if (_steps.Any(p => p is null) || _ranges.Any(p => p is null))
        {
            throw new InvalidOperationException("Every piece must be proven before the run's proofs are assembled.");
        }

        return new TrainingProofs(IsSampled, SampleSize, Seed, InitialSnapshotArgument.Prove(run), [.. _steps.Select(p => p!)], [.. _ranges.Select(p => p!)]);
    }
}
