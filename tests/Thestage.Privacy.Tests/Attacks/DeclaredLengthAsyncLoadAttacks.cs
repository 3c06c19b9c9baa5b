using System.Buffers.Binary;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;
using Thestage.Privacy.Tests.Serialization;

namespace Thestage.Privacy.Tests.Attacks;

/// <summary>
/// An asynchronous load reads the whole payload before parsing it, so the declared length is the attacker's lever: a
/// 48-byte header declaring the largest payload the parameters allow, followed by a few bytes, must neither make the
/// loader allocate that length up front nor be accepted.
/// </summary>
public sealed class DeclaredLengthAsyncLoadAttacks(SerializationFixture f) : IClassFixture<SerializationFixture>
{
    private const int Header = 48;

    [Fact]
    public async Task MemoryExhaustedByDeclaredLength_AsyncGaloisKeysLoad_Fails()
    {
        // Galois keys are the kind whose declared length may be largest (every element of the group); an asynchronous
        // load caps it at an array and then grows its buffer only as bytes arrive.
        byte[] data = CkksSerializer.Save(f.GaloisKeys, new CkksSerializationOptions { UseSeeds = false })[..(Header + 4096)];
        long claimed = Array.MaxLength - Header;
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(32), claimed);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(40), claimed);

        // A memory stream completes every read synchronously, so the whole load runs on this thread and its allocations
        // are this thread's.
        long before = GC.GetAllocatedBytesForCurrentThread();
        Task<GaloisKeys> load = CkksSerializer.LoadGaloisKeysAsync(f.Context, new MemoryStream(data));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var ex = await Assert.ThrowsAsync<CkksFormatException>(() => load);
        Assert.Contains("Truncated input", ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1 << 20, $"{allocated:N0} bytes allocated for {data.Length:N0} bytes of input");
    }

    [Fact]
    public async Task MemoryExhaustedByDeclaredLength_AsyncLoadBeyondTheParameters_IsRefusedFromTheHeader()
    {
        byte[] data = CkksSerializer.Save(f.Encryptor.Encrypt(f.Encoder.Encode(f.Values(1), SerializationFixture.Scale)));
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(32), long.MaxValue / 2);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(40), long.MaxValue / 2);
        var ex = await Assert.ThrowsAsync<CkksFormatException>(() => CkksSerializer.LoadCiphertextAsync(f.Context, new MemoryStream(data)));
        Assert.Contains("the largest these parameters allow", ex.Message, StringComparison.Ordinal);
    }
}
