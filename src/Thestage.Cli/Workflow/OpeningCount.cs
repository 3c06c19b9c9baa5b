using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Thestage.Proofs.Inference;

namespace Thestage.Cli.Workflow;

/// <summary>
/// The model owner's count of openings of a hiding commitment with an opening budget (<c>compile --hiding --opening-budget B</c>):
/// <c>PKG/commitment.openings</c>, one line <c>"{used} of {B} openings, commitment {fingerprint}"</c>, held while the package's
/// lock (<c>PKG/commitment.lock</c>) is, so that one <c>thestage prove</c> at a time reads and advances it.
/// </summary>
/// <remarks>
/// <para>Why it exists: a budgeted commitment holds <c>B</c> mask sets, all derived from the seed; each opening of the weights
/// must use a set no other opening used (docs/proofs.md, "Opening budget"). The weight range proof is opening 1; each proof
/// then takes the next set. <c>prove</c> commits again from the seed, so the seed alone cannot say which sets earlier proofs
/// used: this count does (<see cref="CommittedModel.Commit(Thestage.Proofs.Quantization.QuantizedModel, ModelCommitmentSeed, Thestage.Proofs.Commitments.LigeroParameters, int)"/>).</para>
/// <para>How it is kept: <c>compile</c> writes 1; <c>prove</c> takes the lock (waiting for another <c>prove</c> on the package to
/// end), reads the count, refuses when it equals the budget, proves, and replaces the file with the advanced count
/// (a new owner-only file renamed over it, flushed to disk) before the proof is written: a crash may waste an opening, never
/// hand one out twice. A missing or malformed file, or one naming another commitment, is refused — never taken as 0.</para>
/// <para>What it cannot do: the file is the prover's secret state, like the seed. Rolled back (a backup restored, an edit) it
/// makes the next proofs reuse mask sets, and neither the prover nor a verifier can notice (a reused set is a leak, not a
/// false proof). Keep it with the seed, back it up after every proof, and never copy a package to prove from two places.</para>
/// </remarks>
internal static partial class OpeningCount
{
    /// <summary>The count file's name in the package directory.</summary>
    public const string FileName = "commitment.openings";

    /// <summary>The lock file's name in the package directory (kept: removing a lock file races with its next taker).</summary>
    public const string LockName = "commitment.lock";

    /// <summary>The largest count file read.</summary>
    private const long MaxBytes = 128;

    /// <summary>How long a waiting <c>prove</c> sleeps between attempts at the lock.</summary>
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Takes the package's lock, waiting while another process holds it (a line says so once); the lock is released when the
    /// returned stream is disposed or the process ends, whichever comes first.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled while waiting.</exception>
    public static FileStream Lock(string directory, Terminal terminal, CancellationToken cancellationToken) => Lock(directory, LockName, terminal, cancellationToken);

    /// <summary>Takes the lock file <paramref name="lockName"/> of <paramref name="directory"/> (a package's, or a committed input's), waiting as <see cref="Lock(string, Terminal, CancellationToken)"/> does.</summary>
    /// <exception cref="OperationCanceledException">Cancelled while waiting.</exception>
    public static FileStream Lock(string directory, string lockName, Terminal terminal, CancellationToken cancellationToken)
    {
        string path = Path.Combine(directory, lockName);
        bool told = false;
        while (true)
        {
            try
            {
                return WorkflowFiles.OpenExclusive(path, FileMode.OpenOrCreate, FileAccess.ReadWrite);
            }
            catch (IOException e) when (IsHeldElsewhere(e))
            {
                if (!told)
                {
                    terminal.Line($"waiting for another thestage prove on {directory} to end ({path} is locked)");
                    told = true;
                }

                cancellationToken.WaitHandle.WaitOne(Retry);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    /// <summary>Reads the count of <paramref name="commitment"/>'s openings (call it holding <see cref="Lock(string, Terminal, CancellationToken)"/>).</summary>
    /// <returns>The openings made so far, in <c>[1, OpeningBudget]</c>.</returns>
    /// <exception cref="InvalidDataException">The file is missing, malformed, readable by others, or counts another commitment or budget.</exception>
    public static int Read(string directory, ModelCommitment commitment) =>
        Read(directory, FileName, commitment.Fingerprint.ToString(), commitment.OpeningBudget, 1, "its hiding commitment", "the weights", "compile again", "the range proof is the first");

    /// <summary>
    /// Reads a count file <paramref name="fileName"/> of the commitment <paramref name="fingerprint"/> with budget <paramref name="budget"/>
    /// (call it holding the directory's lock): the model's (<see cref="Read(string, ModelCommitment)"/>) or a committed input's
    /// (<see cref="InputCommitVerb"/>, which starts at 0).
    /// </summary>
    /// <returns>The openings made so far, in <c>[minimum, budget]</c>.</returns>
    /// <exception cref="InvalidDataException">The file is missing, malformed, readable by others, or counts another commitment or budget.</exception>
    public static int Read(string directory, string fileName, string fingerprint, int budget, int minimum, string commitment, string secret, string remedy, string why)
    {
        string path = Path.Combine(directory, fileName);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{directory} has no {fileName}, the count of openings of {commitment} (budget {budget}): "
                + $"without it prove cannot know which mask sets earlier proofs used, and reusing one reveals {secret}; restore it from where the seed is kept, or {remedy}");
        }

        string text = Encoding.ASCII.GetString(WorkflowFiles.ReadSecret(path, MaxBytes, "an opening count"));
        Match match = Line().Match(text);
        if (!match.Success)
        {
            throw new InvalidDataException($"{path} is not an opening count (one line '<used> of <budget> openings, commitment <fingerprint>'); restore it from where the seed is kept, or {remedy}");
        }

        int used = int.Parse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        int counted = int.Parse(match.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        string named = match.Groups[3].Value;
        if (named != fingerprint || counted != budget)
        {
            throw new InvalidDataException($"{path} counts the openings of another commitment ({named}, budget {counted}; {directory}'s is {fingerprint}, budget {budget}): the files come from different runs; {remedy}");
        }

        return used >= minimum && used <= budget
            ? used
            : throw new InvalidDataException($"{path}: {used} openings of a budget of {budget}; a count is in [{minimum}, {budget}] ({why}); restore it from where the seed is kept, or {remedy}");
    }

    /// <summary>
    /// Replaces the count with <paramref name="used"/> atomically (<see cref="WorkflowFiles.ReplaceSecret"/>): by <c>compile</c>
    /// after committing (1, the range proof), by <c>prove</c> holding <see cref="Lock(string, Terminal, CancellationToken)"/> before its proof leaves the process.
    /// </summary>
    public static void Write(string directory, ModelCommitment commitment, int used) =>
        Write(directory, FileName, commitment.Fingerprint.ToString(), commitment.OpeningBudget, used);

    /// <summary>Replaces the count file <paramref name="fileName"/> with <paramref name="used"/> openings of the commitment <paramref name="fingerprint"/> atomically.</summary>
    public static void Write(string directory, string fileName, string fingerprint, int budget, int used) =>
        WorkflowFiles.ReplaceSecret(Path.Combine(directory, fileName), Encoding.ASCII.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{used} of {budget} openings, commitment {fingerprint}\n")));

    // Another process holds the lock: a sharing violation on Windows, EWOULDBLOCK from flock on Linux (11) and macOS/BSD (35).
    private static bool IsHeldElsewhere(IOException e) =>
        OperatingSystem.IsWindows() ? e.HResult is unchecked((int)0x80070020) or unchecked((int)0x80070021)
        : e.HResult == (OperatingSystem.IsLinux() ? 11 : 35);

    [GeneratedRegex(@"\A([0-9]{1,3}) of ([0-9]{1,3}) openings, commitment ([0-9a-f]{64})\n\z", RegexOptions.CultureInvariant)]
    private static partial Regex Line();
}
