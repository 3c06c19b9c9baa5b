using Thestage.Inference.Planning;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Runtime;

/// <summary>
/// The data owner's side: creates the keys for a plan, exports the evaluation-key bundle (no secret key), encrypts
/// inputs and decrypts outputs. The secret key never leaves this object; <see cref="Dispose"/> wipes it.
/// </summary>
/// <remarks>
/// A decrypted CKKS value is the result plus noise that depends on the secret key (IND-CPA^D, Li–Micciancio 2021,
/// eprint 2020/1533): whoever sees decrypted outputs together with the ciphertexts they came from — the server, which
/// made them — learns linear equations in the key. Decrypt only what you need (these methods return the plan's outputs,
/// not the other slots), and before publishing outputs round them (<see cref="OutputRoundingBits"/>), which removes the
/// low bits that carry the noise; rounding is a mitigation, not a proof (a value near a rounding boundary still reveals
/// on which side its noise fell).
/// </remarks>
public sealed class InferenceClient : IDisposable
{
    private readonly KeyGenerator _keys;
    private readonly Encryptor _encryptor;
    private readonly Decryptor _decryptor;
    private readonly TensorContext _tensors;

    /// <summary>Creates the client and its secret key for <paramref name="plan"/>.</summary>
    /// <param name="plan">The plan published by the model owner.</param>
    /// <param name="securityLevel">The level the plan's parameters must reach (128-bit by default).</param>
    public InferenceClient(InferencePlan plan, SecurityLevel securityLevel = SecurityLevel.Tc128)
        : this(plan, null, securityLevel)
    {
    }

    /// <summary>Creates the client with a secret key saved earlier by <see cref="ExportSecretKey"/> (same plan).</summary>
    /// <param name="plan">The plan the key was made for.</param>
    /// <param name="secretKey">The secret key's bytes (a TSPV object).</param>
    /// <param name="securityLevel">The level the plan's parameters must reach (128-bit by default).</param>
    /// <exception cref="Privacy.Serialization.CkksFormatException">The bytes are not a secret key of the plan's parameters.</exception>
    public InferenceClient(InferencePlan plan, ReadOnlySpan<byte> secretKey, SecurityLevel securityLevel = SecurityLevel.Tc128)
        : this(plan, secretKey.ToArray(), securityLevel)
    {
    }

    private InferenceClient(InferencePlan plan, byte[]? secretKey, SecurityLevel securityLevel)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Plan = plan;
        Context = new CkksContext(plan.Parameters, securityLevel);
        try
        {
            _keys = secretKey is null ? new KeyGenerator(Context) : new KeyGenerator(Context, Privacy.Serialization.CkksSerializer.LoadSecretKey(Context, secretKey));
        }
        finally
        {
            if (secretKey is not null)
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(secretKey);
            }
        }

        _encryptor = new Encryptor(Context, _keys.SecretKey);   // symmetric: seeded ciphertexts, half the upload
        _decryptor = new Decryptor(Context, _keys.SecretKey);
        _tensors = new TensorContext(Context, plan.Scale);
    }

    /// <summary>The plan.</summary>
    public InferencePlan Plan { get; }

    /// <summary>The client's CKKS context.</summary>
    public CkksContext Context { get; }

    /// <summary>
    /// Rounds every decrypted output to the nearest multiple of 2^−bits (ties to even) when set; null (the default)
    /// returns outputs as decoded. Choose bits well below the outputs' precision, so that the noise cannot move a value
    /// to another multiple except near a boundary.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value lies outside [0, 52].</exception>
    public int? OutputRoundingBits
    {
        get;
        set => field = value is null or (>= 0 and <= 52) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Rounding keeps 0 to 52 fractional bits.");
    }

    /// <summary>Creates the evaluation keys of the plan: the public key (for the server's output flooding),
    /// relinearization keys, and Galois keys for exactly its rotation steps.</summary>
    public EvaluationKeys CreateEvaluationKeys() => CreateEvaluationKeys(null, CancellationToken.None);

    /// <summary>
    /// Creates the evaluation keys of the plan — the public key, relinearization keys, and Galois keys for exactly its
    /// rotation steps — reporting progress in keys (one for the public key, one for the relinearization key, one per
    /// Galois key) and stopping between keys when cancelled.
    /// </summary>
    /// <param name="progress">Told after each key; null for no reports.</param>
    /// <param name="cancellationToken">Checked before each key.</param>
    /// <exception cref="OperationCanceledException">The token was cancelled; no bundle was made.</exception>
    public EvaluationKeys CreateEvaluationKeys(IProgress<StepProgress>? progress, CancellationToken cancellationToken = default)
    {
        int[] steps = Plan.RotationSteps.ToArray();
        int total = steps.Length + 2;
        cancellationToken.ThrowIfCancellationRequested();
        PublicKey publicKey = _keys.CreatePublicKey();
        progress?.Report(new StepProgress(1, total, "public key"));
        cancellationToken.ThrowIfCancellationRequested();
        RelinKeys relinKeys = _keys.CreateRelinKeys();
        progress?.Report(new StepProgress(2, total, "relinearization key"));
        cancellationToken.ThrowIfCancellationRequested();
        GaloisKeys galoisKeys = _keys.CreateGaloisKeys(
            steps,
            includeConjugation: false,
            progress is null ? null : new SynchronousProgress(p => progress.Report(new StepProgress(2 + p.Completed, 2 + p.Total, $"Galois key {p.Completed} of {p.Total}"))),
            cancellationToken);
        return new EvaluationKeys(Context, publicKey, relinKeys, galoisKeys);
    }

    /// <summary>
    /// The secret key as bytes (a TSPV object, <see cref="Privacy.Serialization.CkksSerializer.SaveSecretKey(SecretKey)"/>),
    /// to keep with the plan and reload with <see cref="InferenceClient(InferencePlan, ReadOnlySpan{byte}, SecurityLevel)"/>.
    /// Whoever holds these bytes can decrypt everything encrypted for this client: store them like a password, never send them.
    /// </summary>
    public byte[] ExportSecretKey() => Privacy.Serialization.CkksSerializer.SaveSecretKey(_keys.SecretKey);

    /// <summary>
    /// Encrypts samples into one request for the server (format "TSRQ", bound to the plan's fingerprint): one encrypted
    /// vector per sample in a row-major plan, batches of up to N/2 samples in a batch plan.
    /// </summary>
    /// <param name="samples">Flattened samples of <see cref="InferencePlan.InputLength"/> values each, 1 to 2^20.</param>
    /// <exception cref="ArgumentException">No sample, too many, or a sample of another length.</exception>
    public byte[] EncryptRequest(IReadOnlyList<double[]> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count is 0 or > Artifacts.MessageBundle.MaxSamples)
        {
            throw new ArgumentException($"A request holds 1 to {Artifacts.MessageBundle.MaxSamples} samples; got {samples.Count}.", nameof(samples));
        }

        var messages = new List<byte[]>();
        if (Plan.Packing == TensorPacking.RowMajor)
        {
            foreach (double[] sample in samples)
            {
                messages.Add(EncryptSample(sample ?? throw new ArgumentException("A sample is null.", nameof(samples))));
            }
        }
        else
        {
            for (int start = 0; start < samples.Count; start += Plan.SamplesPerCiphertext)
            {
                messages.Add(EncryptBatch([.. samples.Skip(start).Take(Plan.SamplesPerCiphertext)]));
            }
        }

        return Artifacts.MessageBundle.Write(Artifacts.MessageBundle.RequestMagic, Plan.Fingerprint, samples.Count, messages);
    }

    /// <summary>Decrypts the server's response to <see cref="EncryptRequest"/>: one output row per sample, in order.</summary>
    /// <param name="response">The response's bytes ("TSRS").</param>
    /// <exception cref="Privacy.Serialization.CkksFormatException">The response is malformed, made for another plan, or does not hold the samples it announces.</exception>
    public double[][] DecryptResponse(ReadOnlySpan<byte> response)
    {
        (int samples, byte[][] messages) = Artifacts.MessageBundle.Read(response, Artifacts.MessageBundle.ResponseMagic, "response (TSRS)", Plan.Fingerprint);
        var rows = new List<double[]>(Math.Min(samples, 4096));
        foreach (byte[] message in messages)
        {
            if (Plan.Packing == TensorPacking.RowMajor)
            {
                rows.Add(DecryptOutput(message));
            }
            else
            {
                rows.AddRange(DecryptBatchOutput(message));
            }
        }

        return rows.Count == samples ? [.. rows] : throw new Privacy.Serialization.CkksFormatException($"The response announces {samples} samples; its messages hold {rows.Count}.");
    }

    /// <summary>Encrypts one sample (row-major plan) into a message for the server.</summary>
    /// <param name="sample">The flattened sample, <see cref="InferencePlan.InputLength"/> values.</param>
    /// <exception cref="ArgumentException">Wrong length, or the plan uses batch packing.</exception>
    public byte[] EncryptSample(ReadOnlySpan<double> sample)
    {
        RequirePacking(TensorPacking.RowMajor);
        RequireLength(sample.Length);
        return EncryptedMessage.Write(CkksVector.Encrypt(_tensors, _encryptor, sample));
    }

    /// <summary>Encrypts up to N/2 samples (batch plan), one sample per slot, into a message for the server.</summary>
    /// <param name="samples">Flattened samples of <see cref="InferencePlan.InputLength"/> values each.</param>
    /// <exception cref="ArgumentException">Wrong lengths, too many samples, or the plan uses row-major packing.</exception>
    public byte[] EncryptBatch(IReadOnlyList<double[]> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        RequirePacking(TensorPacking.Batch);
        if (samples.Count < 1 || samples.Count > Plan.SamplesPerCiphertext)
        {
            throw new ArgumentException($"A batch holds 1 to {Plan.SamplesPerCiphertext} samples; got {samples.Count}.", nameof(samples));
        }

        var flat = new double[samples.Count * Plan.InputLength];
        for (int s = 0; s < samples.Count; s++)
        {
            RequireLength(samples[s].Length);
            samples[s].CopyTo(flat, s * Plan.InputLength);
        }

        // Encrypted and written one feature at a time (784 expanded ciphertexts would be 616 MB at N = 8192).
        return Privacy.Serialization.CkksSerializer.SaveEncryptedBatch(_tensors, _encryptor, flat, [samples.Count, Plan.InputLength]);
    }

    /// <summary>
    /// Decrypts the server's answer to <see cref="EncryptSample"/>. The packing replicates an output of m values
    /// (N/2)/P times across the slots (P = 2^⌈log2 m⌉); each value is the mean of its copies, which divides the
    /// independent part of the noise — the server's flooding — by √((N/2)/P).
    /// </summary>
    /// <param name="message">The server's message.</param>
    /// <exception cref="Privacy.Serialization.CkksFormatException">The message is malformed or does not match the plan.</exception>
    public double[] DecryptOutput(ReadOnlySpan<byte> message)
    {
        CkksVector vector = EncryptedMessage.ReadVector(_tensors, message, Plan.OutputLength);
        double[] result;
        if (vector.CiphertextCount > 1)
        {
            result = vector.Decrypt(_decryptor);
        }
        else
        {
            double[] slots = _tensors.Encoder.Decode(_decryptor.Decrypt(vector.Ciphertexts[0]));
            int copies = slots.Length / vector.Period;
            result = new double[vector.Length];
            for (int j = 0; j < result.Length; j++)
            {
                double sum = 0;
                for (int k = 0; k < copies; k++)
                {
                    sum += slots[j + k * vector.Period];
                }

                result[j] = sum / copies;
            }
        }

        return Round(result);
    }

    /// <summary>Decrypts the server's answer to <see cref="EncryptBatch"/>: one output row per sample.</summary>
    /// <param name="message">The server's message.</param>
    /// <exception cref="Privacy.Serialization.CkksFormatException">The message is malformed or does not match the plan.</exception>
    public double[][] DecryptBatchOutput(ReadOnlySpan<byte> message)
    {
        CkksTensor batch = EncryptedMessage.ReadBatch(_tensors, message, Plan.OutputLength, Plan.SamplesPerCiphertext);
        double[] flat = Round(batch.DecryptFlat(_decryptor));
        var result = new double[batch.Shape[0]][];
        for (int s = 0; s < result.Length; s++)
        {
            result[s] = flat.AsSpan(s * Plan.OutputLength, Plan.OutputLength).ToArray();
        }

        return result;
    }

    /// <summary>Wipes the secret key.</summary>
    public void Dispose() => _keys.SecretKey.Dispose();

    private double[] Round(double[] values)
    {
        if (OutputRoundingBits is int bits)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = Math.ScaleB(Math.Round(Math.ScaleB(values[i], bits), MidpointRounding.ToEven), -bits);
            }
        }

        return values;
    }

    private void RequirePacking(TensorPacking packing)
    {
        if (Plan.Packing != packing)
        {
            throw new ArgumentException($"The plan uses {Plan.Packing} packing; this call needs {packing}.");
        }
    }

    private void RequireLength(int length)
    {
        if (length != Plan.InputLength)
        {
            throw new ArgumentException($"A sample has {Plan.InputLength} values; got {length}.");
        }
    }

    /// <summary>Reports on the calling thread (<see cref="Progress{T}"/> would post to a synchronization context, late and out of order).</summary>
    private sealed class SynchronousProgress(Action<(int Completed, int Total)> report) : IProgress<(int Completed, int Total)>
    {
        public void Report((int Completed, int Total) value) => report(value);
    }
}
