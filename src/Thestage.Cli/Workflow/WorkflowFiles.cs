using System.Globalization;
using System.Security.Cryptography;
using Thestage.Inference.Artifacts;
using Thestage.Models;
using Thestage.Privacy.Serialization;
using Thestage.Proofs;

namespace Thestage.Cli.Workflow;

/// <summary>
/// The files of the file-based workflow (<c>predict</c>, <c>compile</c>, <c>keys</c>, <c>encrypt</c>, <c>eval</c>,
/// <c>decrypt</c>, <c>prove</c>, <c>verify</c>): the names inside the model package and key directories, bounded reads
/// of untrusted files, and writes that keep secrets readable by their owner only.
/// </summary>
/// <remarks>
/// <para>The model package directory (<c>compile --out PKG</c>), kept by the model owner:</para>
/// <list type="bullet">
/// <item><description><c>model.tspk</c> — the model package (TSPK: source model, calibration, polynomial model, plan); private: it holds the weights.</description></item>
/// <item><description><c>plan.tspl</c> — the plan alone (TSPL); public: what a client needs to make keys, encrypt and decrypt.</description></item>
/// <item><description><c>model.tsmc</c> — the model commitment (TSMC); public: what a verifier checks proofs against.</description></item>
/// <item><description><c>commitment.seed</c> — the commitment's secret seed (TSCS); private (mode 0600): the salts that hide the weights derive from it.</description></item>
/// <item><description><c>commitment.openings</c> — with <c>compile --hiding --opening-budget B</c> only: the openings made so far
/// (<see cref="OpeningCount"/>); private (mode 0600), the prover's state like the seed: rolled back, it makes proofs reveal the weights.</description></item>
/// <item><description><c>commitment.lock</c> — made by <c>prove</c> on such a package: one <c>prove</c> at a time holds it.</description></item>
/// </list>
/// <para>The key directory (<c>keys --out KEYS</c>), kept by the client: <c>secret.key</c> (the CKKS secret key, mode 0600,
/// never sent), <c>evaluation.keys</c> (TSEK: sent to the server), <c>plan.tspl</c> (a copy of the plan the keys were made for).</para>
/// <para>Every file read is untrusted: its size is checked against a bound for its kind before it is read, and the read stops
/// at that bound even if the file grows meanwhile.</para>
/// </remarks>
internal static class WorkflowFiles
{
    public const string Package = "model.tspk";
    public const string Plan = "plan.tspl";
    public const string Commitment = "model.tsmc";
    public const string CommitmentSeed = "commitment.seed";
    public const string SecretKey = "secret.key";
    public const string EvaluationKeys = "evaluation.keys";

    /// <summary>The most samples a CSV holds for <c>predict</c>, <c>compile</c> and <c>encrypt</c> (a request's limit).</summary>
    public const int MaxSamples = 1 << 20;

    /// <summary>The largest package, key bundle, request or response read: what one .NET array holds.</summary>
    public static readonly long MaxLarge = Array.MaxLength;

    /// <summary>The largest plan, secret key or commitment read: 256 MiB.</summary>
    public const long MaxMedium = 256L << 20;

    /// <summary>The largest proof bundle read: 1 GiB.</summary>
    public const long MaxProof = 1L << 30;

    /// <summary>The exact size of a commitment seed (TSCS).</summary>
    public const long SeedBytes = 38;

    private static readonly UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The path of <paramref name="name"/> inside <paramref name="directory"/>, which must exist there.</summary>
    /// <exception cref="FileNotFoundException">The file is missing; <paramref name="madeBy"/> says which verb makes it.</exception>
    public static string In(string directory, string name, string madeBy)
    {
        string path = Path.Combine(directory, name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{directory} has no {name} ({madeBy})", path);
    }

    /// <summary>A file given either directly or as the directory that holds it under <paramref name="name"/>.</summary>
    public static string FileOrIn(string path, string name, string madeBy) => Directory.Exists(path) ? In(path, name, madeBy) : path;

    /// <summary>Reads a whole file of at most <paramref name="max"/> bytes (<paramref name="what"/> names its kind in messages).</summary>
    /// <exception cref="InvalidDataException">The file is larger than the bound.</exception>
    public static byte[] Read(string path, long max, string what)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        long length = stream.Length;
        if (length > max)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: {length:N0} bytes; {what} is at most {max:N0}"));
        }

        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        if (stream.ReadByte() >= 0)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path} grew while it was read; {what} is at most {max:N0} bytes"));
        }

        return bytes;
    }

    /// <summary>Reads a file of at most <paramref name="max"/> bytes and parses it, naming the file in a refusal of its format.</summary>
    /// <exception cref="InvalidDataException">The file is too large, or its reader refused it (the message names the file, then the reader's reason).</exception>
    public static T Load<T>(string path, long max, string what, Func<byte[], T> parse) => Named(path, () => parse(Read(path, max, what)));

    /// <summary>Runs <paramref name="work"/>, turning a refusal by one of the libraries' format readers into one naming <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">A reader refused the bytes of <paramref name="path"/>.</exception>
    public static T Named<T>(string path, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (e is CkksFormatException or ProofFormatException or ModelFormatException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads samples of <paramref name="width"/> values from a CSV of at most <paramref name="maxSamples"/> lines.</summary>
    /// <exception cref="InvalidDataException">The file is too large or not such a CSV (the message names the file and the line).</exception>
    public static double[][] ReadCsv(string path, int width, int maxSamples)
    {
        byte[] bytes = Read(path, SampleCsv.MaxBytes(width, maxSamples), string.Create(CultureInfo.InvariantCulture, $"a CSV of up to {maxSamples:N0} samples of {width} values"));
        try
        {
            return SampleCsv.Parse(bytes, width, maxSamples);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Writes a public file (its directory is created when missing).</summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        CreateParent(path);
        File.WriteAllBytes(path, bytes.ToArray());
    }

    /// <summary>
    /// Writes a secret: a new file readable and writable by its owner only (mode 0600 from its creation on Unix), then wipes
    /// <paramref name="bytes"/>. An existing file is replaced only through a new one, so it never holds the secret with wider rights.
    /// </summary>
    public static void WriteSecret(string path, byte[] bytes)
    {
        try
        {
            CreateParent(path);
            File.Delete(path);
            using FileStream stream = OpenExclusive(path, FileMode.CreateNew, FileAccess.Write);
            stream.Write(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>
    /// Replaces a secret atomically: a new owner-only file beside it is written and flushed to disk, then renamed over it, so
    /// that a reader (or a crash at any point) sees the old bytes or the new ones, never a mix or nothing; wipes <paramref name="bytes"/>.
    /// </summary>
    public static void ReplaceSecret(string path, byte[] bytes)
    {
        string temporary = $"{path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp";
        try
        {
            CreateParent(path);
            using (FileStream stream = OpenExclusive(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
            File.Delete(temporary);
        }
    }

    /// <summary>Opens a file that no other process may open meanwhile (an exclusive lock); a file it creates is readable and writable by its owner only (on Unix).</summary>
    public static FileStream OpenExclusive(string path, FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        return new FileStream(path, options);
    }

    /// <summary>Reads a secret file, refusing one that others may read (on Unix) so that a leak is noticed before it is used.</summary>
    /// <exception cref="InvalidDataException">The file is readable by its group or others, or larger than the bound.</exception>
    public static byte[] ReadSecret(string path, long max, string what)
    {
        RequireOwnerOnly(path);
        return Read(path, max, what);
    }

    /// <summary>Refuses a secret file that others may read (on Unix), so that a leak is noticed before the secret is used.</summary>
    /// <exception cref="InvalidDataException">The file is readable by its group or others.</exception>
    public static void RequireOwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            throw new InvalidDataException($"{path} is readable by other users; a secret must be readable by its owner only (chmod 600 {path})");
        }
    }

    /// <summary>A library's refusal as a sentence: its message without the parameter name .NET appends.</summary>
    public static string Reason(ArgumentException e) =>
        e.ParamName is string name ? e.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : e.Message;

    /// <summary>A file's size, for reports.</summary>
    public static long Size(string path) => new FileInfo(path).Length;

    /// <summary>A size for people: bytes, KiB or MiB.</summary>
    public static string Shown(long bytes) => bytes switch
    {
        < 1 << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1 << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MiB"),
    };

    private static void CreateParent(string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is string parent)
        {
            Directory.CreateDirectory(parent);
        }
    }
}
