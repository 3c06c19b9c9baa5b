using Grpc.Core;
using Thestage.Inference.Runtime;
using Thestage.Server.Sessions;

namespace Thestage.Server.Tests.Sessions;

/// <summary>The key memory: loaded sizes, LRU eviction, idle eviction, uploads' leases.</summary>
public sealed class KeyCacheTests
{
    private static readonly Lazy<(EncryptedModel Model, long Bytes)> Loaded = new(() => LocalSessions.Load(ServedModel.RowMajor.Prepared, Attacks.RawCalls.Valid.Keys));

    [Fact]
    public void Full_EvictsTheLeastRecentlyUsed()
    {
        var cache = new KeyCache(capacity: 300, TimeSpan.FromHours(1), new ManualTime());
        EncryptedModel model = Loaded.Value.Model;
        cache.Add("a", "1", model, 100);
        cache.Add("a", "2", model, 100);
        cache.Add("a", "3", model, 100);
        Assert.NotNull(cache.Get("a", "1"));   // 2 is now the least recently used

        cache.Add("b", "4", model, 100);

        Assert.Null(cache.Get("a", "2"));
        Assert.NotNull(cache.Get("a", "1"));
        Assert.NotNull(cache.Get("a", "3"));
        Assert.NotNull(cache.Get("b", "4"));
        Assert.Equal(300, cache.CachedBytes);
        Assert.Equal(1, cache.Evictions);
    }

    [Fact]
    public void KeysLargerThanTheCache_AreRefused_AndNothingIsEvicted()
    {
        var cache = new KeyCache(capacity: 300, TimeSpan.FromHours(1), new ManualTime());
        cache.Add("a", "1", Loaded.Value.Model, 100);

        ServingException refused = Assert.Throws<ServingException>(() => cache.Add("a", "2", Loaded.Value.Model, 301));

        Assert.Equal(StatusCode.ResourceExhausted, refused.Status);
        Assert.NotNull(cache.Get("a", "1"));
    }

    [Fact]
    public void Idle_KeysAreEvicted()
    {
        var time = new ManualTime();
        var cache = new KeyCache(capacity: 1000, TimeSpan.FromMinutes(10), time);
        cache.Add("a", "1", Loaded.Value.Model, 100);
        cache.Add("a", "2", Loaded.Value.Model, 100);
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.NotNull(cache.Get("a", "2"));
        time.Advance(TimeSpan.FromMinutes(6));

        cache.Sweep();

        Assert.Null(cache.Get("a", "1"));
        Assert.NotNull(cache.Get("a", "2"));
        Assert.Equal(100, cache.CachedBytes);
    }

    [Fact]
    public void Uploads_HoldWhatTheyReceived_EvictKeysForIt_AndAreRefusedWhenOnlyUploadsHoldTheMemory()
    {
        var cache = new KeyCache(capacity: 300, TimeSpan.FromHours(1), new ManualTime());
        cache.Add("a", "1", Loaded.Value.Model, 100);
        using KeyCache.Lease first = cache.Reserve();
        Assert.Equal(0, cache.ReservedBytes);   // a lease holds nothing until bytes arrive

        first.Grow(250);                        // evicts the loaded keys
        Assert.Null(cache.Get("a", "1"));
        using KeyCache.Lease second = cache.Reserve();
        ServingException refused = Assert.Throws<ServingException>(() => second.Grow(51));

        Assert.Equal(StatusCode.ResourceExhausted, refused.Status);
        first.Dispose();
        first.Dispose();                        // released once
        Assert.Equal(0, cache.ReservedBytes);
        second.Grow(300);
        Assert.Equal(300, cache.ReservedBytes);
    }
}
