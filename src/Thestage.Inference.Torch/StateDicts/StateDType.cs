namespace Thestage.Inference.Torch.StateDicts;

/// <summary>The element types a TorchSharp state dict can hold that this reader decodes (values are libtorch's ScalarType codes, as written to the file).</summary>
public enum StateDType
{
    /// <summary>uint8.</summary>
    Byte = 0,

    /// <summary>int8.</summary>
    Int8 = 1,

    /// <summary>int16.</summary>
    Int16 = 2,

    /// <summary>int32.</summary>
    Int32 = 3,

    /// <summary>int64 (e.g. BatchNorm's num_batches_tracked).</summary>
    Int64 = 4,

    /// <summary>IEEE half precision.</summary>
    Float16 = 5,

    /// <summary>IEEE single precision (TorchSharp's default).</summary>
    Float32 = 6,

    /// <summary>IEEE double precision.</summary>
    Float64 = 7,

    /// <summary>bool, one byte each.</summary>
    Bool = 11,

    /// <summary>bfloat16.</summary>
    BFloat16 = 15,
}
