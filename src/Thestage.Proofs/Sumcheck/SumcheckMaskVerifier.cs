using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Sumcheck;

/// <summary>
/// The verifier's side of <see cref="SumcheckMaskPool{T}"/>: it reads the chunks the proof declares as the sumchecks need
/// them, accumulates each chunk's functional and claimed value, and checks every chunk's opening at the end.
/// It never throws on a malformed proof: a missing, short or surplus chunk, or a failed opening, is a rejection.
/// </summary>
/// <typeparam name="T">The extension field of degree 2.</typeparam>
internal sealed partial class SumcheckMaskVerifier<T>
    where T : struct, IExtensionField<T>
{
    private readonly LigeroParameters _parameters;
    private readonly IReadOnlyList<SumcheckMaskChunk> _chunks;
    private readonly T[][] _functionals;
    private readonly T[] _values;
    private int _current = -1;
    private int _used;

    /// <summary>Initializes the verifier for the chunks a proof declares.</summary>
    public SumcheckMaskVerifier(LigeroParameters parameters, IReadOnlyList<SumcheckMaskChunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(chunks);
        _parameters = parameters;
        _chunks = chunks;
        _functionals = new T[chunks.Count][];
        _values = new T[chunks.Count];
    }

    /// <summary>The least chunk size holding <paramref name="entries"/> entries.</summary>
    public static int LogSizeFor(int entries) => Math.Max(SumcheckMaskChunk.MinLogSize, System.Numerics.BitOperations.Log2((uint)entries - 1) + 1);

    /// <summary>Absorbs a chunk's root and size (prover and verifier alike).</summary>
    public static void AbsorbChunk(Transcript transcript, SumcheckMaskChunk chunk)
    {
        transcript.AbsorbDigest(SumcheckLabels.MaskChunk, chunk.Root);
        transcript.AbsorbUInt64(SumcheckLabels.MaskChunk, (ulong)chunk.LogSize);
    }

    /// <summary>The rank-one terms of a chunk's functional: one per Ligero row it weights (unit row weight, that row's column weights).</summary>
    public static LigeroFunctionalTerm<T>[] Terms(LigeroParameters parameters, int logSize, T[] functional)
    {
        int rows = 1 << parameters.RowVariables(logSize);
        int k = functional.Length / rows;
        var terms = new List<LigeroFunctionalTerm<T>>();
        for (int i = 0; i < rows; i++)
        {
            T[] columns = functional.AsSpan(i * k, k).ToArray();
            if (columns.Any(w => !w.IsZero))
            {
                var unit = new T[rows];
                unit[i] = T.One;
                terms.Add(new LigeroFunctionalTerm<T>(unit, columns));
            }
        }

        return [.. terms];
    }

    /// <summary>Reserves the entries of the next sumcheck's mask, reading a new chunk when the current one is short.</summary>
    /// <returns>The slot (chunk, offset), or <see langword="null"/> when the proof declares no suitable chunk.</returns>
    public (int Chunk, int Offset)? TryTake(Transcript transcript, int numVariables, int degree)
    {
        int entries = SumcheckMask<T>.Entries(numVariables, degree);
        if ((_current < 0 || _used + entries > 1 << _chunks[_current].LogSize) && !TryNextChunk(transcript, entries))
        {
            return null;
        }

        int offset = _used;
        _used += entries;
        return (_current, offset);
    }

    /// <summary>Reads the next declared chunk (absorbing it as the prover did) if it exists and holds <paramref name="entries"/> entries.</summary>
    private bool TryNextChunk(Transcript transcript, int entries)
    {
        if (_current + 1 >= _chunks.Count || !_parameters.Hiding || T.Degree != LigeroParameters.HidingExtensionDegree
            || _chunks[_current + 1].LogSize is < SumcheckMaskChunk.MinLogSize or > SumcheckMaskChunk.MaxLogSize
            || 1 << _chunks[_current + 1].LogSize < entries)
        {
            return false;
        }

        _current++;
        _used = 0;
        _functionals[_current] = new T[1 << _chunks[_current].LogSize];
        AbsorbChunk(transcript, _chunks[_current]);
        return true;
    }

    /// <summary>After the sumcheck: absorbs the claimed <c>g(r)</c>, draws <c>α</c> and adds the weighted functional and value.</summary>
    public void Accumulate(Transcript transcript, (int Chunk, int Offset) slot, ReadOnlySpan<T> point, int degree, T value)
    {
        transcript.Absorb(SumcheckLabels.MaskValue, value);
        T alpha = transcript.Challenge<T>(SumcheckLabels.MaskBatch);
        SumcheckMask<T>.AddWeights(point, degree, alpha, _functionals[slot.Chunk], slot.Offset);
        _values[slot.Chunk] += alpha * value;
    }

    /// <summary>Checks every chunk's opening (after the last sumcheck); every declared chunk must have been used.</summary>
    public bool Finish(Transcript transcript, IReadOnlyList<LigeroOpeningProof<T>?> openings)
    {
        if (openings is null || openings.Count != _chunks.Count || _current != _chunks.Count - 1)
        {
            return false;
        }

        for (int c = 0; c < _chunks.Count; c++)
        {
            var commitment = new LigeroCommitment(_chunks[c].Root, _chunks[c].LogSize);
            if (LigeroVerifier.CheckFunctional(transcript, commitment, _parameters, [], Terms(_parameters, _chunks[c].LogSize, _functionals[c]), _values[c], openings[c]) != LigeroVerdict.Accepted)
            {
                return false;
            }
        }

        return true;
    }
}
