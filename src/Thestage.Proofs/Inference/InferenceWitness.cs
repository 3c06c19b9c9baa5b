using Thestage.Proofs.Fields;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Quantization;

namespace Thestage.Proofs.Inference;

/// <summary>The prover's padded tensors (field and integer) and witness segments for one batch.</summary>
internal sealed class InferenceWitness
{
    private InferenceWitness(long[][] tensors, Goldilocks[][] fieldTensors, Goldilocks[][] advice, int[][] outputs)
    {
        Tensors = tensors;
        FieldTensors = fieldTensors;
        Advice = advice;
        Outputs = outputs;
    }

    /// <summary>Gets the padded integer tensors, indexed like <see cref="CircuitPlan.Layouts"/>.</summary>
    public long[][] Tensors { get; }

    public Goldilocks[][] FieldTensors { get; }

    /// <summary>Gets the witness segments, indexed like <see cref="CircuitPlan.AdviceLogSizes"/>.</summary>
    public Goldilocks[][] Advice { get; }

    public int[][] Outputs { get; }

    public static InferenceWitness Build(CircuitPlan plan, QuantizedModel model, IReadOnlyList<int[]> inputs)
    {
        int count = plan.Layers.Length;
        var tensors = new long[count + 1][];
        var accumulators = new long[count][];
        for (int t = 0; t <= count; t++)
        {
            tensors[t] = new long[plan.Layouts[t].Size];
        }

        for (int l = 0; l < count; l++)
        {
            accumulators[l] = new long[plan.Layouts[l + 1].Size];
        }

        var outputs = new int[inputs.Count][];
        for (int b = 0; b < inputs.Count; b++)
        {
            (int[][] trace, long[]?[] accs) = IntegerEvaluator.Trace(model, inputs[b]);
            outputs[b] = trace[^1];
            for (int t = 0; t <= count; t++)
            {
                Scatter(plan.Layouts[t], plan.LogBatch, b, Array.ConvertAll(trace[t], v => (long)v), tensors[t]);
                if (t < count && accs[t] is long[] acc)
                {
                    Scatter(plan.Layouts[t + 1], plan.LogBatch, b, acc, accumulators[t]);
                }
            }
        }

        Goldilocks[][] field = tensors.Select(t => t.Select(CircuitPlan.Field).ToArray()).ToArray();
        var advice = new Goldilocks[plan.AdviceLogSizes.Count][];
        foreach ((int t, (int l0, int l1, int e)) in plan.Limbs)
        {
            long[] x = tensors[t];
            advice[l0] = x.Select(v => new Goldilocks((ulong)((v + 32768) & 255))).ToArray();
            advice[l1] = x.Select(v => new Goldilocks((ulong)(((v + 32768) >> 8) & 127))).ToArray();
            advice[e] = x.Select(v => new Goldilocks((ulong)((v + 32768) >> 15))).ToArray();
        }

        foreach ((int l, int[] limbs) in plan.Remainders)
        {
            int shift = plan.Layers[l].Shift;
            long[] acc = accumulators[l], q = tensors[l + 1];
            for (int i = 0; i < limbs.Length; i++)
            {
                var limb = new Goldilocks[acc.Length];
                for (int x = 0; x < acc.Length; x++)
                {
                    long remainder = acc[x] + FixedPoint.Offset(shift) - (q[x] << shift);
                    limb[x] = new Goldilocks((ulong)((remainder >> (8 * i)) & 255));
                }

                advice[limbs[i]] = limb;
            }
        }

        foreach ((int l, (int L0, int L1)[] limbs) in plan.Differences)
        {
            (int[] rows, int[] taps, _) = plan.Taps[l];
            long[] m = tensors[l + 1], x = tensors[l];
            var l0 = new Goldilocks[limbs.Length][];
            var l1 = new Goldilocks[limbs.Length][];
            for (int j = 0; j < limbs.Length; j++)
            {
                l0[j] = new Goldilocks[m.Length];
                l1[j] = new Goldilocks[m.Length];
            }

            // Tap t is offset t mod area of its window; d = m − x ∈ [0, 2^16) for the true maximum (both are int16).
            int batch = 1 << plan.LogBatch;
            for (int t = 0; t < rows.Length; t++)
            {
                int j = t % limbs.Length;
                for (int b = 0; b < batch; b++)
                {
                    long d = m[(rows[t] << plan.LogBatch) + b] - x[(taps[t] << plan.LogBatch) + b];
                    l0[j][(rows[t] << plan.LogBatch) + b] = new Goldilocks((ulong)(d & 255));
                    l1[j][(rows[t] << plan.LogBatch) + b] = new Goldilocks((ulong)((d >> 8) & 255));
                }
            }

            for (int j = 0; j < limbs.Length; j++)
            {
                advice[limbs[j].L0] = l0[j];
                advice[limbs[j].L1] = l1[j];
            }
        }

        var columns = plan.LookupColumns.Select(c => (advice[c.Segment], c.Scale)).ToList();
        advice[plan.MultiplicitySegment] = LogUpArgument.Multiplicities(columns, CircuitPlan.TableBits);
        return new InferenceWitness(tensors, field, advice, outputs);
    }

    /// <summary>Writes one sample's channel-major tensor into the padded batched layout.</summary>
    public static void Scatter<TValue>(TensorLayout layout, int logBatch, int sample, IReadOnlyList<TValue> values, TValue[] destination)
    {
        for (int f = 0; f < values.Count; f++)
        {
            destination[(layout.Feature(f) << logBatch) + sample] = values[f];
        }
    }
}
