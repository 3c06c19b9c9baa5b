using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;
using Thestage.Privacy.Tensors;
using Thestage.TestKit.Fuzzing;
using Xunit.Abstractions;

namespace Thestage.Privacy.Tests.Fuzzing;

[CollectionDefinition(FuzzCampaign.CollectionName, DisableParallelization = true)]
public sealed class FuzzCollection;

/// <summary>
/// The structured fuzz campaign of every TSPV loader (docs/security.md): each mutated input loads or throws
/// <see cref="CkksFormatException"/>, allocating at most 256 MiB and taking at most 1 s of CPU. Every input goes through the
/// span loader and the stream loader. Beside the generic mutations, one case in four is a well-framed object (header,
/// lengths and compression recomputed) around a mutated payload, so the payload parsers are reached through valid zlib
/// and Brotli streams too. Hostile inputs: the sample's header in front of valid zlib and Brotli streams that expand far
/// beyond the object the parameters allow, with honest and with lying raw lengths. CI runs 2,000 cases per format; set
/// <c>THESTAGE_FUZZ_CASES</c> for the large campaign.
/// </summary>
[Collection(FuzzCampaign.CollectionName)]
public sealed class CkksFormatFuzzTests(ITestOutputHelper output)
{
    private const int CiCases = 2000;

    private static readonly Lazy<Formats> All = new(() => new Formats());

    public static TheoryData<string> Names => [.. Formats.Names];

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_input_loads_or_is_refused_within_the_limits(string format)
    {
        FuzzTarget target = All.Value.Target(format);
        FuzzReport report = FuzzCampaign.Run(target, FuzzCampaign.Cases(CiCases));
        output.WriteLine(report.ToString());
        Assert.True(report.Failures.Count == 0, string.Join(Environment.NewLine, report.Failures.Take(10)));
        Assert.True(report.Rejected > report.Cases / 4, $"Only {report.Rejected} of {report.Cases} inputs were refused: the mutations do not reach the checks.");
        Assert.True(report.Accepted > 0, "No mutated input loaded: the campaign never reaches the end of the parser.");
    }

    /// <summary>The loaders, their valid samples (small ring N = 1024, no security check, so each case stays small) and hostile inputs.</summary>
    private sealed class Formats
    {
        public static readonly string[] Names =
            ["parameters", "plaintext", "ciphertext", "public key", "relin keys", "Galois keys", "secret key", "vector", "tensor"];

        private const int HeaderSize = 48;

        private readonly Dictionary<string, FuzzTarget> _targets = [];

        public Formats()
        {
            var context = new CkksContext(new CkksParameters(1024, [40, 30, 40]), SecurityLevel.None);
            var keys = new KeyGenerator(context);
            var encoder = new CkksEncoder(context);
            var evaluator = new Evaluator(context);
            Plaintext plaintext = encoder.Encode(0.5, 1 << 20, 1);
            var symmetricEncryptor = new Encryptor(context, keys.SecretKey);
            Ciphertext symmetric = symmetricEncryptor.Encrypt(plaintext);
            Ciphertext product = evaluator.Multiply(symmetric, symmetric);
            PublicKey publicKey = keys.CreatePublicKey();
            RelinKeys relinKeys = keys.CreateRelinKeys();
            GaloisKeys galoisKeys = keys.CreateGaloisKeys([1], includeConjugation: true);
            var plain = new CkksSerializationOptions { UseSeeds = false };
            var brotli = new CkksSerializationOptions { Compression = CkksCompression.Brotli };
            var zlib = new CkksSerializationOptions { UseSeeds = false, Compression = CkksCompression.ZLib };
            var tensors = new TensorContext(context, 1 << 20);
            double[] values = [.. Enumerable.Range(0, 700).Select(i => Math.Sin(i) / 2)];
            CkksVector seededVector = CkksVector.Encrypt(tensors, symmetricEncryptor, values);
            CkksVector publicVector = CkksVector.Encrypt(tensors, new Encryptor(context, publicKey), values.AsSpan(0, 30));
            CkksTensor batch = CkksTensor.Encrypt(tensors, symmetricEncryptor, values.AsSpan(0, 6), [3, 2], TensorPacking.Batch);
            CkksTensor rowMajor = CkksTensor.Encrypt(tensors, symmetricEncryptor, values.AsSpan(0, 24), [2, 3, 4]);

            Add("parameters", d => CkksSerializer.LoadParameters(d), s => CkksSerializer.LoadParameters(s),
                CkksSerializer.Save(context.Parameters), CkksSerializer.Save(context.Parameters, zlib));
            Add("plaintext", d => CkksSerializer.LoadPlaintext(context, d), s => CkksSerializer.LoadPlaintext(context, s),
                CkksSerializer.Save(plaintext), CkksSerializer.Save(plaintext, brotli));
            Add("ciphertext", d => CkksSerializer.LoadCiphertext(context, d), s => CkksSerializer.LoadCiphertext(context, s),
                CkksSerializer.Save(symmetric), CkksSerializer.Save(symmetric, plain), CkksSerializer.Save(product, zlib));
            Add("public key", d => CkksSerializer.LoadPublicKey(context, d), s => CkksSerializer.LoadPublicKey(context, s),
                CkksSerializer.Save(publicKey), CkksSerializer.Save(publicKey, plain));
            Add("relin keys", d => CkksSerializer.LoadRelinKeys(context, d), s => CkksSerializer.LoadRelinKeys(context, s),
                CkksSerializer.Save(relinKeys), CkksSerializer.Save(relinKeys, zlib));
            Add("Galois keys", d => CkksSerializer.LoadGaloisKeys(context, d), s => CkksSerializer.LoadGaloisKeys(context, s),
                CkksSerializer.Save(galoisKeys), CkksSerializer.Save(galoisKeys, plain));
            Add("secret key", d => CkksSerializer.LoadSecretKey(context, d), s => CkksSerializer.LoadSecretKey(context, s),
                CkksSerializer.SaveSecretKey(keys.SecretKey), CkksSerializer.SaveSecretKey(Serialization.ValidationTests.NonTernaryKey(context, 1)));
            Add("vector", d => CkksSerializer.LoadVector(tensors, d), s => CkksSerializer.LoadVector(tensors, s),
                CkksSerializer.Save(seededVector), CkksSerializer.Save(publicVector), CkksSerializer.Save(seededVector, zlib));
            Add("tensor", d => CkksSerializer.LoadTensor(tensors, d), s => CkksSerializer.LoadTensor(tensors, s),
                CkksSerializer.Save(batch), CkksSerializer.Save(rowMajor, plain), CkksSerializer.Save(batch, brotli));
        }

        public FuzzTarget Target(string name) => _targets[name];

        private void Add(string name, Func<byte[], object> loadSpan, Func<Stream, object> loadStream, params byte[][] samples) =>
            _targets[name] = new FuzzTarget($"TSPV {name}", d => LoadBoth(d, loadSpan, loadStream), samples, e => e is CkksFormatException,
                Bombs(samples[0]), Reframe);

        /// <summary>Runs the span loader and then the stream loader; the input is refused if either refuses it.</summary>
        private static object LoadBoth(byte[] data, Func<byte[], object> loadSpan, Func<Stream, object> loadStream)
        {
            CkksFormatException? refused = null;
            try
            {
                (loadSpan(data) as IDisposable)?.Dispose();
            }
            catch (CkksFormatException e)
            {
                refused = e;
            }

            object loaded = loadStream(new MemoryStream(data, writable: false));
            return refused is null ? loaded : throw refused;
        }

        /// <summary>The sample's header around its payload after <paramref name="mutate"/>, uncompressed, zlib or Brotli (chosen by the mutated length).</summary>
        private static byte[] Reframe(byte[] sample, Func<byte[], byte[]> mutate)
        {
            byte[] raw = mutate(RawPayload(sample));
            var compression = (CkksCompression)(raw.Length % 3);
            byte[] payload = compression == CkksCompression.None ? raw : Compress(compression, raw);
            byte[] framed = [.. sample.AsSpan(0, HeaderSize), .. payload];
            framed[7] = (byte)compression;
            BinaryPrimitives.WriteInt64LittleEndian(framed.AsSpan(32), payload.Length);
            BinaryPrimitives.WriteInt64LittleEndian(framed.AsSpan(40), raw.Length);
            return framed;
        }

        /// <summary>The sample's payload, decompressed when the sample is compressed.</summary>
        private static byte[] RawPayload(byte[] sample)
        {
            byte[] payload = sample.AsSpan(HeaderSize).ToArray();
            if (sample[7] == (byte)CkksCompression.None)
            {
                return payload;
            }

            using Stream decoder = sample[7] == (byte)CkksCompression.Brotli
                ? new BrotliStream(new MemoryStream(payload), CompressionMode.Decompress)
                : new ZLibStream(new MemoryStream(payload), CompressionMode.Decompress);
            using var raw = new MemoryStream();
            decoder.CopyTo(raw);
            return raw.ToArray();
        }

        private static byte[] Compress(CkksCompression compression, byte[] raw)
        {
            using var output = new MemoryStream();
            using (Stream encoder = compression == CkksCompression.Brotli
                       ? new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true)
                       : new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
            {
                encoder.Write(raw);
            }

            return output.ToArray();
        }

        /// <summary>
        /// The sample's header (kind, fingerprint) in front of a valid zlib or Brotli stream of zeros: 64 MiB declared
        /// honestly, 64 MiB behind a raw length of one byte less, and 1 GiB (an 800-byte input) declared honestly and behind a declared 2^40.
        /// </summary>
        private static byte[][] Bombs(byte[] sample) =>
        [
            Wrap(sample, CkksCompression.Brotli, Streams.Value.Brotli64MiB, 64 << 20),
            Wrap(sample, CkksCompression.ZLib, Streams.Value.ZLib64MiB, 64 << 20),
            Wrap(sample, CkksCompression.Brotli, Streams.Value.Brotli64MiB, (64 << 20) - 1),
            Wrap(sample, CkksCompression.Brotli, Streams.Value.Brotli1GiB, 1 << 30),
            Wrap(sample, CkksCompression.Brotli, Streams.Value.Brotli1GiB, 1L << 40),
        ];

        private static readonly Lazy<(byte[] Brotli64MiB, byte[] ZLib64MiB, byte[] Brotli1GiB)> Streams = new(() =>
            (Zeros(CkksCompression.Brotli, 64 << 20), Zeros(CkksCompression.ZLib, 64 << 20), Zeros(CkksCompression.Brotli, 1 << 30)));

        /// <summary>
        /// A compressed stream of <paramref name="count"/> zeros. Brotli at quality 5 with a 16 MiB window turns 1 GiB
        /// into about 800 bytes (measured: 2.4 s to make), zlib reaches its 1:1032 limit.
        /// </summary>
        private static byte[] Zeros(CkksCompression compression, long count)
        {
            var payload = new MemoryStream();
            byte[] chunk = new byte[1 << 20];
            if (compression == CkksCompression.Brotli)
            {
                using var encoder = new BrotliEncoder(quality: 5, window: 24);
                byte[] output = new byte[1 << 16];
                for (long consumed = 0; consumed < count;)
                {
                    encoder.Compress(chunk.AsSpan(0, (int)Math.Min(chunk.Length, count - consumed)), output, out int read, out int written, isFinalBlock: false);
                    consumed += read;
                    payload.Write(output, 0, written);
                }

                OperationStatus status;
                do
                {
                    status = encoder.Compress(ReadOnlySpan<byte>.Empty, output, out _, out int written, isFinalBlock: true);
                    payload.Write(output, 0, written);
                }
                while (status == OperationStatus.DestinationTooSmall);
            }
            else
            {
                using var compressor = new ZLibStream(payload, CompressionLevel.Optimal, leaveOpen: true);
                for (long written = 0; written < count; written += chunk.Length)
                {
                    compressor.Write(chunk, 0, (int)Math.Min(chunk.Length, count - written));
                }
            }

            return payload.ToArray();
        }

        private static byte[] Wrap(byte[] sample, CkksCompression compression, byte[] payload, long declaredRaw)
        {
            byte[] result = new byte[HeaderSize + payload.Length];
            sample.AsSpan(0, HeaderSize).CopyTo(result);
            result[7] = (byte)compression;
            BinaryPrimitives.WriteInt64LittleEndian(result.AsSpan(32), payload.Length);
            BinaryPrimitives.WriteInt64LittleEndian(result.AsSpan(40), declaredRaw);
            payload.CopyTo(result.AsSpan(HeaderSize));
            return result;
        }
    }
}
