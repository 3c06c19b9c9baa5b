namespace Thestage.Proofs.Quantization;

/// <summary>How a <see cref="QuantizedModel"/> guarantees that its activations stay int16 and its accumulators int32.</summary>
/// <remarks>
/// The proof checks every activation's int16 range (logUp over its limbs), so an evaluation that leaves the range has no
/// proof in either mode; the modes differ in which inputs can be proven. <see cref="WorstCase"/> bounds the activations of
/// every admissible input by interval analysis, so every input can be proven; through several weighted layers the bounds
/// compound (each layer's shift must absorb <c>Σ|w|</c> times the previous worst case), which for a network as deep as
/// LeNet-5 leaves the typical activations a few units wide and the outputs zero. <see cref="Calibrated"/> chooses the shifts
/// from calibration ranges only, as zkCNN (Liu, Xie, Zhang, CCS 2021) and post-training quantization in general do
/// (Jacob et al., CVPR 2018): inputs like the calibration data can be proven, and an input that drives an activation out of
/// int16 is refused by <see cref="IntegerEvaluator"/> (and hence by the prover) instead of being saturated.
/// </remarks>
public enum ActivationRange
{
    /// <summary>Interval analysis over all admissible inputs: every input in the input range can be proven.</summary>
    WorstCase = 0,

    /// <summary>Shifts from calibration ranges: inputs whose activations leave int16 or accumulators leave int32 are refused.</summary>
    Calibrated = 1,
}
