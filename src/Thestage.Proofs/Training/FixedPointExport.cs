using Thestage.Models;

namespace Thestage.Proofs.Training;

/// <summary>
/// Exports the fixed-point MLP of proofs of training (<see cref="FixedPointWeights"/>, trained by
/// <see cref="FixedPointTrainer"/>) to the double-precision model IR (Thestage.Models), so that the proven model can also be
/// served with encrypted inference. It lives here, beside the fixed-point model it reads, because the proof library may
/// use the model IR and the inference library must not use the proof library.
/// </summary>
/// <remarks>
/// <para>
/// The fixed-point model (semantics in <see cref="FixedPointTrainer"/>): every integer <c>v</c> means <c>v·2^−f</c>,
/// <c>f = </c><see cref="TrainingConfig.FractionalBits"/>; layer <c>l</c> computes
/// <c>z_l = round_f(W_l·a_l + b_l·2^f)</c>, hidden layers apply <c>a_(l+1) = max(z_l, 0)</c>, the last layer is linear.
/// The export is the same network over the reals: per layer a <see cref="Dense"/> with weights <c>W_l·2^−f</c>
/// (transposed to the IR's inputs × outputs) and bias <c>b_l·2^−f</c>, and after every layer but the last a ReLU. Its input is
/// the real feature vector, the integer features times <c>2^−f</c> (width <see cref="TrainingConfig.InputSize"/>); its
/// outputs are real scores, the fixed-point scores <c>y</c> times <c>2^−f</c> up to rounding.
/// </para>
/// <para>
/// The parameters convert exactly (integers below 2^31 times a power of two). The only difference from the fixed-point
/// forward pass is that the IR does not round each layer to the grid <c>2^−f</c>: a rounding moves a pre-activation by at
/// most <c>2^−(f+1)</c>, and since ReLU is 1-Lipschitz the output deviation obeys <c>e_0 ≤ 2^−(f+1)</c>,
/// <c>e_l ≤ |W_l·2^−f|·e_(l−1) + 2^−(f+1)</c> (entrywise absolute values), plus double rounding.
/// </para>
/// </remarks>
public static class FixedPointExport
{
    /// <summary>
    /// The exact export: Dense → exact ReLU (<c>Activation.Exact(LayerKind.Relu)</c>) → … → Dense. Its plain evaluation is the reference; it cannot be
    /// served encrypted (see <see cref="ToSequential(FixedPointWeights, Activation)"/>).
    /// </summary>
    /// <param name="weights">The trained parameters.</param>
    /// <returns>The model, input shape <c>[InputSize]</c>, output shape <c>[ClassCount]</c>.</returns>
    public static Sequential ToSequential(FixedPointWeights weights) => Build(weights, null);

    /// <summary>
    /// The export for encrypted serving: every hidden ReLU is replaced by <paramref name="hiddenActivation"/>, a polynomial
    /// stand-in for ReLU such as <c>Activation.Relu(−2, 2, 7)</c> (the Chebyshev fit of degree 7 on [−2, 2], depth 3).
    /// </summary>
    /// <param name="weights">The trained parameters.</param>
    /// <param name="hiddenActivation">The activation after each hidden layer.</param>
    /// <returns>The model, input shape <c>[InputSize]</c>, output shape <c>[ClassCount]</c>.</returns>
    /// <remarks>
    /// The fit is only as good as its interval: every hidden pre-activation, in real units <c>z·2^−f</c>, must stay in it
    /// for the inputs served (outside, the polynomial diverges quickly), so measure that range with the exact export on
    /// representative inputs and take the interval just wide enough — the error of a ReLU fit grows with the interval
    /// (for <see cref="Activation.Relu(double, double, int)"/> on <c>[−R, R]</c>, about <c>0.064·R</c> at degree 7 and
    /// <c>0.031·R</c> at degree 15, largest at the kink), or let calibration choose the interval and degree from sample inputs
    /// (<c>Thestage.Models.Calibration</c>). The following
    /// layers propagate that error like the rounding error in the type's remarks; CKKS adds its own noise.
    /// </remarks>
    public static Sequential ToSequential(FixedPointWeights weights, Activation hiddenActivation)
    {
        ArgumentNullException.ThrowIfNull(hiddenActivation);
        return Build(weights, hiddenActivation);
    }

    private static Sequential Build(FixedPointWeights weights, Activation? hidden)
    {
        ArgumentNullException.ThrowIfNull(weights);
        TrainingConfig config = weights.Config;
        int f = config.FractionalBits;
        var layers = new List<Layer>(2 * config.LayerCount - 1);
        for (int l = 0; l < config.LayerCount; l++)
        {
            int inputs = config.LayerSizes[l];
            int outputs = config.LayerSizes[l + 1];
            int[] w = weights.GetWeights(l);
            int[] b = weights.GetBiases(l);
            var matrix = new double[inputs, outputs];
            for (int j = 0; j < outputs; j++)
            {
                for (int i = 0; i < inputs; i++)
                {
                    matrix[i, j] = Math.ScaleB(w[(j * inputs) + i], -f);
                }
            }

            layers.Add(new Dense(matrix, Array.ConvertAll(b, v => Math.ScaleB(v, -f))));
            if (l + 1 < config.LayerCount)
            {
                layers.Add(hidden ?? Activation.Exact(LayerKind.Relu));
            }
        }

        return new Sequential([config.InputSize], layers);
    }
}
