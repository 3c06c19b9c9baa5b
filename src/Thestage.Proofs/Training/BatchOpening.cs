using System.Buffers.Binary;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Training;

/// <summary>
/// The samples of one step's batch, opened against the dataset root: features and labels in batch order with their
/// leaf salts and Merkle paths (<see cref="DatasetCommitment"/>).
/// </summary>
internal sealed class BatchOpening
{
    private const int MaxPathLength = 24;

    public BatchOpening(int[][] features, int[] labels, byte[][] salts, MerklePath[] paths)
    {
        Features = features;
        Labels = labels;
        Salts = salts;
        Paths = paths;
    }

    public int[][] Features { get; }

    public int[] Labels { get; }

    public byte[][] Salts { get; }

    public MerklePath[] Paths { get; }

    public int Count => Labels.Length;

    public static BatchOpening Open(TrainingRun run, TrainingDataset dataset, int step)
    {
        int[] batch = run.Transcript.Batch(step);
        var features = new int[batch.Length][];
        var labels = new int[batch.Length];
        var salts = new byte[batch.Length][];
        var paths = new MerklePath[batch.Length];
        for (int b = 0; b < batch.Length; b++)
        {
            features[b] = dataset.GetFeatures(batch[b]);
            labels[b] = dataset.GetLabel(batch[b]);
            paths[b] = run.Dataset.Open(batch[b], out salts[b]);
        }

        return new BatchOpening(features, labels, salts, paths);
    }

    /// <summary>Checks that these are the committed samples the schedule selects for <paramref name="step"/>, with in-range values.</summary>
    public bool Verify(TrainingTranscript training, int step)
    {
        TrainingConfig config = training.Config;
        int[] batch = training.Batch(step);
        if (Count != batch.Length || Features.Length != Count || Salts.Length != Count || Paths.Length != Count)
        {
            return false;
        }

        for (int b = 0; b < Count; b++)
        {
            int[]? x = Features[b];
            if (x is null || Salts[b] is null || x.Length != config.InputSize || Labels[b] < 0 || Labels[b] >= config.ClassCount
                || x.Any(v => v < config.ValueMin || v > config.ValueMax)
                || !DatasetCommitment.VerifySample(training.DatasetRoot, training.SampleCount, batch[b], x, Labels[b], Salts[b], Paths[b]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Builds <c>X</c>, <c>2^⌈log2 d⌉ × B</c> feature-major and zero-padded: entry <c>(i, b)</c> is feature <c>i</c> of sample <c>b</c>.</summary>
    public Goldilocks[] InputMatrix(int logWidth)
    {
        int p = Count;
        var matrix = new Goldilocks[(1 << logWidth) * p];
        for (int b = 0; b < p; b++)
        {
            for (int i = 0; i < Features[b].Length; i++)
            {
                matrix[(i * p) + b] = WeightCommitment.Embed(Features[b][i]);
            }
        }

        return matrix;
    }

    /// <summary>Writes <c>u32 B ‖ u32 d</c>, then per sample <c>u32 label ‖ d × i32 ‖ salt ‖ u32 leaf ‖ u8 path length ‖ siblings</c>.</summary>
    public void Write(ProofWriter writer)
    {
        int width = Count == 0 ? 0 : Features[0].Length;
        writer.WriteUInt32((uint)Count);
        writer.WriteUInt32((uint)width);
        Span<byte> scratch = stackalloc byte[4];
        for (int b = 0; b < Count; b++)
        {
            if (Features[b].Length != width)
            {
                throw new ArgumentException("Every sample of a batch has the same width.");
            }

            writer.WriteUInt32((uint)Labels[b]);
            foreach (int v in Features[b])
            {
                BinaryPrimitives.WriteInt32LittleEndian(scratch, v);
                writer.WriteBytes(scratch);
            }

            writer.WriteBytes(Salts[b]);
            writer.WriteUInt32((uint)Paths[b].LeafIndex);
            writer.WriteBytes([(byte)Paths[b].Siblings.Length]);
            foreach (Digest256 sibling in Paths[b].Siblings)
            {
                writer.WriteDigest(sibling);
            }
        }
    }

    /// <summary>Reads the encoding of <see cref="Write"/>; throws <see cref="ProofFormatException"/> on malformed bytes.</summary>
    public static BatchOpening Read(ref ProofReader reader)
    {
        int batch = reader.ReadUInt32(1, TrainingConfig.MaxBatchSize);
        int width = reader.ReadUInt32(1, TrainingConfig.MaxWidth);
        if ((long)batch * (9 + (4L * width) + MerkleHasher.SaltLength) > reader.Remaining)
        {
            throw new ProofFormatException("Declared batch exceeds the remaining bytes.");
        }

        var features = new int[batch][];
        var labels = new int[batch];
        var salts = new byte[batch][];
        var paths = new MerklePath[batch];
        for (int b = 0; b < batch; b++)
        {
            labels[b] = reader.ReadUInt32(0, TrainingConfig.MaxWidth - 1);
            features[b] = new int[width];
            ReadOnlySpan<byte> raw = reader.ReadBytes(4 * width);
            for (int i = 0; i < width; i++)
            {
                features[b][i] = BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]);
            }

            salts[b] = reader.ReadBytes(MerkleHasher.SaltLength).ToArray();
            int leaf = reader.ReadUInt32(0, TrainingDataset.MaxSamples - 1);
            int length = reader.ReadBytes(1)[0];
            if (length > MaxPathLength)
            {
                throw new ProofFormatException("A Merkle path is too long.");
            }

            var siblings = new Digest256[length];
            for (int k = 0; k < length; k++)
            {
                siblings[k] = reader.ReadDigest();
            }

            paths[b] = new MerklePath(leaf, siblings);
        }

        return new BatchOpening(features, labels, salts, paths);
    }
}
