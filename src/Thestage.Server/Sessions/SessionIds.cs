using System.Security.Cryptography;

namespace Thestage.Server.Sessions;

/// <summary>Session names: 128 bits from the OS CSPRNG, lowercase hex; a name of any other form is refused before lookup.</summary>
internal static class SessionIds
{
    public const int Length = 32;

    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Length / 2));

    public static bool IsWellFormed(string? id) => id is { Length: Length } && id.All(char.IsAsciiHexDigitLower);
}
