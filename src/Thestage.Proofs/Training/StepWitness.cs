using Thestage.Proofs.Fields;
using Thestage.Proofs.Lookups;

namespace Thestage.Proofs.Training;

/// <summary>
/// The prover's tables for one step proof, padded as <see cref="StepCircuit"/> lays them out: the committed limb
/// segments, the value tensors the sumchecks read (<c>A_l</c>, <c>Z_l</c>, <c>Q_l</c>, <c>D_l</c>), and the segments of the
/// snapshots before and after the step.
/// </summary>
internal sealed class StepWitness
{
    private StepWitness(StepCircuit circuit)
    {
        int layers = circuit.Layers;
        Segments = circuit.LogSizes.Select(log => new Goldilocks[1 << log]).ToArray();
        A = new Goldilocks[layers][];
        Z = new Goldilocks[layers][];
        Q = new Goldilocks[layers][];
        D = new Goldilocks[layers][];
    }

    public Goldilocks[][] Segments { get; }

    public Goldilocks[][] A { get; }

    public Goldilocks[][] Z { get; }

    public Goldilocks[][] Q { get; }

    public Goldilocks[][] D { get; }

    /// <summary>Gets the snapshot before the step as <see cref="WeightCommitment.Segments"/> (padded <c>W_l</c> at <c>2l</c>, <c>b_l</c> at <c>2l + 1</c>).</summary>
    public Goldilocks[][] Before { get; private init; } = [];

    /// <summary>Gets the snapshot after the step, segmented like <see cref="Before"/>.</summary>
    public Goldilocks[][] After { get; private init; } = [];

    public static StepWitness Build(StepCircuit circuit, StepTrace trace, FixedPointWeights before, FixedPointWeights after)
    {
        var w = new StepWitness(circuit) { Before = WeightCommitment.Segments(before), After = WeightCommitment.Segments(after) };
        TrainingConfig config = circuit.Config;
        int p = config.BatchSize;
        int layers = circuit.Layers;
        Goldilocks[][] segments = w.Segments;
        for (int l = 0; l < layers; l++)
        {
            int inputs = config.LayerSizes[l], outputs = config.LayerSizes[l + 1];
            w.A[l] = Values(trace.A[l], circuit.LogWidths[l], p);
            w.Z[l] = Values(trace.Z[l], circuit.LogWidths[l + 1], p);
            w.D[l] = Values(trace.D[l], circuit.LogWidths[l + 1], p);
            Fill(circuit.Z[l], trace.Z[l], outputs, p, p, segments);
            Fill(circuit.R[l], trace.R[l], outputs, p, p, segments);
            if (l < layers - 1)
            {
                w.Q[l] = Values(trace.Q[l], circuit.LogWidths[l + 1], p);
                Fill(circuit.Q[l], trace.Q[l], outputs, p, p, segments);
                Fill(circuit.S[l], trace.S[l], outputs, p, p, segments);
            }

            Fill(circuit.P[l], trace.P[l], outputs, inputs, 1 << circuit.LogWidths[l], segments);
            Fill(circuit.PB[l], trace.PB[l], outputs, 1, 1, segments);
        }

        Fill(circuit.D, trace.D[layers - 1], config.ClassCount, p, p, segments);
        if (circuit.Inputs is not null && circuit.Targets is not null)
        {
            // A hiding run's batch: the input, and the one-hot targets T = (Z − δ)/2^f of the output layer.
            Fill(circuit.Inputs, trace.A[0], config.InputSize, p, p, segments);
            long[] z = trace.Z[layers - 1], d = trace.D[layers - 1];
            Fill(circuit.Targets, z.Select((v, k) => (v - d[k]) >> config.FractionalBits).ToArray(), config.ClassCount, p, p, segments);
        }

        var columns = circuit.LookupColumns.Select(c => (segments[c.Segment], c.Scale)).ToList();
        segments[circuit.Multiplicities] = LogUpArgument.Multiplicities(columns, StepCircuit.TableBits);
        return w;
    }

    /// <summary>
    /// Splits a <c>rows × columns</c> row-major tensor into its limb segments, row <c>j</c> starting at <c>j·stride</c>;
    /// padding entries are the value 0 (for signed tensors: sign limb 1, since <c>0 + 2^(V−1) = 2^(V−1)</c>).
    /// </summary>
    private static void Fill(StepCircuit.Limbs limbs, long[] values, int rows, int columns, int stride, Goldilocks[][] segments)
    {
        for (int j = 0; j < rows; j++)
        {
            for (int i = 0; i < columns; i++)
            {
                StepCircuit.Decompose(limbs, values[(j * columns) + i], segments, (j * stride) + i);
            }
        }

        if (limbs.Signed)
        {
            Goldilocks[] sign = segments[limbs.Sign];
            for (int index = 0; index < sign.Length; index++)
            {
                if (index % stride >= columns || index / stride >= rows)
                {
                    sign[index] = Goldilocks.One;
                }
            }
        }
    }

    /// <summary>Embeds a feature-major <c>rows × B</c> value tensor into its zero-padded <c>2^logRows × B</c> table.</summary>
    private static Goldilocks[] Values(long[] values, int logRows, int batch)
    {
        var table = new Goldilocks[(1 << logRows) * batch];
        for (int k = 0; k < values.Length; k++)
        {
            table[k] = WeightCommitment.Embed(values[k]);
        }

        return table;
    }
}
