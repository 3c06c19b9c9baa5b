using Thestage.Proofs;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Training;

namespace Thestage.Server.Cluster;

/// <summary>
/// What a silo holds for distributed proving: the transcripts of the runs it proves pieces of (the few most recent, by
/// digest: each fetched once per silo from the run's gatherer) and the gate that bounds its concurrent proofs (each is
/// CPU-bound and holds its witness: a 784-64-10 step proof about 200 MB while it runs). Proofs waiting for the gate queue
/// here; the gatherer bounds how many it sends at once.
/// </summary>
internal sealed class SiloProver(int concurrency) : IDisposable
{
    private const int Transcripts = 4;

    private readonly SemaphoreSlim _slots = new(concurrency, concurrency);
    private readonly LinkedList<(Digest256 Digest, Task<TrainingTranscript> Transcript)> _transcripts = [];

    public int Concurrency => concurrency;

    /// <summary>Proves a piece (TSPW) against its run's transcript; <paramref name="fetch"/> gives the transcript's bytes when this silo lacks them.</summary>
    /// <exception cref="ProofFormatException">The piece, or the fetched transcript, is malformed or of another run.</exception>
    public async Task<byte[]> ProveAsync(byte[] piece, Func<Task<byte[]>> fetch, CancellationToken cancellationToken)
    {
        TrainingTranscript training = await TranscriptAsync(TrainingProofPiece.TranscriptOf(piece), fetch).ConfigureAwait(false);
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => TrainingProofPiece.Deserialize(piece, training).Prove(training), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();

    private Task<TrainingTranscript> TranscriptAsync(Digest256 digest, Func<Task<byte[]>> fetch)
    {
        lock (_transcripts)
        {
            for (LinkedListNode<(Digest256 Digest, Task<TrainingTranscript> Transcript)>? node = _transcripts.First; node is not null; node = node.Next)
            {
                if (node.Value.Digest == digest && !node.Value.Transcript.IsFaulted)
                {
                    _transcripts.Remove(node);
                    _transcripts.AddFirst(node);
                    return node.Value.Transcript;
                }
            }

            Task<TrainingTranscript> fetched = FetchAsync(digest, fetch);
            _transcripts.AddFirst((digest, fetched));
            while (_transcripts.Count > Transcripts)
            {
                _transcripts.RemoveLast();
            }

            return fetched;
        }
    }

    private static async Task<TrainingTranscript> FetchAsync(Digest256 digest, Func<Task<byte[]>> fetch)
    {
        TrainingTranscript training = TrainingTranscriptSerializer.Deserialize(await fetch().ConfigureAwait(false));
        return training.Digest == digest ? training : throw new ProofFormatException("The gatherer sent the transcript of another run than its pieces'.");
    }
}
