using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;
using Thestage.Privacy.Tensors;

namespace Thestage.Privacy.Tests.Serialization;

/// <summary>Encrypted vectors and tensors saved and loaded, seeded or not, compressed or not, through arrays, spans and streams.</summary>
public sealed class TensorRoundTripTests(SerializationFixture f) : IClassFixture<SerializationFixture>
{
    private const double Tolerance = 1e-6;

    private TensorContext Tensors { get; } = new(f.Context, SerializationFixture.Scale, f.RelinKeys);

    public static TheoryData<bool, CkksCompression> Variants => RoundTripTests.Variants;

    public static double[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Vectors_spanning_several_ciphertexts_round_trip_and_decrypt(bool seeds, CkksCompression compression)
    {
        var options = new CkksSerializationOptions { UseSeeds = seeds, Compression = compression };
        double[] x = Values(5000, 1);
        CkksVector v = CkksVector.Encrypt(Tensors, f.SymmetricEncryptor, x);
        byte[] data = CkksSerializer.Save(v, options);
        Assert.Equal(data.Length, CkksSerializer.GetSerializedSize(v, options));
        Assert.Equal(8, data[6]);
        CkksVector loaded = CkksSerializer.LoadVector(Tensors, data);
        Assert.Equal(5000, loaded.Length);
        Assert.Equal(2, loaded.CiphertextCount);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(v.Ciphertexts[i].Data, loaded.Ciphertexts[i].Data);
            Assert.Equal(seeds, loaded.Ciphertexts[i].Seed is not null);
        }

        Assert.True(SerializationFixture.MaxError(x, loaded.Decrypt(f.Decryptor)) < Tolerance);
        Assert.Equal(data, CkksSerializer.Save(loaded, options));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Tensors_of_both_packings_round_trip_and_decrypt(bool seeds, CkksCompression compression)
    {
        var options = new CkksSerializationOptions { UseSeeds = seeds, Compression = compression };
        foreach ((int[] shape, TensorPacking packing) in new[] { (new[] { 3, 4, 5 }, TensorPacking.RowMajor), (new[] { 10, 2, 3 }, TensorPacking.Batch), (new[] { 7 }, TensorPacking.Batch) })
        {
            double[] x = Values(shape.Aggregate(1, (a, b) => a * b), shape.Length);
            CkksTensor t = CkksTensor.Encrypt(Tensors, f.SymmetricEncryptor, x, shape, packing);
            byte[] data = CkksSerializer.Save(t, options);
            Assert.Equal(data.Length, CkksSerializer.GetSerializedSize(t, options));
            Assert.Equal(9, data[6]);
            CkksTensor loaded = CkksSerializer.LoadTensor(Tensors, data);
            Assert.Equal(shape, loaded.Shape);
            Assert.Equal(packing, loaded.Packing);
            Assert.Equal(t.CiphertextCount, loaded.CiphertextCount);
            Assert.All(loaded.Ciphertexts, c => Assert.Equal(seeds, c.Seed is not null));
            Assert.True(SerializationFixture.MaxError(x, loaded.DecryptFlat(f.Decryptor)) < Tolerance);
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Batches_encrypted_as_they_are_saved_load_as_saved_tensors_and_decrypt(bool seeds, CkksCompression compression)
    {
        var options = new CkksSerializationOptions { UseSeeds = seeds, Compression = compression };
        foreach (int[] shape in new[] { new[] { 10, 2, 3 }, new[] { 7 }, new[] { 4096, 3 } })
        {
            double[] x = Values(shape.Aggregate(1, (a, b) => a * b), shape[0]);
            byte[] streamed = CkksSerializer.SaveEncryptedBatch(Tensors, f.SymmetricEncryptor, x, shape, options);
            byte[] saved = CkksSerializer.Save(CkksTensor.Encrypt(Tensors, f.SymmetricEncryptor, x, shape, TensorPacking.Batch), options);
            if (compression == CkksCompression.None)
            {
                // Same header and layout; the ciphertexts differ only by their randomness.
                Assert.Equal(saved.Length, streamed.Length);
                int prefix = 48 + 4 + (4 * shape.Length) + 4 + 4;
                Assert.Equal(saved.AsSpan(0, prefix).ToArray(), streamed.AsSpan(0, prefix).ToArray());
            }

            CkksTensor loaded = CkksSerializer.LoadTensor(Tensors, streamed);
            Assert.Equal(shape, loaded.Shape);
            Assert.Equal(TensorPacking.Batch, loaded.Packing);
            Assert.Equal(shape.Skip(1).Aggregate(1, (a, b) => a * b), loaded.CiphertextCount);
            Assert.All(loaded.Ciphertexts, c => Assert.Equal(seeds, c.Seed is not null));
            Assert.All(loaded.Ciphertexts, c => Assert.Equal(Tensors.Context.MaxLevel, c.Level));
            Assert.True(SerializationFixture.MaxError(x, loaded.DecryptFlat(f.Decryptor)) < Tolerance);
        }
    }

    [Fact]
    public void Batches_encrypted_as_they_are_saved_under_a_public_key_are_stored_in_full()
    {
        double[] x = Values(12, 3);
        byte[] data = CkksSerializer.SaveEncryptedBatch(Tensors, f.Encryptor, x, [4, 3]);
        CkksTensor loaded = CkksSerializer.LoadTensor(Tensors, data);
        Assert.All(loaded.Ciphertexts, c => Assert.Null(c.Seed));
        Assert.Equal(CkksSerializer.GetSerializedSize(loaded, new CkksSerializationOptions { UseSeeds = false }), data.Length);
        Assert.True(SerializationFixture.MaxError(x, loaded.DecryptFlat(f.Decryptor)) < Tolerance);
    }

    [Fact]
    public void Batches_encrypted_as_they_are_saved_refuse_what_Encrypt_refuses()
    {
        Assert.ThrowsAny<ArgumentException>(() => CkksSerializer.SaveEncryptedBatch(Tensors, f.SymmetricEncryptor, new double[4097], [4097]));
        Assert.ThrowsAny<ArgumentException>(() => CkksSerializer.SaveEncryptedBatch(Tensors, f.SymmetricEncryptor, new double[11], [4, 3]));
        Assert.ThrowsAny<ArgumentException>(() => CkksSerializer.SaveEncryptedBatch(Tensors, f.SymmetricEncryptor, new double[12], [4, 0, 3]));
        Assert.Throws<ArgumentNullException>(() => CkksSerializer.SaveEncryptedBatch(Tensors, null!, new double[12], [4, 3]));
    }

    [Fact]
    public void Batch_products_read_a_block_at_a_time_equal_the_product_of_the_loaded_tensor_word_for_word()
    {
        // 200 features: blocks of 96, 96 and 8 ciphertexts, the last two summed into the first one's outputs.
        var random = new Random(21);
        const int batch = 5, n = 200, m = 3;
        double[] x = Values(batch * n, 22);
        var w = new double[n, m];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                w[i, j] = j == 2 && i < 100 ? 0 : (random.NextDouble() - 0.5) * 0.2; // output 2: no weight in the first block
            }
        }

        byte[] data = CkksSerializer.Save(CkksTensor.Encrypt(Tensors, f.SymmetricEncryptor, x, [batch, n], TensorPacking.Batch));
        var seen = new List<string>();
        CkksTensor streamed = CkksSerializer.LoadTensorMatMul(Tensors, data, w, (shape, packing, level, scale) => seen.Add($"{string.Join("x", shape)} {packing} {level} {scale}"));
        CkksTensor whole = CkksSerializer.LoadTensor(Tensors, data).MatMul(w);
        Assert.Equal([$"{batch}x{n} Batch {f.Context.MaxLevel} {SerializationFixture.Scale}"], seen);
        Assert.Equal(new[] { batch, m }, streamed.Shape);
        Assert.Equal(CkksSerializer.Save(whole), CkksSerializer.Save(streamed));

        double[] expected = new double[batch * m];
        for (int s = 0; s < batch; s++)
        {
            for (int j = 0; j < m; j++)
            {
                for (int i = 0; i < n; i++)
                {
                    expected[s * m + j] += x[s * n + i] * w[i, j];
                }
            }
        }

        Assert.True(SerializationFixture.MaxError(expected, streamed.DecryptFlat(f.Decryptor)) < 1e-4);
    }

    [Fact]
    public void Batch_products_read_a_block_at_a_time_refuse_other_tensors_before_any_product()
    {
        double[] x = Values(24, 23);
        byte[] batch = CkksSerializer.Save(CkksTensor.Encrypt(Tensors, f.SymmetricEncryptor, x, [4, 6], TensorPacking.Batch));
        byte[] rowMajor = CkksSerializer.Save(CkksTensor.Encrypt(Tensors, f.SymmetricEncryptor, x, [4, 6]));
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadTensorMatMul(Tensors, rowMajor, new double[6, 2]));
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadTensorMatMul(Tensors, batch, new double[5, 2]));
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadTensorMatMul(Tensors, batch.AsSpan(0, batch.Length - 1), new double[6, 2]));
        var refused = new InvalidOperationException("refused");
        Assert.Same(refused, Assert.Throws<InvalidOperationException>(() => CkksSerializer.LoadTensorMatMul(Tensors, batch, new double[6, 2], (_, _, _, _) => throw refused)));
    }

    [Fact]
    public void Sizes_follow_the_layout()
    {
        const long poly = 8192 * (60 + 40 + 40) / 8, full = 16 + (2 * poly), seeded = 16 + poly + 32;
        CkksVector v = CkksVector.Encrypt(Tensors, f.SymmetricEncryptor, Values(5000, 9));
        CkksTensor t = CkksTensor.Encrypt(Tensors, f.SymmetricEncryptor, Values(60, 10), [10, 2, 3], TensorPacking.Batch);
        Assert.Equal(48 + 8 + (2 * seeded), CkksSerializer.GetSerializedSize(v));
        Assert.Equal(48 + 8 + (2 * full), CkksSerializer.GetSerializedSize(v, new CkksSerializationOptions { UseSeeds = false }));
        Assert.Equal(48 + 4 + (3 * 4) + 4 + 4 + (6 * seeded), CkksSerializer.GetSerializedSize(t));
        Assert.Equal(48 + 4 + (2 * 4) + 4 + 4 + (6 * seeded), CkksSerializer.GetSerializedSize(t.Reshape([10, 6])));
        Assert.Equal(48 + 4 + (3 * 4) + 4 + 4 + seeded, CkksSerializer.GetSerializedSize(CkksTensor.Encrypt(Tensors, f.SymmetricEncryptor, Values(60, 10), [3, 4, 5])));
    }

    [Fact]
    public void Seeded_vectors_are_about_half_the_size_and_evaluated_ones_are_stored_in_full()
    {
        CkksVector fresh = CkksVector.Encrypt(Tensors, f.SymmetricEncryptor, Values(100, 2));
        long seeded = CkksSerializer.GetSerializedSize(fresh);
        long full = CkksSerializer.GetSerializedSize(fresh, new CkksSerializationOptions { UseSeeds = false });
        Assert.True(seeded < full / 2 + 100, $"{seeded} vs {full}");

        CkksVector evaluated = fresh.Multiply(fresh);
        byte[] data = CkksSerializer.Save(evaluated);
        Assert.Equal(0, data[8]);
        CkksVector loaded = CkksSerializer.LoadVector(Tensors, data);
        Assert.Equal(evaluated.Level, loaded.Level);
        Assert.Equal(evaluated.Scale, loaded.Scale);
        Assert.Null(loaded.Ciphertexts[0].Seed);
        double[] x = Values(100, 2);
        Assert.True(SerializationFixture.MaxError(x.Select(a => a * a).ToArray(), loaded.Decrypt(f.Decryptor)) < Tolerance);
    }

    [Fact]
    public void A_vector_with_one_unseeded_ciphertext_is_stored_in_full()
    {
        double[] x = Values(4096, 3), y = Values(4096, 4);
        Ciphertext seeded = f.SymmetricEncryptor.Encrypt(f.Encoder.Encode(x, SerializationFixture.Scale));
        Ciphertext unseeded = f.Encryptor.Encrypt(f.Encoder.Encode(y, SerializationFixture.Scale));
        CkksVector mixed = CkksVector.FromCiphertexts(Tensors, 8192, [seeded, unseeded]);
        byte[] data = CkksSerializer.Save(mixed);
        Assert.Equal(0, data[8]);
        Assert.Equal(data.Length, CkksSerializer.GetSerializedSize(mixed, new CkksSerializationOptions { UseSeeds = false }));
        Assert.True(SerializationFixture.MaxError([.. x, .. y], CkksSerializer.LoadVector(Tensors, data).Decrypt(f.Decryptor)) < Tolerance);
    }

    [Fact]
    public void Span_and_stream_forms_write_the_same_bytes_and_streams_hold_several_objects()
    {
        CkksVector v = CkksVector.Encrypt(Tensors, f.SymmetricEncryptor, Values(9000, 5));
        CkksTensor t = CkksTensor.Encrypt(Tensors, f.SymmetricEncryptor, Values(12, 6), [4, 3], TensorPacking.Batch);
        byte[] vectorBytes = CkksSerializer.Save(v), tensorBytes = CkksSerializer.Save(t);
        var buffer = new byte[Math.Max(vectorBytes.Length, tensorBytes.Length) + 10];
        Assert.False(CkksSerializer.TrySave(v, buffer.AsSpan(0, vectorBytes.Length - 1), out int none));
        Assert.Equal(0, none);
        Assert.True(CkksSerializer.TrySave(v, buffer, out int written));
        Assert.Equal(vectorBytes, buffer.AsSpan(0, written).ToArray());
        Assert.True(CkksSerializer.TrySave(t, buffer, out written));
        Assert.Equal(tensorBytes, buffer.AsSpan(0, written).ToArray());

        using var stream = new MemoryStream();
        CkksSerializer.Save(v, stream);
        CkksSerializer.Save(t, stream);
        CkksSerializer.Save(t, stream, new CkksSerializationOptions { Compression = CkksCompression.ZLib, UseSeeds = false });
        CkksSerializer.Save(f.Context.Parameters, stream);
        Assert.True(stream.GetBuffer().AsSpan(0, vectorBytes.Length + tensorBytes.Length).SequenceEqual([.. vectorBytes, .. tensorBytes]));
        stream.Position = 0;
        Assert.Equal(9000, CkksSerializer.LoadVector(Tensors, stream).Length);
        Assert.Equal([4, 3], CkksSerializer.LoadTensor(Tensors, stream).Shape);
        CkksTensor compressed = CkksSerializer.LoadTensor(Tensors, stream);
        Assert.True(SerializationFixture.MaxError(Values(12, 6), compressed.DecryptFlat(f.Decryptor)) < Tolerance);
        Assert.Equal(f.Context.Parameters.CoeffModulus, CkksSerializer.LoadParameters(stream).CoeffModulus);
        Assert.Equal(stream.Length, stream.Position);
    }

    [Fact]
    public void Unrelinearized_and_high_rank_tensors_are_refused_on_save()
    {
        var manual = new TensorContext(f.Context, SerializationFixture.Scale) { AutoRelinearize = false };
        CkksVector v = CkksVector.Encrypt(manual, f.SymmetricEncryptor, Values(10, 7));
        CkksVector product = v.Multiply(v);
        Assert.Equal(3, product.Ciphertexts[0].Size);
        Assert.Contains("size 2", Assert.Throws<ArgumentException>(() => CkksSerializer.Save(product)).Message, StringComparison.Ordinal);

        CkksTensor deep = CkksTensor.Encrypt(Tensors, f.SymmetricEncryptor, Values(1, 8), [1, 1, 1, 1, 1, 1, 1, 1, 1]);
        Assert.Contains("rank 9", Assert.Throws<ArgumentException>(() => CkksSerializer.Save(deep)).Message, StringComparison.Ordinal);
        Assert.Equal(8, CkksSerializer.LoadTensor(Tensors, CkksSerializer.Save(deep.Reshape([1, 1, 1, 1, 1, 1, 1, 1]))).Shape.Count);
    }
}
