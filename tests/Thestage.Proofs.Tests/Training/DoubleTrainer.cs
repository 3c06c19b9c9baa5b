using Thestage.Proofs.Hashing;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Training;

/// <summary>
/// Real-valued (float64) minibatch SGD with the same architecture, loss, batches and learning rate as
/// <see cref="FixedPointTrainer"/>, without rounding or saturation: the yardstick for the integer trainer.
/// </summary>
internal sealed class DoubleTrainer
{
    private readonly TrainingConfig _config;
    private readonly double[][] _features;
    private readonly int[] _labels;
    private readonly double[][] _w;
    private readonly double[][] _b;
    private readonly Digest256 _scheduleKey;

    public DoubleTrainer(TrainingConfig config, TrainingDataset dataset, FixedPointWeights initial, Digest256 scheduleKey)
    {
        _config = config;
        _scheduleKey = scheduleKey;
        double scale = Math.ScaleB(1.0, -config.FractionalBits);
        _features = new double[dataset.Count][];
        _labels = new int[dataset.Count];
        for (int s = 0; s < dataset.Count; s++)
        {
            _features[s] = Array.ConvertAll(dataset.GetFeatures(s), v => v * scale);
            _labels[s] = dataset.GetLabel(s);
        }

        _w = new double[config.LayerCount][];
        _b = new double[config.LayerCount][];
        for (int l = 0; l < config.LayerCount; l++)
        {
            _w[l] = Array.ConvertAll(initial.GetWeights(l), v => v * scale);
            _b[l] = Array.ConvertAll(initial.GetBiases(l), v => v * scale);
        }
    }

    /// <summary>Runs one step on the scheduled batch and returns the pre-update loss (1/2B)Σ‖y − t‖².</summary>
    public double Step(int step)
    {
        int layers = _config.LayerCount;
        int[] batch = BatchSchedule.Indices(_scheduleKey, _features.Length, _config.BatchSize, step);
        var gw = new double[layers][];
        var gb = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            gw[l] = new double[_w[l].Length];
            gb[l] = new double[_b[l].Length];
        }

        double loss = 0;
        foreach (int s in batch)
        {
            double[][] a = Forward(_features[s], out double[][] z);
            double[] y = z[^1];
            var delta = new double[y.Length];
            for (int j = 0; j < y.Length; j++)
            {
                delta[j] = y[j] - (j == _labels[s] ? 1.0 : 0.0);
                loss += delta[j] * delta[j];
            }

            for (int l = layers - 1; l >= 0; l--)
            {
                int inputs = _config.LayerSizes[l];
                for (int j = 0; j < delta.Length; j++)
                {
                    gb[l][j] += delta[j];
                    for (int i = 0; i < inputs; i++)
                    {
                        gw[l][(j * inputs) + i] += delta[j] * a[l][i];
                    }
                }

                if (l == 0)
                {
                    break;
                }

                var next = new double[inputs];
                for (int i = 0; i < inputs; i++)
                {
                    if (z[l - 1][i] <= 0)
                    {
                        continue;
                    }

                    for (int j = 0; j < delta.Length; j++)
                    {
                        next[i] += _w[l][(j * inputs) + i] * delta[j];
                    }
                }

                delta = next;
            }
        }

        double rate = Math.ScaleB(1.0, -_config.LearningRateShift) / _config.BatchSize;
        for (int l = 0; l < layers; l++)
        {
            for (int i = 0; i < _w[l].Length; i++)
            {
                _w[l][i] -= rate * gw[l][i];
            }

            for (int j = 0; j < _b[l].Length; j++)
            {
                _b[l][j] -= rate * gb[l][j];
            }
        }

        return loss / (2.0 * _config.BatchSize);
    }

    /// <summary>Returns the activations entering each layer; <paramref name="z"/> gets the pre-activations.</summary>
    private double[][] Forward(double[] x, out double[][] z)
    {
        int layers = _config.LayerCount;
        var a = new double[layers][];
        z = new double[layers][];
        a[0] = x;
        for (int l = 0; l < layers; l++)
        {
            int inputs = _config.LayerSizes[l];
            int outputs = _config.LayerSizes[l + 1];
            z[l] = new double[outputs];
            for (int j = 0; j < outputs; j++)
            {
                double acc = _b[l][j];
                for (int i = 0; i < inputs; i++)
                {
                    acc += _w[l][(j * inputs) + i] * a[l][i];
                }

                z[l][j] = acc;
            }

            if (l + 1 < layers)
            {
                a[l + 1] = Array.ConvertAll(z[l], v => Math.Max(v, 0.0));
            }
        }

        return a;
    }
}
