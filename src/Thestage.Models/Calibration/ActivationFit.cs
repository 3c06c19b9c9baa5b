namespace Thestage.Models;

/// <summary>What <see cref="ActivationFitter"/> did for one activation layer.</summary>
/// <param name="LayerIndex">The layer.</param>
/// <param name="Function">The exact function replaced (ReLU, sigmoid, tanh or GELU).</param>
/// <param name="Calibrated">The range its inputs took on the calibration samples.</param>
/// <param name="Covered">The interval the fit is accurate on: the calibrated range with the margin.</param>
/// <param name="Guarded">The wider interval on which the fit stays close to f (degrades gracefully).</param>
/// <param name="Degree">The degree chosen.</param>
/// <param name="MaxError">The largest |p − f| on <paramref name="Covered"/> (measured on 4,001 evenly spaced points and ReLU's kink): the expected approximation error.</param>
/// <param name="GuardMaxError">The largest |p − f| on <paramref name="Guarded"/>.</param>
/// <param name="MeetsTarget">Whether <paramref name="MaxError"/> is within the accuracy asked.</param>
public sealed record ActivationFit(
    int LayerIndex, LayerKind Function, ValueRange Calibrated, ValueRange Covered, ValueRange Guarded, int Degree, double MaxError, double GuardMaxError, bool MeetsTarget)
{
    /// <summary>A one-line description.</summary>
    public override string ToString() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"layer {LayerIndex} {Function}: calibrated {Calibrated}, covered {Covered}, degree {Degree}, max error {MaxError:G3}{(MeetsTarget ? "" : " (above the accuracy asked)")}, up to {GuardMaxError:G3} on {Guarded}");
}
