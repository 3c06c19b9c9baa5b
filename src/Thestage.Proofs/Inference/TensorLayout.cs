namespace Thestage.Proofs.Inference;

/// <summary>
/// The padded layout of a batched tensor in the proof: index <c>((c·S' + s)·B' + b)</c> for channel <c>c</c>,
/// spatial position <c>s &lt; S</c> and sample <c>b &lt; B</c>, with <c>S' = 2^⌈log S⌉</c>, <c>C' = 2^⌈log C⌉</c>,
/// <c>B' = 2^⌈log B⌉</c>; every other entry is zero. Feature bits are the first variables, batch bits the last.
/// </summary>
internal sealed record TensorLayout(int Channels, int Spatial, int LogChannels, int LogSpatial, int LogBatch)
{
    public int SpatialPadded => 1 << LogSpatial;

    public int LogFeatures => LogChannels + LogSpatial;

    public int FeaturesPadded => 1 << LogFeatures;

    public int LogSize => LogFeatures + LogBatch;

    public int Size => 1 << LogSize;

    public static TensorLayout Create(int channels, int spatial, int logBatch) => new(channels, spatial, CeilLog2(channels), CeilLog2(spatial), logBatch);

    /// <summary>The padded feature index of the channel-major logical feature <c>f = c·S + s</c>.</summary>
    public int Feature(int logical) => ((logical / Spatial) << LogSpatial) + (logical % Spatial);

    public static int CeilLog2(int value)
    {
        int log = 0;
        while ((1L << log) < value)
        {
            log++;
        }

        return log;
    }
}
