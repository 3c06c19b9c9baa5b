global using ArtifactReader = Thestage.Formats.BoundedReader<Thestage.Inference.Artifacts.ArtifactFormatErrors>;

using Thestage.Privacy.Serialization;

namespace Thestage.Inference.Artifacts;

/// <summary>
/// Malformed inference artifacts (plan, model package, requests, responses) raise <see cref="CkksFormatException"/>, the
/// one exception of this library's formats (the reader: src/Shared/BoundedReader.cs).
/// </summary>
internal readonly struct ArtifactFormatErrors : Formats.IFormatErrors
{
    public static Exception Create(string message, Exception? inner = null) => inner is null ? new CkksFormatException(message) : new CkksFormatException(message, inner);
}
