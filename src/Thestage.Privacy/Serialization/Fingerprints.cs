using System.Runtime.CompilerServices;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Serialization;

/// <summary>The parameter fingerprint of each context, computed once.</summary>
internal static class Fingerprints
{
    private static readonly ConditionalWeakTable<RlweContext, byte[]> Cache = new();

    public static byte[] Of(RlweContext context) => Cache.GetValue(context, FormatHeader.ComputeFingerprint);
}
