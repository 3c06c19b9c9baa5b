using Thestage.Proofs.Fields;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs;

/// <summary>
/// Collects the prover messages of a composed protocol in order: sumcheck proofs and loose field elements
/// (each loose message absorbed into the transcript as it is sent). Read back by <see cref="ProofCursor{T}"/>.
/// </summary>
internal sealed class ProofBuilder<T>
    where T : struct, IExtensionField<T>
{
    /// <summary>Initializes a builder; with a pool, every sumcheck run through it is zero-knowledge (<see cref="SumcheckMask{T}"/>).</summary>
    public ProofBuilder(SumcheckMaskPool<T>? masks = null) => Masks = masks;

    /// <summary>The masking pool of the proof's zero-knowledge sumchecks, or <see langword="null"/> for plain ones.</summary>
    public SumcheckMaskPool<T>? Masks { get; }

    public List<SumcheckProof<T>> Sumchecks { get; } = [];

    public List<T> Values { get; } = [];

    public void AddSumcheck(SumcheckProof<T> proof) => Sumchecks.Add(proof);

    public void Send(Transcript transcript, string label, ReadOnlySpan<T> values)
    {
        transcript.Absorb(label, values);
        foreach (T value in values)
        {
            Values.Add(value);
        }
    }
}
