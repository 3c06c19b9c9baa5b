using System.Security.Cryptography;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;

namespace Thestage.Client;

/// <summary>
/// A client's keys on disk: <c>secret.key</c> (the secret key, TSPV, created readable by its owner only),
/// <c>evaluation.keys</c> (the bundle for the server, TSEK) and <c>plan.tspl</c> (the plan they were made for). Made when
/// the folder holds none of them; refused when it holds some but not all, keys of another plan, or a secret key that others may read (the
/// layout of <c>thestage keys</c>).
/// </summary>
internal static class KeyFolder
{
    public const string SecretKeyFile = "secret.key";

    public const string EvaluationKeysFile = "evaluation.keys";

    public const string PlanFile = "plan.tspl";

    private const long MaxFileBytes = 1L << 30;

    /// <summary>The client of <paramref name="plan"/> with its keys, from <paramref name="directory"/> or new (and saved there).</summary>
    public static (InferenceClient Client, byte[] EvaluationKeys) LoadOrCreate(string? directory, InferencePlan plan)
    {
        if (directory is null)
        {
            return Create(plan);
        }

        string secret = Path.Combine(directory, SecretKeyFile), evaluation = Path.Combine(directory, EvaluationKeysFile), planPath = Path.Combine(directory, PlanFile);
        int present = new[] { secret, evaluation, planPath }.Count(File.Exists);
        if (present == 0)
        {
            Directory.CreateDirectory(directory);
            (InferenceClient client, byte[] keys) = Create(plan);
            File.WriteAllBytes(planPath, plan.ToBytes());
            File.WriteAllBytes(evaluation, keys);
            byte[] secretBytes = client.ExportSecretKey();
            try
            {
                WriteOwnerOnly(secret, secretBytes);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(secretBytes);
            }

            return (client, keys);
        }

        if (present != 3)
        {
            throw new InvalidDataException($"{directory} holds only some of {SecretKeyFile}, {EvaluationKeysFile} and {PlanFile}: restore the missing files, or empty the folder to make new keys.");
        }

        InferencePlan saved = InferencePlan.FromBytes(Read(planPath));
        if (!saved.Fingerprint.SequenceEqual(plan.Fingerprint))
        {
            throw new InvalidDataException($"The keys in {directory} were made for another plan than the server's: use another folder (or empty this one) to make keys for it.");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(secret) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            throw new InvalidDataException($"{secret} is readable by other users; a secret must be readable by its owner only (chmod 600 {secret})");
        }

        byte[] secretKey = Read(secret);
        try
        {
            return (new InferenceClient(plan, secretKey), Read(evaluation));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secretKey);
        }
    }

    private static (InferenceClient Client, byte[] EvaluationKeys) Create(InferencePlan plan)
    {
        var client = new InferenceClient(plan);
        return (client, client.CreateEvaluationKeys().ToBytes());
    }

    private static byte[] Read(string path)
    {
        long length = new FileInfo(path).Length;
        return length <= MaxFileBytes ? File.ReadAllBytes(path) : throw new InvalidDataException($"{path} has {length:N0} bytes; a key file has at most {MaxFileBytes:N0}.");
    }

    private static void WriteOwnerOnly(string path, byte[] bytes)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(bytes);
    }
}
