using Thestage.Privacy.Serialization;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Runtime;

/// <summary>
/// The wire form of encrypted inputs and outputs: one TSPV object of <see cref="CkksSerializer"/>, an encrypted vector
/// (row-major plans, one sample) or a batch-packed tensor [samples, values] (batch plans). The serializer validates the
/// object against the context; this adds the plan's checks (packing, value count, sample count). Malformed or
/// mismatched messages throw only <see cref="CkksFormatException"/>.
/// </summary>
internal static class EncryptedMessage
{
    public static byte[] Write(CkksVector vector) => CkksSerializer.Save(vector);

    public static byte[] Write(CkksTensor batch) => CkksSerializer.Save(batch);

    /// <summary>Reads one sample of a row-major plan: a vector of exactly <paramref name="length"/> values.</summary>
    public static CkksVector ReadVector(TensorContext tensors, ReadOnlySpan<byte> data, int length)
    {
        CkksVector vector = CkksSerializer.LoadVector(tensors, data);
        if (vector.Length != length)
        {
            throw new CkksFormatException($"The message holds {vector.Length} values; the plan expects {length}.");
        }

        return vector;
    }

    /// <summary>Reads a batch of a batch plan: a batch-packed tensor [1…<paramref name="maxSamples"/>, <paramref name="length"/>].</summary>
    public static CkksTensor ReadBatch(TensorContext tensors, ReadOnlySpan<byte> data, int length, int maxSamples)
    {
        CkksTensor batch = CkksSerializer.LoadTensor(tensors, data);
        CheckBatch(batch.Shape, batch.Packing, length, maxSamples);
        return batch;
    }

    /// <summary>Checks that a message's tensor is a batch of a batch plan: [1…<paramref name="maxSamples"/>, <paramref name="length"/>].</summary>
    public static void CheckBatch(IReadOnlyList<int> shape, TensorPacking packing, int length, int maxSamples)
    {
        if (packing != TensorPacking.Batch || shape.Count != 2 || shape[1] != length || shape[0] > maxSamples)
        {
            throw new CkksFormatException($"The message holds a {packing} tensor of shape [{string.Join(", ", shape)}]; the plan expects a Batch tensor [1…{maxSamples}, {length}].");
        }
    }
}
