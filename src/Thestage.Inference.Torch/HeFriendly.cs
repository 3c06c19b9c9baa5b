using TorchSharp;
using TorchSharp.Modules;
using Thestage.Models;
using static TorchSharp.torch;
using TorchSequential = TorchSharp.Modules.Sequential;

namespace Thestage.Inference.Torch;

/// <summary>
/// Helps make a TorchSharp network CKKS-friendly: swap its ReLU/Sigmoid/Tanh/GELU for the polynomials (or squares) that
/// encrypted inference will evaluate, then fine-tune so the weights adapt to them.
/// </summary>
public static class HeFriendly
{
    /// <summary>
    /// A copy of <paramref name="model"/> (nested Sequentials included) in which every ReLU, Sigmoid, Tanh and GELU is a
    /// <see cref="PolynomialActivation"/> fitted on <paramref name="approximation"/>'s interval and degree. Other layers are
    /// shared with the original (same parameters) and keep their names, so state-dict keys do not change.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="approximation">The interval and degree of the fits.</param>
    public static TorchSequential WithPolynomialActivations(TorchSequential model, ActivationApproximation approximation)
    {
        ArgumentNullException.ThrowIfNull(approximation);
        return Rebuild(model, m => m switch
        {
            ReLU => new PolynomialActivation(Activation.Relu(approximation.Min, approximation.Max, approximation.Degree)),
            Sigmoid => new PolynomialActivation(Activation.Sigmoid(approximation.Min, approximation.Max, approximation.Degree)),
            Tanh => new PolynomialActivation(Activation.Tanh(approximation.Min, approximation.Max, approximation.Degree)),
            GELU => new PolynomialActivation(Activation.Gelu(approximation.Min, approximation.Max, approximation.Degree)),
            _ => null,
        });
    }

    /// <summary>A copy of <paramref name="model"/> in which every ReLU, Sigmoid, Tanh and GELU is a <see cref="Square"/> (CryptoNets style); other layers are shared.</summary>
    /// <param name="model">The model.</param>
    public static TorchSequential WithSquareActivations(TorchSequential model) =>
        Rebuild(model, m => m is ReLU or Sigmoid or Tanh or GELU ? new Square() : null);

    /// <summary>
    /// Fine-tunes a classifier with Adam and cross-entropy in shuffled mini-batches, then leaves it in eval mode.
    /// </summary>
    /// <param name="model">The model (its output: one logit per class).</param>
    /// <param name="inputs">The samples, [N, …], in the model's dtype.</param>
    /// <param name="labels">The class indices, [N], int64.</param>
    /// <param name="epochs">Passes over the data, ≥ 1.</param>
    /// <param name="learningRate">Adam's learning rate, &gt; 0.</param>
    /// <param name="batchSize">Samples per step, ≥ 1.</param>
    /// <returns>The mean training loss of each epoch.</returns>
    public static IReadOnlyList<double> FineTune(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, int epochs, double learningRate, int batchSize = 64)
        => FineTune(model, inputs, labels, epochs, learningRate, batchSize, null, CancellationToken.None);

    /// <summary>
    /// Fine-tunes a classifier with Adam and cross-entropy in shuffled mini-batches, reporting every optimizer step and
    /// stopping between steps when cancelled; the model is left in eval mode either way.
    /// </summary>
    /// <param name="model">The model (its output: one logit per class).</param>
    /// <param name="inputs">The samples, [N, …], in the model's dtype.</param>
    /// <param name="labels">The class indices, [N], int64.</param>
    /// <param name="epochs">Passes over the data, ≥ 1.</param>
    /// <param name="learningRate">Adam's learning rate, &gt; 0.</param>
    /// <param name="batchSize">Samples per step, ≥ 1.</param>
    /// <param name="progress">Told after every optimizer step; null for no reports.</param>
    /// <param name="cancellationToken">Checked before every optimizer step. A cancelled fine-tuning leaves the weights of
    /// the steps already taken.</param>
    /// <returns>The mean training loss of each epoch.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static IReadOnlyList<double> FineTune(
        nn.Module<Tensor, Tensor> model,
        Tensor inputs,
        Tensor labels,
        int epochs,
        double learningRate,
        int batchSize,
        IProgress<FineTuneProgress>? progress,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be positive and finite.");
        }

        long n = inputs.shape[0];
        if (labels.shape.Length != 1 || labels.shape[0] != n || n == 0)
        {
            throw new ArgumentException($"The labels [{string.Join(", ", labels.shape)}] must be one per input ({n}).", nameof(labels));
        }

        long batches = (n + batchSize - 1) / batchSize;

        TorchNative.EnsureLoadable();
        using var optimizer = optim.Adam(model.parameters(), learningRate);
        var losses = new List<double>(epochs);
        model.train();
        try
        {
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                double total = 0;
                using Tensor order = randperm(n);
                for (long start = 0, batch = 1; start < n; start += batchSize, batch++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    Tensor index = order.slice(0, start, Math.Min(n, start + batchSize), 1);
                    optimizer.zero_grad();
                    Tensor loss = nn.functional.cross_entropy(model.call(inputs.index_select(0, index)), labels.index_select(0, index));
                    loss.backward();
                    optimizer.step();
                    total += loss.ToDouble() * index.shape[0];
                    progress?.Report(new FineTuneProgress(epoch + 1, epochs, batch, batches, total / Math.Min(n, start + batchSize)));
                }

                losses.Add(total / n);
            }
        }
        finally
        {
            model.eval();
        }

        return losses;
    }

    private static TorchSequential Rebuild(TorchSequential model, Func<nn.Module, nn.Module<Tensor, Tensor>?> replace)
    {
        ArgumentNullException.ThrowIfNull(model);
        TorchNative.EnsureLoadable();
        var children = new List<(string, nn.Module<Tensor, Tensor>)>();
        foreach ((string name, nn.Module child) in model.named_children())
        {
            nn.Module<Tensor, Tensor> next = child switch
            {
                TorchSequential inner => Rebuild(inner, replace),
                _ => replace(child) ?? child as nn.Module<Tensor, Tensor> ?? throw new NotSupportedException($"Child '{name}' of type {child.GetType().Name} is not a tensor-to-tensor module."),
            };
            children.Add((name, next));
        }

        return nn.Sequential(children.ToArray());
    }
}
