using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Transcripts;

/// <summary>
/// The programming of the random oracle behind <see cref="Transcript"/>'s challenges, for the tests' honest-verifier simulators only: a
/// simulator draws a challenge before it sends the message the challenge follows (<see cref="ProgramNext{T}"/>), and every transcript
/// that later draws a challenge under that label from that state — the simulator's own, then the real verifier's — gets that value.
/// </summary>
/// <remarks>
/// <para>
/// In the random-oracle model (Bellare–Rogaway, CCS 1993) the hash <c>H(0x12 ‖ s ‖ label)</c> that seeds a challenge is the oracle; an
/// honest-verifier zero-knowledge simulator of a Fiat–Shamir proof may choose its answers at points nobody has queried yet (Pointcheval–Stern,
/// J. Cryptology 2000), which is what <see cref="Current"/> does: a challenge drawn at state <c>s</c> under a programmed label returns
/// the programmed value, and the transcript's state ratchets exactly as without it, so the prover's and the verifier's transcripts stay
/// equal. A programmed challenge is uniform (drawn from the simulator's randomness by the field's own rejection sampling).
/// </para>
/// <para>
/// Production code never sets <see cref="Current"/> (it is <see langword="null"/>, and a challenge costs one more read of an
/// <see cref="AsyncLocal{T}"/>); with a program set, a verifier accepts proofs whose challenges were known in advance, which is the point of
/// a simulator and the reason the seam is internal. Its one user in the provers is the masked sumcheck
/// (<see cref="Sumcheck.SumcheckProver"/>): with a program, it draws its mask weight <c>ρ</c> first and sends <c>G' = G + (H' − H)/ρ</c> for
/// tables whose sum <c>H'</c> is not the claimed <c>H</c>, the simulator's construction (tests: <c>ZeroKnowledge/WholeProofSimulatorTests</c>).
/// </para>
/// </remarks>
/// <param name="randomness">The simulator's randomness (seeded in the tests).</param>
internal sealed class ChallengeProgram(IUniformWordSource randomness)
{
    private static readonly AsyncLocal<ChallengeProgram?> Active = new();
    private readonly Dictionary<(string State, string Label), ulong[]> _programmed = [];
    private (string Label, ulong[] Words)? _next;

    /// <summary>Gets or sets the program of the current asynchronous flow (<see langword="null"/>, the real oracle, outside the tests' simulators).</summary>
    internal static ChallengeProgram? Current
    {
        get => Active.Value;
        set => Active.Value = value;
    }

    /// <summary>Gets the number of challenges programmed so far (every one bound to the state it was drawn from).</summary>
    internal int Count => _programmed.Count;

    /// <summary>
    /// Draws a uniform element from the simulator's randomness and programs it as the value of the next challenge drawn under
    /// <paramref name="label"/> (from whatever state that transcript is in then: the state is recorded at that draw).
    /// </summary>
    /// <typeparam name="T">The field of the challenge.</typeparam>
    /// <param name="label">The challenge's label.</param>
    /// <returns>The programmed challenge.</returns>
    internal T ProgramNext<T>(string label)
        where T : struct, IField<T>
    {
        var recorder = new Recorder(randomness);
        T value = T.Sample(recorder);
        _next = (label, [.. recorder.Words]);
        return value;
    }

    /// <summary>The programmed words of the challenge under <paramref name="label"/> at <paramref name="state"/>, binding a pending program to it first.</summary>
    internal ulong[]? Lookup(ReadOnlySpan<byte> state, string label)
    {
        string key = Convert.ToHexString(state);
        if (_next is { } next && next.Label == label)
        {
            _programmed[(key, label)] = next.Words;
            _next = null;
        }

        return _programmed.GetValueOrDefault((key, label));
    }

    /// <summary>Reads words from the simulator's randomness and keeps them, so that the challenge stream can replay them.</summary>
    private sealed class Recorder(IUniformWordSource source) : IUniformWordSource
    {
        public List<ulong> Words { get; } = [];

        public ulong NextUInt64()
        {
            ulong word = source.NextUInt64();
            Words.Add(word);
            return word;
        }
    }
}
