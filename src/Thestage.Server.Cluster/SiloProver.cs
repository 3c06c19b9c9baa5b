using System.Security.Cryptography;
using Thestage.Proofs;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Training;

namespace Thestage.Server.Cluster;

/// <summary>
/// What a silo holds for distributed proving: the public statements of the runs and batches it proves pieces of (the few
/// most recent, by digest: each fetched once per silo from its gatherer and checked against the digest the pieces name), the
/// models committed again for inference pieces (the few most recent, by the pieces' secret bytes, so that the pieces of one
/// batch commit once per silo), and the gate that bounds its concurrent proofs (each is CPU-bound and holds its witness: a
/// 784-64-10 step proof about 200 MB while it runs). Pieces beyond its <see cref="ProvingLimits"/> are refused before they
/// are read. Proofs waiting for the gate queue here; the gatherer bounds how many it sends at once.
/// </summary>
internal sealed class SiloProver(ProvingLimits limits) : IDisposable
{
    private const int Statements = 4;

    private const int Models = 2;

    private readonly SemaphoreSlim _slots = new(limits.Concurrency ?? Environment.ProcessorCount, limits.Concurrency ?? Environment.ProcessorCount);
    private readonly Recent<Digest256, TrainingTranscript> _transcripts = new(Statements);
    private readonly Recent<Digest256, ModelCommitment> _commitments = new(Statements);
    private readonly Recent<(Digest256 Fingerprint, byte[] Secret), CommittedModel> _models = new(Models);

    /// <summary>
    /// Proves a piece — of a training run (TSPW) against its transcript, or of an inference batch (TSIW) against its model
    /// commitment —; <paramref name="fetch"/> gives the statement's bytes when this silo lacks them.
    /// </summary>
    /// <returns>The proof: TSSP or TSSR bytes for a training piece, TSPB for an inference piece.</returns>
    /// <exception cref="ProofFormatException">The piece, or the fetched statement, is malformed, of another statement, or beyond the limits.</exception>
    public async Task<byte[]> ProveAsync(byte[] piece, Func<Task<byte[]>> fetch, CancellationToken cancellationToken)
    {
        if (InferenceProofPiece.IsPiece(piece))
        {
            Digest256 fingerprint = InferenceProofPiece.CommitmentOf(piece);
            ModelCommitment commitment = await _commitments.GetOrAdd(fingerprint, key => key == fingerprint, () => FetchCommitmentAsync(fingerprint, fetch)).ConfigureAwait(false);
            InferenceProofPiece inference = InferenceProofPiece.Deserialize(piece, commitment, limits.MaxSamplesPerPiece, limits.MaxParameters);
            try
            {
                return await GatedAsync(async () =>
                {
                    byte[] secret = inference.Secret.ToArray();
                    CommittedModel committed = await _models.GetOrAdd(
                        (fingerprint, secret),
                        key => key.Fingerprint == fingerprint && CryptographicOperations.FixedTimeEquals(key.Secret, secret),
                        () => Task.Run(() => inference.Commit(commitment))).ConfigureAwait(false);
                    return inference.Prove(committed);
                }, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                inference.Clear();
            }
        }

        Digest256 digest = TrainingProofPiece.TranscriptOf(piece);
        TrainingTranscript training = await _transcripts.GetOrAdd(digest, key => key == digest, () => FetchTranscriptAsync(digest, fetch)).ConfigureAwait(false);
        return await GatedAsync(() => Task.FromResult(TrainingProofPiece.Deserialize(piece, training).Prove(training)), cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _slots.Dispose();

    private async Task<byte[]> GatedAsync(Func<Task<byte[]>> prove, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(prove, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<TrainingTranscript> FetchTranscriptAsync(Digest256 digest, Func<Task<byte[]>> fetch)
    {
        TrainingTranscript training = TrainingTranscriptSerializer.Deserialize(await fetch().ConfigureAwait(false));
        if (training.Digest != digest)
        {
            throw new ProofFormatException("The gatherer sent the transcript of another run than its pieces'.");
        }

        TrainingConfig config = training.Config;
        if (config.BatchSize > limits.MaxSamplesPerPiece || config.ParameterCount > limits.MaxParameters)
        {
            throw new ProofFormatException(
                $"The run's steps have {config.BatchSize} samples of a model of {config.ParameterCount:N0} parameters; this silo proves at most {limits.MaxSamplesPerPiece} samples of {limits.MaxParameters:N0} parameters.");
        }

        return training;
    }

    private static async Task<ModelCommitment> FetchCommitmentAsync(Digest256 fingerprint, Func<Task<byte[]>> fetch)
    {
        ModelCommitment commitment = ModelCommitmentSerializer.Deserialize(await fetch().ConfigureAwait(false));
        return commitment.Fingerprint == fingerprint ? commitment : throw new ProofFormatException("The gatherer sent another model commitment than its pieces'.");
    }

    /// <summary>The few most recently used values by key (found by a predicate), each made once (a failed one is made again when next asked for).</summary>
    private sealed class Recent<TKey, TValue>(int capacity)
    {
        private readonly LinkedList<(TKey Key, Task<TValue> Value)> _items = [];

        public Task<TValue> GetOrAdd(TKey key, Func<TKey, bool> matches, Func<Task<TValue>> make)
        {
            lock (_items)
            {
                for (LinkedListNode<(TKey Key, Task<TValue> Value)>? node = _items.First; node is not null; node = node.Next)
                {
                    if (matches(node.Value.Key))
                    {
                        if (node.Value.Value.IsFaulted || node.Value.Value.IsCanceled)
                        {
                            _items.Remove(node);
                            break;
                        }

                        _items.Remove(node);
                        _items.AddFirst(node);
                        return node.Value.Value;
                    }
                }

                Task<TValue> made = make();
                _items.AddFirst((key, made));
                while (_items.Count > capacity)
                {
                    _items.RemoveLast();
                }

                return made;
            }
        }
    }
}
