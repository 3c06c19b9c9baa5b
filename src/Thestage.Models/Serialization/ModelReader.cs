global using ModelReader = Thestage.Formats.BoundedReader<Thestage.Models.Serialization.ModelFormatErrors>;

namespace Thestage.Models.Serialization;

/// <summary>Malformed model and calibration bytes raise <see cref="ModelFormatException"/> (the reader: src/Shared/BoundedReader.cs).</summary>
internal readonly struct ModelFormatErrors : Formats.IFormatErrors
{
    public static Exception Create(string message, Exception? inner = null) => inner is null ? new ModelFormatException(message) : new ModelFormatException(message, inner);
}
