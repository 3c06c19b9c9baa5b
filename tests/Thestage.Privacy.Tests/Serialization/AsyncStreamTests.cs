using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;
using Thestage.Privacy.Tensors;

namespace Thestage.Privacy.Tests.Serialization;

/// <summary>
/// The asynchronous stream members: the same bytes as the synchronous ones, the same validation, over streams that
/// deliver one byte per read, and cancellation.
/// </summary>
public sealed class AsyncStreamTests(SerializationFixture f) : IClassFixture<SerializationFixture>
{
    private const int Header = 48;

    private TensorContext Tensors { get; } = new(f.Context, SerializationFixture.Scale, f.RelinKeys);

    public static TheoryData<bool, CkksCompression> Variants => RoundTripTests.Variants;

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Every_kind_saved_asynchronously_has_the_bytes_of_the_synchronous_save_and_loads_back(bool seeds, CkksCompression compression)
    {
        var options = new CkksSerializationOptions { UseSeeds = seeds, Compression = compression };
        Ciphertext c = f.SymmetricEncryptor.Encrypt(f.Encoder.Encode(f.Values(1), SerializationFixture.Scale));
        Plaintext p = f.Encoder.Encode(f.Values(2), SerializationFixture.Scale, 1);
        CkksVector v = CkksVector.Encrypt(Tensors, f.SymmetricEncryptor, TensorRoundTripTests.Values(5000, 3));
        CkksTensor t = CkksTensor.Encrypt(Tensors, f.SymmetricEncryptor, TensorRoundTripTests.Values(60, 4), [10, 2, 3], TensorPacking.Batch);

        Assert.Equal(CkksSerializer.Save(f.Context.Parameters, options), await SaveAsync(s => CkksSerializer.SaveAsync(f.Context.Parameters, s, options)));
        Assert.Equal(CkksSerializer.Save(p, options), await SaveAsync(s => CkksSerializer.SaveAsync(p, s, options)));
        Assert.Equal(CkksSerializer.Save(c, options), await SaveAsync(s => CkksSerializer.SaveAsync(c, s, options)));
        Assert.Equal(CkksSerializer.Save(f.PublicKey, options), await SaveAsync(s => CkksSerializer.SaveAsync(f.PublicKey, s, options)));
        Assert.Equal(CkksSerializer.Save(f.RelinKeys, options), await SaveAsync(s => CkksSerializer.SaveAsync(f.RelinKeys, s, options)));
        Assert.Equal(CkksSerializer.Save(f.GaloisKeys, options), await SaveAsync(s => CkksSerializer.SaveAsync(f.GaloisKeys, s, options)));
        Assert.Equal(CkksSerializer.Save(v, options), await SaveAsync(s => CkksSerializer.SaveAsync(v, s, options)));
        Assert.Equal(CkksSerializer.Save(t, options), await SaveAsync(s => CkksSerializer.SaveAsync(t, s, options)));
        Assert.Equal(CkksSerializer.SaveSecretKey(f.KeyGenerator.SecretKey), await SaveAsync(s => CkksSerializer.SaveSecretKeyAsync(f.KeyGenerator.SecretKey, s)));

        // Loaded back from streams that deliver one byte per read, each object re-saves to the same bytes.
        Assert.Equal(f.Context.Parameters.CoeffModulus, (await CkksSerializer.LoadParametersAsync(Trickle(CkksSerializer.Save(f.Context.Parameters, options)))).CoeffModulus);
        Assert.Equal(p.Data, (await CkksSerializer.LoadPlaintextAsync(f.Context, Trickle(CkksSerializer.Save(p, options)))).Data);
        Assert.Equal(CkksSerializer.Save(c, options), CkksSerializer.Save(await CkksSerializer.LoadCiphertextAsync(f.Context, Trickle(CkksSerializer.Save(c, options))), options));
        Assert.Equal(CkksSerializer.Save(f.PublicKey, options), CkksSerializer.Save(await CkksSerializer.LoadPublicKeyAsync(f.Context, Trickle(CkksSerializer.Save(f.PublicKey, options))), options));
        Assert.Equal(CkksSerializer.Save(f.RelinKeys, options), CkksSerializer.Save(await CkksSerializer.LoadRelinKeysAsync(f.Context, Trickle(CkksSerializer.Save(f.RelinKeys, options))), options));
        Assert.Equal(CkksSerializer.Save(f.GaloisKeys, options), CkksSerializer.Save(await CkksSerializer.LoadGaloisKeysAsync(f.Context, Trickle(CkksSerializer.Save(f.GaloisKeys, options))), options));
        Assert.Equal(CkksSerializer.Save(v, options), CkksSerializer.Save(await CkksSerializer.LoadVectorAsync(Tensors, Trickle(CkksSerializer.Save(v, options))), options));
        Assert.Equal(CkksSerializer.Save(t, options), CkksSerializer.Save(await CkksSerializer.LoadTensorAsync(Tensors, Trickle(CkksSerializer.Save(t, options))), options));
        using SecretKey key = await CkksSerializer.LoadSecretKeyAsync(f.Context, Trickle(CkksSerializer.SaveSecretKey(f.KeyGenerator.SecretKey)));
        Assert.Equal(CkksSerializer.SaveSecretKey(f.KeyGenerator.SecretKey), CkksSerializer.SaveSecretKey(key));
    }

    [Fact]
    public async Task Consecutive_objects_are_read_one_at_a_time_from_one_stream()
    {
        Ciphertext a = f.Encryptor.Encrypt(f.Encoder.Encode(f.Values(5), SerializationFixture.Scale));
        Ciphertext b = f.Encryptor.Encrypt(f.Encoder.Encode(f.Values(6), SerializationFixture.Scale));
        var stream = new MemoryStream();
        await CkksSerializer.SaveAsync(a, stream);
        await CkksSerializer.SaveAsync(f.GaloisKeys, stream);
        await CkksSerializer.SaveAsync(b, stream);
        stream.Position = 0;
        Stream trickle = Trickle(stream.ToArray());
        Assert.Equal(a.Data, (await CkksSerializer.LoadCiphertextAsync(f.Context, trickle)).Data);
        Assert.Equal(f.GaloisKeys.Count, (await CkksSerializer.LoadGaloisKeysAsync(f.Context, trickle)).Count);
        Assert.Equal(b.Data, (await CkksSerializer.LoadCiphertextAsync(f.Context, trickle)).Data);
        Assert.Equal(0, await trickle.ReadAsync(new byte[1]));
    }

    [Fact]
    public async Task Truncated_and_corrupted_streams_throw_the_format_exception()
    {
        byte[] data = CkksSerializer.Save(f.Encryptor.Encrypt(f.Encoder.Encode(f.Values(7), SerializationFixture.Scale)));
        foreach (int length in new[] { 0, 10, Header, Header + 1, data.Length - 1 })
        {
            await Assert.ThrowsAsync<CkksFormatException>(() => CkksSerializer.LoadCiphertextAsync(f.Context, Trickle(data[..length])));
        }

        byte[] wrongKind = (byte[])data.Clone();
        wrongKind[6] = 4;
        await Assert.ThrowsAsync<CkksFormatException>(() => CkksSerializer.LoadCiphertextAsync(f.Context, new MemoryStream(wrongKind)));
        byte[] otherParameters = CkksSerializer.Save(new CkksContext(new CkksParameters(8192, [60, 40, 60])).Parameters);
        await Assert.ThrowsAsync<CkksFormatException>(() => CkksSerializer.LoadParametersAsync(new MemoryStream(otherParameters[..^1])));
    }

    [Fact]
    public async Task Cancellation_stops_a_load_waiting_for_bytes_and_a_save_waiting_to_write()
    {
        using var cancellation = new CancellationTokenSource();
        var stalled = new AsyncOnlyStream(CkksSerializer.Save(f.Context.Parameters)[..Header], maxPerRead: Header, stallAtEnd: true);
        Task<CkksParameters> load = CkksSerializer.LoadParametersAsync(stalled, cancellationToken: cancellation.Token);
        await stalled.Waiting.Task;
        Assert.False(load.IsCompleted);
        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => load);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CkksSerializer.SaveAsync(f.GaloisKeys, new AsyncOnlyStream([], maxPerRead: 1, stallAtEnd: true), cancellationToken: new CancellationToken(true)));
    }

    private static async Task<byte[]> SaveAsync(Func<Stream, Task> save)
    {
        var stream = new MemoryStream();
        await save(stream);
        return stream.ToArray();
    }

    private static Stream Trickle(byte[] data) => new AsyncOnlyStream(data, maxPerRead: 1, stallAtEnd: false);

    /// <summary>
    /// A stream that serves its bytes only to asynchronous reads, at most <paramref name="maxPerRead"/> per read after a
    /// yield; at the end it returns 0, or with <paramref name="stallAtEnd"/> waits (as its writes always do) until the
    /// caller cancels.
    /// </summary>
    private sealed class AsyncOnlyStream(byte[] data, int maxPerRead, bool stallAtEnd) : Stream
    {
        private int _position;

        public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            if (_position < data.Length)
            {
                int count = Math.Min(Math.Min(buffer.Length, maxPerRead), data.Length - _position);
                data.AsMemory(_position, count).CopyTo(buffer);
                _position += count;
                return count;
            }

            if (stallAtEnd)
            {
                Waiting.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return 0;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Waiting.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Only asynchronous reads are expected.");

        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Only asynchronous writes are expected.");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
