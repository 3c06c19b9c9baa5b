namespace Thestage.Privacy.Tensors;

/// <summary>How a <see cref="CkksTensor"/> lays its values into slots.</summary>
public enum TensorPacking
{
    /// <summary>The flattened row-major values as one <see cref="CkksVector"/> (latency: one sample, few ciphertexts).</summary>
    RowMajor = 0,

    /// <summary>
    /// Axis 0 is the batch: one ciphertext per element of the remaining axes, holding that element of every sample,
    /// one sample per slot (throughput: CryptoNets, TenSEAL's batched CKKSTensor). Linear layers need no rotations.
    /// </summary>
    Batch = 1,
}
