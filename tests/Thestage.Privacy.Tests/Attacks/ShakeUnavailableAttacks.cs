using System.Security.Cryptography;
using Thestage.Privacy.Sampling;

namespace Thestage.Privacy.Tests.Attacks;

/// <summary>
/// Item 5 of issue 10: SHAKE-256 came only from the operating system, so on macOS and older Windows every key
/// generation and encryption threw <see cref="PlatformNotSupportedException"/> — a client there could not use the
/// library at all. The attack is that platform, injected: the operating system reports no SHAKE-256.
/// </summary>
public sealed class ShakeUnavailableAttacks
{
    [Fact]
    public void OperatingSystemWithoutShake_KeysAndEncryptionThrow_Fails()
    {
        Shake256Function chosen = Shake256Xof.Choose(operatingSystemSupported: false);
        Assert.Same(Shake256Xof.Managed, chosen);
        byte[] seed = Enumerable.Range(0, Shake256Stream.SeedLength).Select(i => (byte)(3 * i + 1)).ToArray();
        using var stream = new Shake256Stream(seed, chosen);
        var block = new byte[20000]; // crosses two 8 KiB block boundaries
        stream.NextBytes(block);
        // The stream's definition computed independently (Python's hashlib): block j = SHAKE-256(tag ‖ seed ‖ u64le j)[0, 8192).
        Assert.Equal("EAAEEED8C359600CE823083F63DB1564", Convert.ToHexString(block, 0, 16));
        Assert.Equal("33C4ADA535B9BFA4FE0EADEE39C57D68EBC176148EC14F4F1B85F4FE468F8FCC", Convert.ToHexString(SHA256.HashData(block)));
    }

    [Fact]
    public void BothImplementations_ComputeFips202Shake256()
    {
        // FIPS 202 known answers (SHAKE-256 of the empty string and of "abc", first 32 bytes; checked with Python's hashlib).
        foreach (Shake256Function xof in new[] { Shake256Xof.Managed, Shake256Xof.Default })
        {
            var output = new byte[32];
            xof([], output);
            Assert.Equal("46B9DD2B0BA88D13233B3FEB743EEB243FCD52EA62B81B82B50C27646ED5762F", Convert.ToHexString(output));
            xof("abc"u8, output);
            Assert.Equal("483366601360A8771C6863080CC4114D8DB44530F8F1E1EE4F94EA37E78B5739", Convert.ToHexString(output));
        }
    }

    [Fact]
    public void ManagedAndOperatingSystemStreams_Differ_Fails()
    {
        Assert.Same(Shake256Xof.OperatingSystem, Shake256Xof.Choose(operatingSystemSupported: true));
        Assert.Same(Shake256Xof.Choose(Shake256.IsSupported), Shake256Xof.Default);
        if (!Shake256.IsSupported)
        {
            return; // no second implementation to compare with; the known answers above still check the managed one
        }

        var random = new Random(5);
        for (int trial = 0; trial < 8; trial++)
        {
            var seed = new byte[Shake256Stream.SeedLength];
            random.NextBytes(seed);
            using var os = new Shake256Stream(seed, Shake256Xof.OperatingSystem);
            using var managed = new Shake256Stream(seed, Shake256Xof.Managed);
            var a = new byte[3 * 8192 + 17];
            var b = new byte[a.Length];
            os.NextBytes(a);
            managed.NextBytes(b);
            Assert.Equal(a, b);
        }
    }
}
