namespace Thestage.Proofs.Quantization;

/// <summary>How closely a <see cref="QuantizedModel"/> follows its double-precision source on given inputs.</summary>
/// <param name="SampleCount">The number of inputs compared.</param>
/// <param name="MaxAbsoluteError">The largest <c>|y_float − y_quantized|</c> over all outputs and inputs.</param>
/// <param name="MeanAbsoluteError">The mean <c>|y_float − y_quantized|</c> over all outputs and inputs.</param>
/// <param name="MaxAbsoluteOutput">The largest <c>|y_float|</c>, to put the errors in scale.</param>
/// <param name="ArgmaxAgreement">The fraction of inputs whose arg-max output (predicted class) agrees.</param>
public sealed record QuantizationReport(int SampleCount, double MaxAbsoluteError, double MeanAbsoluteError, double MaxAbsoluteOutput, double ArgmaxAgreement);
