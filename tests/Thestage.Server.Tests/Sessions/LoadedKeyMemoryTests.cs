using Thestage.Inference.Runtime;
using Thestage.Server.Sessions;
using Thestage.TestKit.Fuzzing;

namespace Thestage.Server.Tests.Sessions;

/// <summary>
/// The memory the key cache charges for loaded keys is what they hold: measured as the managed heap the loaded bundle
/// keeps alive (run alone, in the collection that measures process-wide memory).
/// </summary>
[Collection(FuzzCampaign.CollectionName)]
public sealed class LoadedKeyMemoryTests
{
    [Fact]
    public void LoadedBytes_AreTheHeapTheLoadedKeysRetain_WithinTenPercent()
    {
        byte[] bundle = Attacks.RawCalls.Valid.Keys;
        PreparedModel prepared = ServedModel.RowMajor.Prepared;
        prepared.LoadEvaluationKeys(bundle);   // JIT and lazy tables of the context first
        long before = GC.GetTotalMemory(forceFullCollection: true);

        EvaluationKeys keys = prepared.LoadEvaluationKeys(bundle);
        long retained = GC.GetTotalMemory(forceFullCollection: true) - before;

        long charged = KeyCache.LoadedBytes(keys);
        Assert.InRange(charged, retained * 0.9, retained * 1.1);
        Assert.True(charged > 2 * bundle.Length, $"loaded {charged} bytes from a {bundle.Length}-byte bundle");
        GC.KeepAlive(keys);
    }
}
