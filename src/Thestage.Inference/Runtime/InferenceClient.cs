using Thestage.Inference.Planning;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Runtime;

/// <summary>
/// The data owner's side: creates the keys for a plan, exports the evaluation-key bundle (no secret key), encrypts
/// inputs and decrypts outputs. The secret key never leaves this object; <see cref="Dispose"/> wipes it.
/// </summary>
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
    {
        ArgumentNullException.ThrowIfNull(plan);
        Plan = plan;
        Context = new CkksContext(plan.Parameters, securityLevel);
        _keys = new KeyGenerator(Context);
        _encryptor = new Encryptor(Context, _keys.SecretKey);   // symmetric: seeded ciphertexts, half the upload
        _decryptor = new Decryptor(Context, _keys.SecretKey);
        _tensors = new TensorContext(Context, plan.Scale);
    }

    /// <summary>The plan.</summary>
    public InferencePlan Plan { get; }

    /// <summary>The client's CKKS context.</summary>
    public CkksContext Context { get; }

    /// <summary>Creates the evaluation keys of the plan (relinearization, and Galois keys for exactly its rotation steps).</summary>
    public EvaluationKeys CreateEvaluationKeys()
        => new(Context, _keys.CreateRelinKeys(), _keys.CreateGaloisKeys(Plan.RotationSteps.ToArray()));

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

        return EncryptedMessage.Write(CkksTensor.Encrypt(_tensors, _encryptor, flat, [samples.Count, Plan.InputLength], TensorPacking.Batch));
    }

    /// <summary>Decrypts the server's answer to <see cref="EncryptSample"/>.</summary>
    /// <param name="message">The server's message.</param>
    /// <exception cref="Privacy.Serialization.CkksFormatException">The message is malformed or does not match the plan.</exception>
    public double[] DecryptOutput(ReadOnlySpan<byte> message)
        => EncryptedMessage.ReadVector(_tensors, message, Plan.OutputLength).Decrypt(_decryptor);

    /// <summary>Decrypts the server's answer to <see cref="EncryptBatch"/>: one output row per sample.</summary>
    /// <param name="message">The server's message.</param>
    /// <exception cref="Privacy.Serialization.CkksFormatException">The message is malformed or does not match the plan.</exception>
    public double[][] DecryptBatchOutput(ReadOnlySpan<byte> message)
    {
        CkksTensor batch = EncryptedMessage.ReadBatch(_tensors, message, Plan.OutputLength, Plan.SamplesPerCiphertext);
        double[] flat = batch.DecryptFlat(_decryptor);
        var result = new double[batch.Shape[0]][];
        for (int s = 0; s < result.Length; s++)
        {
            result[s] = flat.AsSpan(s * Plan.OutputLength, Plan.OutputLength).ToArray();
        }

        return result;
    }

    /// <summary>Wipes the secret key.</summary>
    public void Dispose() => _keys.SecretKey.Dispose();

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
}
