using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Sumcheck;

/// <summary>The verifier's side of a payload embedded in the pool (<see cref="SumcheckMaskPool{T}.Embed"/>).</summary>
internal sealed partial class SumcheckMaskVerifier<T>
{
    /// <summary>
    /// Reads the next declared chunk as the one holding a payload of <paramref name="entries"/> entries at offset 0 (absorbing it as
    /// the prover did); later masks are read from the rest of it.
    /// </summary>
    /// <returns>The chunk's index, or <see langword="null"/> when the proof declares no such chunk.</returns>
    public int? TryEmbed(Transcript transcript, int entries, int reserve = 0)
    {
        if (entries <= 0 || reserve < 0 || !TryNextChunk(transcript, entries + reserve))
        {
            return null;
        }

        _used = entries;
        return _current;
    }

    /// <summary>After the payload claim <paramref name="value"/> at <paramref name="point"/> (on the masked extension with <paramref name="maskPoint"/>, as the prover's): absorbs it, draws <c>α</c> and adds the weighted functional and value.</summary>
    public void AccumulateEvaluation(Transcript transcript, int chunk, ReadOnlySpan<T> point, T value, int maskOffset = -1, T[]? maskPoint = null)
    {
        transcript.Absorb(SumcheckMaskPool<T>.PayloadValueLabel, value);
        T alpha = transcript.Challenge<T>(SumcheckMaskPool<T>.PayloadBatchLabel);
        SumcheckMaskPool<T>.AddEqualityWeights(point, alpha, _functionals[chunk]);
        if (maskPoint is not null)
        {
            MaskedExtension.AddWeights<T>(maskPoint, alpha, _functionals[chunk], 0, maskOffset, masksOnly: true);
        }

        _values[chunk] += alpha * value;
    }
}
