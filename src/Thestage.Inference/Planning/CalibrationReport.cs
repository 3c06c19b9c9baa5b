using System.Globalization;
using System.Text;
using Thestage.Models;

namespace Thestage.Inference.Planning;

/// <summary>
/// What calibration did to a model before it was planned, and what it cost in accuracy on the calibration samples:
/// the activation fits (interval covered, degree, expected error per layer), the polynomial model against the exact one,
/// and the encrypted evaluation against the exact one.
/// </summary>
/// <param name="SampleCount">The number of calibration samples the ranges were measured on.</param>
/// <param name="Fits">One fit per activation replaced by a polynomial.</param>
/// <param name="Polynomial">The polynomial model (plain evaluation) against the exact model, on the calibration samples.</param>
/// <param name="Encrypted">The encrypted evaluation against the exact model, on the first <see cref="AgreementReport.SampleCount"/> calibration samples; null when not measured.</param>
/// <param name="EncryptedVersusPolynomial">The encrypted evaluation against the polynomial model (CKKS's own error), on the same samples; null when not measured.</param>
public sealed record CalibrationReport(int SampleCount, IReadOnlyList<ActivationFit> Fits, AgreementReport Polynomial, AgreementReport? Encrypted, AgreementReport? EncryptedVersusPolynomial)
{
    /// <summary>A printable report: one line per fit, then the accuracy of the polynomial and encrypted evaluations.</summary>
    public string Describe()
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"calibration on {SampleCount} samples");
        foreach (ActivationFit fit in Fits)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  {fit}");
        }

        s.AppendLine(Line("polynomial vs exact", Polynomial));
        if (Encrypted is not null && EncryptedVersusPolynomial is not null)
        {
            s.AppendLine(Line("encrypted vs exact", Encrypted));
            s.AppendLine(Line("encrypted vs polynomial", EncryptedVersusPolynomial));
        }

        return s.ToString();
    }

    private static string Line(string what, AgreementReport r) => string.Create(
        CultureInfo.InvariantCulture,
        $"  {what}: argmax agreement {100 * r.ArgmaxAgreement:F1} % of {r.SampleCount}, max |error| {r.MaxAbsoluteError:G3}, mean {r.MeanAbsoluteError:G3} (outputs up to {r.MaxAbsoluteOutput:G3})");
}
