using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Sumcheck;

/// <summary>
/// The prover's pool of masking coefficients for the zero-knowledge sumchecks of one proof: uniform base-field tables
/// (chunks), each committed with hiding Ligero when its first mask is needed, read in order by <see cref="SumcheckMask{T}"/>,
/// and opened once each at the end at the batched functional <c>Σ_s α_s·Φ_s</c> of every mask's <c>g_s(r_s)</c>.
/// </summary>
/// <remarks>
/// <para>
/// Protocol (mirrored by <see cref="SumcheckMaskVerifier{T}"/>): when a sumcheck of <c>v</c> variables and degree <c>d</c>
/// needs <c>2·(1 + v·d)</c> entries and the current chunk has fewer left, a new chunk is committed and its root and size
/// absorbed (label <c>sumcheck/mask-chunk</c>) before the sumcheck's statement, so every mask is bound before its
/// <c>ρ</c>. After a sumcheck the prover sends <c>g(r)</c>; the verifier draws <c>α</c> and adds <c>α·Φ</c> and
/// <c>α·g(r)</c> to the chunk's functional and value. <see cref="Open"/> proves each chunk's value by one hiding functional
/// opening (<see cref="LigeroProver"/>).
/// </para>
/// <para>
/// Soundness: a false <c>g(r)</c> survives the batching with probability at most <c>1/|E|</c> (the <c>α</c> drawn after it
/// is the last one multiplying a nonzero error), then the opening's <c>(1/2 + D/n)^t + n/|E|</c> (<see cref="LigeroParameters"/>).
/// Hiding: a chunk's entries are uniform and each is read by one mask only; the opening reveals only the functional's value.
/// </para>
/// </remarks>
/// <typeparam name="T">The extension field of degree 2.</typeparam>
internal sealed partial class SumcheckMaskPool<T>
    where T : struct, IExtensionField<T>
{
    private readonly LigeroParameters _parameters;
    private readonly int _chunkLogSize;
    private readonly ISaltSource _salts;
    private readonly List<Chunk> _chunks = [];

    /// <summary>Initializes a pool whose chunks have at least <c>2^chunkLogSize</c> entries.</summary>
    /// <param name="parameters">Hiding Ligero parameters for the chunks.</param>
    /// <param name="chunkLogSize">The preferred chunk size (clamped to the bounds of <see cref="SumcheckMaskChunk"/>).</param>
    /// <param name="salts">The randomness of entries, salts and Ligero masks; <see langword="null"/> uses <see cref="RandomSaltSource"/>.</param>
    public SumcheckMaskPool(LigeroParameters parameters, int chunkLogSize, ISaltSource? salts = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!parameters.Hiding || T.Degree != LigeroParameters.HidingExtensionDegree)
        {
            throw new ArgumentException("Masking pools are committed with hiding parameters over a quadratic extension.", nameof(parameters));
        }

        _parameters = parameters;
        _chunkLogSize = Math.Clamp(chunkLogSize, SumcheckMaskChunk.MinLogSize, SumcheckMaskChunk.MaxLogSize);
        _salts = salts ?? RandomSaltSource.Instance;
    }

    /// <summary>Gets the public chunks, in commitment order.</summary>
    public IReadOnlyList<SumcheckMaskChunk> Chunks => _chunks.Select(c => c.Public).ToArray();

    /// <summary>Takes the mask of the next sumcheck (committing a new chunk first when the current one is short).</summary>
    public SumcheckMask<T> Take(Transcript transcript, int numVariables, int degree)
    {
        int entries = SumcheckMask<T>.Entries(numVariables, degree);
        Chunk? chunk = _chunks.Count == 0 ? null : _chunks[^1];
        if (chunk is null || chunk.Used + entries > chunk.Table.Length)
        {
            chunk = CommitChunk(transcript, entries, []);
        }

        int offset = chunk.Used;
        chunk.Used += entries;
        T constant = Read(chunk.Table, offset);
        var coefficients = new T[numVariables * degree];
        for (int i = 0; i < coefficients.Length; i++)
        {
            coefficients[i] = Read(chunk.Table, offset + 2 + (2 * i));
        }

        return new SumcheckMask<T>(constant, coefficients, numVariables, degree, chunk, offset);
    }

    /// <summary>
    /// After the sumcheck's final messages: sends <c>g(r)</c>, draws <c>α</c> and adds the mask's functional to its chunk, then
    /// clears the mask's copy of its coefficients (<see cref="SumcheckMask{T}.Clear"/>; the chunk's table is cleared by <see cref="Open"/>).
    /// </summary>
    public static void Finish(Transcript transcript, SumcheckMask<T> mask, ReadOnlySpan<T> point, int degree)
    {
        transcript.Absorb(SumcheckLabels.MaskValue, mask.Value);
        T alpha = transcript.Challenge<T>(SumcheckLabels.MaskBatch);
        Chunk chunk = mask.Chunk;
        SumcheckMask<T>.AddWeights(point, degree, alpha, chunk.Functional, mask.Offset);
        chunk.Value += alpha * mask.Value;
        mask.Clear();
    }

    /// <summary>Opens every chunk at its accumulated functional (after the last sumcheck), then clears the tables and their encodings.</summary>
    public LigeroOpeningProof<T>[] Open(Transcript transcript)
    {
        var openings = new LigeroOpeningProof<T>[_chunks.Count];
        for (int c = 0; c < openings.Length; c++)
        {
            Chunk chunk = _chunks[c];
            openings[c] = LigeroProver.OpenHiding(transcript, chunk.State, [], SumcheckMaskVerifier<T>.Terms(_parameters, chunk.Public.LogSize, chunk.Functional), out T value);
            System.Diagnostics.Debug.Assert(value == chunk.Value, "The pool's value is the sum of the masks' weighted values.");
            Array.Clear(chunk.Table);
            Array.Clear(chunk.State.Evaluations);
            Array.Clear(chunk.State.Encoded);
            Array.Clear(chunk.State.Coefficients!);
        }

        return openings;
    }

    /// <summary>
    /// Commits a new chunk of at least <paramref name="entries"/> entries (and the preferred size) whose first entries are
    /// <paramref name="payload"/> and the rest uniform, absorbs its root and size, and marks the payload as used.
    /// </summary>
    private Chunk CommitChunk(Transcript transcript, int entries, ReadOnlySpan<Goldilocks> payload)
    {
        int logSize = Math.Max(_chunkLogSize, SumcheckMaskVerifier<T>.LogSizeFor(entries));
        var table = new Goldilocks[1 << logSize];
        payload.CopyTo(table);
        var words = new LigeroMasking.SaltWords(_salts);
        for (int i = payload.Length; i < table.Length; i++)
        {
            table[i] = Goldilocks.Sample(words);
        }

        words.Clear();
        LigeroProverState state = LigeroProver.Commit(table, _parameters, _salts);
        var chunk = new Chunk(table, state, new SumcheckMaskChunk(state.Commitment.Root, logSize)) { Used = payload.Length };
        SumcheckMaskVerifier<T>.AbsorbChunk(transcript, chunk.Public);
        _chunks.Add(chunk);
        return chunk;
    }

    private static T Read(Goldilocks[] table, int offset) => T.FromCoefficients(table.AsSpan(offset, 2));

    /// <summary>One committed chunk: its secret table and Ligero state, how much is read, and the batched functional and value.</summary>
    internal sealed class Chunk(Goldilocks[] table, LigeroProverState state, SumcheckMaskChunk publicPart)
    {
        public Goldilocks[] Table { get; } = table;

        public LigeroProverState State { get; } = state;

        public SumcheckMaskChunk Public { get; } = publicPart;

        public int Used { get; set; }

        public T[] Functional { get; } = new T[table.Length];

        public T Value { get; set; }
    }
}
