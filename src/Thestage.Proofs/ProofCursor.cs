using Thestage.Proofs.Fields;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs;

/// <summary>
/// Reads the prover messages recorded by <see cref="ProofBuilder{T}"/> in protocol order; every read reports
/// exhaustion instead of throwing, so verifiers reject short or reordered proofs.
/// </summary>
internal sealed class ProofCursor<T>
    where T : struct, IExtensionField<T>
{
    private readonly IReadOnlyList<SumcheckProof<T>> _sumchecks;
    private readonly IReadOnlyList<T> _values;
    private int _sumcheckPosition;
    private int _valuePosition;

    public ProofCursor(IReadOnlyList<SumcheckProof<T>> sumchecks, IReadOnlyList<T> values, SumcheckMaskVerifier<T>? masks = null)
    {
        _sumchecks = sumchecks;
        _values = values;
        Masks = masks;
    }

    /// <summary>The verifier of the proof's masking pool when its sumchecks are zero-knowledge, or <see langword="null"/>.</summary>
    public SumcheckMaskVerifier<T>? Masks { get; }

    public bool IsExhausted => _sumcheckPosition == _sumchecks.Count && _valuePosition == _values.Count;

    /// <summary>Gets a value indicating whether a read found too few messages (the proof is short: a format error, whatever check asked).</summary>
    public bool RanShort { get; private set; }

    public bool TryNextSumcheck(out SumcheckProof<T>? proof)
    {
        proof = _sumcheckPosition < _sumchecks.Count ? _sumchecks[_sumcheckPosition++] : null;
        RanShort |= proof is null;
        return proof is not null;
    }

    /// <summary>Takes the next <paramref name="count"/> loose values and absorbs them as the prover did.</summary>
    public bool TryReceive(Transcript transcript, string label, int count, out T[] values)
    {
        if (count < 0 || _values.Count - _valuePosition < count)
        {
            RanShort = true;
            values = [];
            return false;
        }

        values = new T[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = _values[_valuePosition++];
        }

        transcript.Absorb<T>(label, values);
        return true;
    }
}
