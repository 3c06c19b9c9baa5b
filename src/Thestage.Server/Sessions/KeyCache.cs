using Grpc.Core;
using Thestage.Inference.Runtime;

namespace Thestage.Server.Sessions;

/// <summary>
/// The evaluation keys a server (or a silo) holds, loaded and ready — one <see cref="EncryptedModel"/> per client and
/// bundle hash — within a memory cap shared with the uploads in progress. Entries are evicted least recently used first
/// when room is needed, and when unused for the idle timeout. Thread-safe.
/// </summary>
/// <remarks>
/// Keys are cached per client: a bundle's hash names it only among the keys its own client uploaded, so no client can
/// use, or learn of, another's keys by their hash. Sizes are the loaded sizes (<see cref="LoadedBytes"/>), not the
/// bundle's bytes: a seeded, bit-packed bundle expands about 2.5 times when loaded.
/// </remarks>
internal sealed class KeyCache
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Client, string Hash), LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = [];   // most recently used first
    private readonly TimeProvider _time;
    private long _reserved;

    public KeyCache(long capacity, TimeSpan idleTimeout, TimeProvider time)
    {
        Capacity = capacity;
        IdleTimeout = idleTimeout;
        _time = time;
    }

    public long Capacity { get; }

    public TimeSpan IdleTimeout { get; }

    /// <summary>Bytes held by loaded keys.</summary>
    public long CachedBytes { get; private set; }

    /// <summary>Bytes reserved by uploads in progress.</summary>
    public long ReservedBytes
    {
        get
        {
            lock (_gate)
            {
                return _reserved;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public long Evictions { get; private set; }

    /// <summary>The memory of loaded evaluation keys: every key-switching key has one (b, a) pair of polynomials per data
    /// prime over all primes, the public key one pair.</summary>
    public static long LoadedBytes(EvaluationKeys keys)
    {
        int primes = keys.Context.Parameters.CoeffModulus.Count;
        long polynomial = (long)primes * keys.Context.PolyModulusDegree * sizeof(ulong);
        long switchingKeys = keys.GaloisKeys.Count + 1;
        return (switchingKeys * (primes - 1) * 2 + 2) * polynomial;
    }

    public bool Contains(string client, string hash)
    {
        lock (_gate)
        {
            Sweep();
            return _entries.ContainsKey((client, hash));
        }
    }

    /// <summary>The loaded keys, marked as used now; null when not held.</summary>
    public EncryptedModel? Get(string client, string hash)
    {
        lock (_gate)
        {
            Sweep();
            if (!_entries.TryGetValue((client, hash), out LinkedListNode<Entry>? node))
            {
                return null;
            }

            node.Value.LastUsed = _time.GetUtcNow();
            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Model;
        }
    }

    /// <summary>Adds loaded keys, evicting others as needed; refuses keys larger than the cache can ever hold.</summary>
    public void Add(string client, string hash, EncryptedModel model, long bytes)
    {
        lock (_gate)
        {
            Sweep();
            if (_entries.ContainsKey((client, hash)))
            {
                return;
            }

            MakeRoom(bytes, "the loaded evaluation keys");
            var node = _recency.AddFirst(new Entry(client, hash, model, bytes) { LastUsed = _time.GetUtcNow() });
            _entries.Add((client, hash), node);
            CachedBytes += bytes;
        }
    }

    public void Remove(string client, string hash)
    {
        lock (_gate)
        {
            if (_entries.Remove((client, hash), out LinkedListNode<Entry>? node))
            {
                _recency.Remove(node);
                CachedBytes -= node.Value.Bytes;
            }
        }
    }

    /// <summary>A lease of memory for an upload, empty at first; it grows with the bytes received (<see cref="Lease.Grow"/>)
    /// and releases them when disposed.</summary>
    public Lease Reserve() => new(this);

    /// <summary>Evicts keys unused for the idle timeout.</summary>
    public void Sweep()
    {
        lock (_gate)
        {
            DateTimeOffset oldest = _time.GetUtcNow() - IdleTimeout;
            while (_recency.Last is { } last && last.Value.LastUsed < oldest)
            {
                Evict(last);
            }
        }
    }

    private void MakeRoom(long bytes, string what)
    {
        if (bytes > Capacity)
        {
            throw new ServingException(StatusCode.ResourceExhausted, $"{what} would take {bytes:N0} bytes; the server's key memory holds {Capacity:N0}.");
        }

        while (CachedBytes + _reserved + bytes > Capacity && _recency.Last is { } last)
        {
            Evict(last);
        }

        if (CachedBytes + _reserved + bytes > Capacity)
        {
            throw new ServingException(StatusCode.ResourceExhausted, $"The server's key memory is held by uploads in progress; {what} ({bytes:N0} bytes) cannot start now: retry later.");
        }
    }

    private void Evict(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove((node.Value.Client, node.Value.Hash));
        CachedBytes -= node.Value.Bytes;
        Evictions++;
    }

    private void Take(long bytes)
    {
        lock (_gate)
        {
            Sweep();
            MakeRoom(bytes, "the evaluation keys being uploaded");
            _reserved += bytes;
        }
    }

    private void Release(long bytes)
    {
        lock (_gate)
        {
            _reserved -= bytes;
        }
    }

    /// <summary>
    /// Memory held by an upload: it grows as bytes arrive, so that an upload holds memory only for what it sent (a header
    /// that announces a gigabyte reserves nothing); disposing releases it all, once.
    /// </summary>
    public sealed class Lease(KeyCache cache) : IDisposable
    {
        private long _bytes;
        private bool _released;

        public long Bytes => _bytes;

        /// <summary>Takes <paramref name="bytes"/> more, evicting loaded keys as needed.</summary>
        /// <exception cref="ServingException">RESOURCE_EXHAUSTED: uploads in progress hold the memory that eviction cannot free.</exception>
        public void Grow(long bytes)
        {
            ObjectDisposedException.ThrowIf(_released, this);
            cache.Take(bytes);
            _bytes += bytes;
        }

        public void Dispose()
        {
            if (!_released)
            {
                _released = true;
                cache.Release(_bytes);
            }
        }
    }

    private sealed record Entry(string Client, string Hash, EncryptedModel Model, long Bytes)
    {
        public DateTimeOffset LastUsed { get; set; }
    }
}
