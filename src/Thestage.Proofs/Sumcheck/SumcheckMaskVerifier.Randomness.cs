using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Sumcheck;

/// <summary>The verifier's side of reserved pool randomness (<see cref="SumcheckMaskPool{T}.Reserve"/>).</summary>
internal sealed partial class SumcheckMaskVerifier<T>
{
    /// <summary>Reserves <paramref name="coefficients"/> extension coefficients as the prover did, reading a new chunk when the current one is short.</summary>
    /// <returns>The slot (chunk, base offset), or <see langword="null"/> when the proof declares no suitable chunk.</returns>
    public (int Chunk, int Offset)? TryReserve(Transcript transcript, int coefficients)
    {
        int entries = 2 * coefficients;
        if (coefficients <= 0 || ((_current < 0 || _used + entries > 1 << _chunks[_current].LogSize) && !TryNextChunk(transcript, entries)))
        {
            return null;
        }

        int offset = _used;
        _used += entries;
        return (_current, offset);
    }

    /// <summary>After a linear claim on reserved coefficients: absorbs it, draws <c>α</c> and adds the weighted functional and value.</summary>
    public void AccumulateLinear(Transcript transcript, (int Chunk, int Offset) slot, ReadOnlySpan<T> weights, T value)
    {
        transcript.Absorb(SumcheckMaskPool<T>.LinearValueLabel, value);
        T alpha = transcript.Challenge<T>(SumcheckMaskPool<T>.LinearBatchLabel);
        SumcheckMaskPool<T>.AddPairs(_functionals[slot.Chunk], slot.Offset, alpha, weights);
        _values[slot.Chunk] += alpha * value;
    }
}
