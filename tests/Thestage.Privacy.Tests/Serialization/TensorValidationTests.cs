using System.Buffers.Binary;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Serialization;
using Thestage.Privacy.Tensors;

namespace Thestage.Privacy.Tests.Serialization;

/// <summary>
/// Each check of the vector and tensor loaders, triggered on its own, with the message it must give. Offsets: the
/// payload starts at 48; a vector has its length at 48, its ciphertext count at 52 and its first ciphertext at 56; the
/// rank-3 tensor used here has its rank at 48, dimensions at 52, 56, 60, packing at 64, count at 68, first ciphertext at 72.
/// </summary>
public sealed class TensorValidationTests(SerializationFixture f) : IClassFixture<SerializationFixture>
{
    private TensorContext Tensors { get; } = new(f.Context, SerializationFixture.Scale);

    /// <summary>A seeded 5000-value vector: two ciphertexts.</summary>
    private byte[] VectorBytes(bool seeds = true) =>
        CkksSerializer.Save(CkksVector.Encrypt(Tensors, f.SymmetricEncryptor, TensorRoundTripTests.Values(5000, 1)), new CkksSerializationOptions { UseSeeds = seeds });

    /// <summary>A seeded batch tensor of shape [10, 2, 3]: six ciphertexts.</summary>
    private byte[] TensorBytes => CkksSerializer.Save(CkksTensor.Encrypt(Tensors, f.SymmetricEncryptor, TensorRoundTripTests.Values(60, 2), [10, 2, 3], TensorPacking.Batch));

    [Theory]
    [InlineData(48, 0u, "vector length 0 is outside [1, 268435456]")]
    [InlineData(48, uint.MaxValue, "vector length 4294967295 is outside")]
    [InlineData(48, 4096u, "declares 2 ciphertexts; a vector of 4096 values is held in exactly 1")]
    [InlineData(52, 3u, "declares 3 ciphertexts; a vector of 5000 values is held in exactly 2")]
    [InlineData(52, 0u, "declares 0 ciphertexts")]
    [InlineData(60, 7u, "Level 7")]
    [InlineData(56, 3u, "seeded ciphertext has size 2")]
    public void Vector_fields_are_checked(int offset, uint value, string message)
    {
        byte[] data = VectorBytes();
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(offset), value);
        Assert.Contains(message, Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadVector(Tensors, data)).Message, StringComparison.Ordinal);
        Assert.Contains(message, Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadVector(Tensors, new MemoryStream(data))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(48, 0u, "rank 0 is outside [1, 8]")]
    [InlineData(48, 9u, "rank 9 is outside [1, 8]")]
    [InlineData(52, 0u, "Dimension 0 of the tensor is 0")]
    [InlineData(60, 0u, "Dimension 2 of the tensor is 0")]
    [InlineData(56, uint.MaxValue, "more than 268435456 elements")]
    [InlineData(52, 4097u, "A batch of 4097 samples exceeds the 4096 slots")]
    [InlineData(64, 2u, "Unknown tensor packing 2")]
    [InlineData(64, 0u, "declares 6 ciphertexts; a RowMajor tensor of shape [10, 2, 3] is held in exactly 1")]
    [InlineData(68, 7u, "declares 7 ciphertexts; a Batch tensor of shape [10, 2, 3] is held in exactly 6")]
    [InlineData(76, 3u, "Level 3")]
    public void Tensor_fields_are_checked(int offset, uint value, string message)
    {
        byte[] data = TensorBytes;
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(offset), value);
        Assert.Contains(message, Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadTensor(Tensors, data)).Message, StringComparison.Ordinal);
        Assert.Contains(message, Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadTensor(Tensors, new MemoryStream(data))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Batches_of_more_than_the_maximum_ciphertext_count_are_refused()
    {
        byte[] data = TensorBytes;
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(52), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(56), 65536);
        var ex = Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadTensor(Tensors, data));
        Assert.Contains("needs 196608 ciphertexts, more than the format's 65536", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kinds_and_parameters_are_checked()
    {
        byte[] vector = VectorBytes(), tensor = TensorBytes;
        Assert.Contains("Expected a serialized Tensor but found Vector", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadTensor(Tensors, vector)).Message, StringComparison.Ordinal);
        Assert.Contains("Expected a serialized Vector but found Tensor", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadVector(Tensors, tensor)).Message, StringComparison.Ordinal);
        Assert.Contains("Expected a serialized Ciphertext but found Vector", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadCiphertext(f.Context, vector)).Message, StringComparison.Ordinal);
        byte[] ciphertext = CkksSerializer.Save(f.SymmetricEncryptor.Encrypt(f.Encoder.Encode(1.0, SerializationFixture.Scale)));
        Assert.Contains("found Ciphertext", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadVector(Tensors, ciphertext)).Message, StringComparison.Ordinal);

        var other = new TensorContext(new CkksContext(new CkksParameters(8192, [60, 40, 60])), SerializationFixture.Scale);
        Assert.Contains("fingerprint", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadVector(other, vector)).Message, StringComparison.Ordinal);
        Assert.Contains("fingerprint", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadTensor(other, tensor)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => CkksSerializer.LoadVector(null!, vector));
    }

    [Fact]
    public void Truncated_padded_and_wrongly_seeded_inputs_are_refused()
    {
        foreach (byte[] data in new[] { VectorBytes(), VectorBytes(seeds: false), TensorBytes })
        {
            bool vector = data[6] == 8;
            object Load(Stream s) => vector ? CkksSerializer.LoadVector(Tensors, s) : CkksSerializer.LoadTensor(Tensors, s);
            foreach (int length in new[] { 0, 47, 48, 51, 55, 60, 80, data.Length / 2, data.Length - 1 })
            {
                Assert.Throws<CkksFormatException>(() => Load(new MemoryStream(data, 0, length)));
                Assert.Throws<CkksFormatException>(() => vector ? CkksSerializer.LoadVector(Tensors, data.AsSpan(0, length)) : CkksSerializer.LoadTensor(Tensors, data.AsSpan(0, length)));
            }

            byte[] padded = [.. data, 0];
            Assert.Contains("trailing", Assert.Throws<CkksFormatException>(() => vector ? CkksSerializer.LoadVector(Tensors, padded) : CkksSerializer.LoadTensor(Tensors, padded)).Message, StringComparison.Ordinal);
            byte[] flipped = (byte[])data.Clone();
            flipped[8] ^= 1;
            Assert.Throws<CkksFormatException>(() => Load(new MemoryStream(flipped)));
            Assert.Throws<CkksFormatException>(() => vector ? CkksSerializer.LoadVector(Tensors, flipped) : CkksSerializer.LoadTensor(Tensors, flipped));
        }
    }

    [Fact]
    public void Ciphertexts_of_another_scale_are_refused()
    {
        byte[] data = VectorBytes();
        int second = 56 + (data.Length - 56) / 2;
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(second + 8), SerializationFixture.Scale * 2);
        Assert.Contains("Ciphertext 1 is at level 2 and scale", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadVector(Tensors, data)).Message, StringComparison.Ordinal);
        Assert.Contains("Ciphertext 1 is at level 2 and scale", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadVector(Tensors, new MemoryStream(data))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Vectors_beyond_array_size_are_read_from_streams_ciphertext_by_ciphertext_with_bounded_memory()
    {
        // A header claiming 20000 ciphertexts (about 5.7 GB), followed by the 2 real ones: the stream loader accepts
        // the length (it reads one ciphertext at a time), parses the 2, and stops at the missing third.
        byte[] data = VectorBytes(seeds: false);
        long ciphertextSize = (data.Length - 56) / 2;
        long claimed = 8 + (20000 * ciphertextSize);
        Assert.True(claimed > Array.MaxLength);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(32), claimed);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(40), claimed);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(48), 20000 * 4096);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(52), 20000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadVector(Tensors, new MemoryStream(data)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("Truncated input: ciphertext 2", ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < 8 * data.Length, $"{allocated:N0} bytes allocated for {data.Length:N0} bytes of input");
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadVector(Tensors, data));
    }

    [Theory]
    [InlineData(1L << 34)]
    [InlineData(1L << 60)]
    public void Hostile_lengths_are_refused_before_anything_large_is_allocated(long length)
    {
        byte[] data = VectorBytes();
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(32), length);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(40), length);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadVector(Tensors, new MemoryStream(data)));
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadVector(Tensors, data));
        data[7] = (byte)CkksCompression.Brotli;
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(32), 100);
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadVector(Tensors, new MemoryStream(data)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated");
    }
}
