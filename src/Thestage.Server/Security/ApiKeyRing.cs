using System.Security.Cryptography;
using System.Text;

namespace Thestage.Server;

/// <summary>
/// The API keys a server accepts, one per client. Only their SHA-256 hashes are kept; a presented key is hashed and
/// compared with every accepted hash in constant time (<see cref="CryptographicOperations.FixedTimeEquals"/>, no early
/// exit), so neither the time of a refusal nor of an acceptance tells which bytes or which key matched.
/// </summary>
/// <remarks>
/// A key file holds one key per line (blank lines and lines starting with <c>#</c> are skipped); a key is 32 to 512
/// printable ASCII characters without spaces (<see cref="CreateKeyFile"/> writes 256 random bits in base64url). A client is
/// named after its line, <c>key 1</c>, <c>key 2</c>…, in logs and in the per-client limits; no key is ever logged.
/// </remarks>
public sealed class ApiKeyRing
{
    /// <summary>The shortest key accepted.</summary>
    public const int MinKeyLength = 32;

    /// <summary>The longest key accepted.</summary>
    public const int MaxKeyLength = 512;

    /// <summary>The longest key file read.</summary>
    public const int MaxFileBytes = 1 << 20;

    private readonly byte[][] _hashes;

    private ApiKeyRing(byte[][] hashes) => _hashes = hashes;

    /// <summary>The number of keys.</summary>
    public int Count => _hashes.Length;

    /// <summary>A ring of the given keys.</summary>
    /// <param name="keys">The keys, each 32 to 512 printable ASCII characters without spaces.</param>
    /// <exception cref="ArgumentException">No key, or a key of another length or with other characters.</exception>
    public static ApiKeyRing FromKeys(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var hashes = new List<byte[]>();
        foreach (string key in keys)
        {
            Require(key, hashes.Count + 1);
            hashes.Add(Hash(key));
        }

        return hashes.Count > 0 ? new ApiKeyRing([.. hashes]) : throw new ArgumentException("An API key ring needs at least one key.", nameof(keys));
    }

    /// <summary>Reads a key file (one key per line).</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="InvalidDataException">The file is larger than 1 MiB, holds no key, or a line is not a valid key (the message names the line, never its text).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ApiKeyRing FromFile(string path)
    {
        try
        {
            return FromKeys(ReadKeys(path));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads the first key of a key file (a client's own key).</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="InvalidDataException">The file is larger than 1 MiB, holds no key, or its first key is not valid.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static string ReadClientKey(string path)
    {
        string key = ReadKeys(path).FirstOrDefault() ?? throw new InvalidDataException($"{path} holds no API key.");
        try
        {
            Require(key, 1);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        return key;
    }

    /// <summary>Writes a new key file with one key of 256 random bits (base64url), readable by its owner only where the
    /// file system has Unix permissions.</summary>
    /// <param name="path">The file; it must not exist.</param>
    /// <exception cref="IOException">The file exists or cannot be written.</exception>
    public static void CreateKeyFile(string path)
    {
        string key = Base64Url(RandomNumberGenerator.GetBytes(32));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, Encoding.ASCII, options);
        writer.WriteLine(key);
    }

    /// <summary>
    /// Checks a presented key. Every accepted hash is compared, in constant time, whatever the result; the client is named
    /// after the position of its key.
    /// </summary>
    /// <param name="presented">The key the caller sent (null or empty: refused).</param>
    /// <param name="client">The client's name (<c>key N</c>) when accepted.</param>
    /// <returns>True when the key is one of the ring's.</returns>
    public bool TryAuthenticate(string? presented, out string client)
    {
        client = string.Empty;
        if (string.IsNullOrEmpty(presented) || presented.Length > MaxKeyLength)
        {
            return false;
        }

        byte[] hash = Hash(presented);
        int match = -1;
        for (int i = 0; i < _hashes.Length; i++)
        {
            // No branch on the comparison's outcome beyond recording it: every hash is compared.
            bool equal = CryptographicOperations.FixedTimeEquals(hash, _hashes[i]);
            match = equal ? i : match;
        }

        if (match < 0)
        {
            return false;
        }

        client = $"key {match + 1}";
        return true;
    }

    private static IEnumerable<string> ReadKeys(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"The API key file {path} does not exist.", path);
        }

        if (info.Length > MaxFileBytes)
        {
            throw new InvalidDataException($"{path} has {info.Length} bytes; an API key file has at most {MaxFileBytes}.");
        }

        return File.ReadAllLines(path, Encoding.UTF8).Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#')).ToArray();
    }

    private static void Require(string key, int line)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length is < MinKeyLength or > MaxKeyLength || key.Any(c => c is <= ' ' or > '~'))
        {
            throw new ArgumentException($"key {line} is not {MinKeyLength} to {MaxKeyLength} printable ASCII characters without spaces (create one with thestage serve, or 32 random bytes in base64).");
        }
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
