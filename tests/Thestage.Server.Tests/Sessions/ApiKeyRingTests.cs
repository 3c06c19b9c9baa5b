namespace Thestage.Server.Tests.Sessions;

/// <summary>API key files: reading, refusing weak keys, making a key file.</summary>
public sealed class ApiKeyRingTests
{
    [Fact]
    public void KeyFile_SkipsCommentsAndBlankLines_AndNamesClientsByLine()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, ["# the keys", "", TestServers.ApiKey, "  " + TestServers.OtherApiKey + "  "]);
            ApiKeyRing ring = ApiKeyRing.FromFile(path);

            Assert.Equal(2, ring.Count);
            Assert.True(ring.TryAuthenticate(TestServers.OtherApiKey, out string client));
            Assert.Equal("key 2", client);
            Assert.False(ring.TryAuthenticate(TestServers.OtherApiKey[..^1], out _));
            Assert.Equal(TestServers.ApiKey, ApiKeyRing.ReadClientKey(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("short")]
    [InlineData("0123456789012345678901234567890")]           // 31 characters
    [InlineData("0123456789 0123456789 0123456789 0123456789")] // spaces
    [InlineData("0123456789012345678901234567890é")]          // not ASCII
    public void WeakOrMalformedKey_IsRefused_WithoutQuotingIt(string key)
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, key);
            InvalidDataException refused = Assert.Throws<InvalidDataException>(() => ApiKeyRing.FromFile(path));
            Assert.DoesNotContain(key, refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CreatedKeyFile_HoldsA256BitKey_ReadableByItsOwnerOnly()
    {
        string path = Path.Combine(Path.GetTempPath(), $"thestage-{Guid.NewGuid():N}.key");
        try
        {
            ApiKeyRing.CreateKeyFile(path);
            string key = ApiKeyRing.ReadClientKey(path);

            Assert.Equal(43, key.Length);
            Assert.True(ApiKeyRing.FromFile(path).TryAuthenticate(key, out _));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }

            Assert.Throws<IOException>(() => ApiKeyRing.CreateKeyFile(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
