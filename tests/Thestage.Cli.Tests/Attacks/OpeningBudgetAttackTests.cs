using System.Diagnostics;
using Thestage.Cli.Tests.Workflow;

namespace Thestage.Cli.Tests.Attacks;

/// <summary>
/// A budgeted hiding package (<c>compile --hiding --opening-budget B</c>) is safe only while its count of openings is right:
/// each attack here tries to make <c>prove</c> open the weights twice with one mask set (which reveals them, see
/// Proofs.Tests/Attacks/RepeatedOpeningWeightRecoveryAttackTests) — by racing two provers, or by taking the count away.
/// </summary>
[Collection(WorkflowCollection.Name)]
public sealed class OpeningBudgetAttackTests(WorkflowFixture fixture)
{
    [Fact]
    public void ConcurrentProves_OnOneBudgetedPackage_NeverReuseAMaskSet()
    {
        (string package, _) = fixture.Budgeted("race", 3);
        string[] proofs = [.. Enumerable.Range(0, 3).Select(i => Path.Combine(package, "..", $"race{i}.tspb"))];

        // Three provers at once on a budget of three (the range proof and two proofs): each reads the count while the others
        // commit again from the seed; without the package's lock all three would read "1 of 3" and open with mask set 1.
        Process[] provers = [.. proofs.Select(p => ThestageProcess.Start(new Dictionary<string, string>(), "prove", "--model", package, "--input", fixture.Samples, "--out", p))];
        ThestageProcess.Result[] results = [.. provers.Select(Finish)];

        Assert.Equal(2, results.Count(r => r.ExitCode == 0));
        ThestageProcess.Result refused = Assert.Single(results, r => r.ExitCode != 0);
        Assert.Contains("the opening budget is used up", ThestageProcess.AssertOneLineError(refused, exitCode: 1), StringComparison.Ordinal);
        int?[][] sets = [.. proofs.Where(File.Exists).Select(WorkflowFixture.MaskSets)];
        Assert.Equal(2, sets.Length);
        Assert.Equal([1, 2], sets.Select(s => s.Distinct().Single()).Order());
        Assert.Equal(WorkflowFixture.Count(package, 3, 3), File.ReadAllText(WorkflowFixture.CountFile(package)));
    }

    [Fact]
    public void DeletedCount_IsRefused_NeverTakenAsZero()
    {
        string package = fixture.RefusingPackage;
        string proof = Path.Combine(package, "..", "p-deleted.tspb");
        File.Delete(WorkflowFixture.CountFile(package));

        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("prove", "--model", package, "--input", fixture.Samples, "--out", proof), exitCode: 1);

        Assert.Contains("has no commitment.openings", error, StringComparison.Ordinal);
        Assert.False(File.Exists(proof));
        Assert.False(File.Exists(WorkflowFixture.CountFile(package)));
    }

    public static TheoryData<string, string, string> MalformedCounts => new()
    {
        { "empty", "", "is not an opening count" },
        { "a number alone", "2\n", "is not an opening count" },
        { "no newline", "{1} of 3 openings, commitment {f}", "is not an opening count" },
        { "two lines", "{1} of 3 openings, commitment {f}\n{1} of 3 openings, commitment {f}\n", "an opening count is at most 128" },
        { "negative", "-1 of 3 openings, commitment {f}\n", "is not an opening count" },
        { "zero", "0 of 3 openings, commitment {f}\n", "0 openings of a budget of 3" },
        { "beyond the budget", "4 of 3 openings, commitment {f}\n", "4 openings of a budget of 3" },
        { "another budget", "1 of 64 openings, commitment {f}\n", "counts the openings of another commitment" },
        { "another commitment", "1 of 3 openings, commitment " + new string('0', 64) + "\n", "counts the openings of another commitment" },
        { "upper-case fingerprint", "1 of 3 openings, commitment {F}\n", "is not an opening count" },
    };

    [Theory]
    [MemberData(nameof(MalformedCounts))]
    public void MalformedCount_IsRefused_AndLeftAsItIs(string what, string template, string message)
    {
        string package = fixture.RefusingPackage;
        string fingerprint = WorkflowFixture.Count(package, 1, 3)["1 of 3 openings, commitment ".Length..^1];
        string text = template.Replace("{1}", "1", StringComparison.Ordinal).Replace("{f}", fingerprint, StringComparison.Ordinal).Replace("{F}", fingerprint.ToUpperInvariant(), StringComparison.Ordinal);
        WriteCount(package, text);
        string proof = Path.Combine(package, "..", $"p-{what.Replace(' ', '-')}.tspb");

        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("prove", "--model", package, "--input", fixture.Samples, "--out", proof), exitCode: 1);

        Assert.Contains(WorkflowFixture.CountFile(package), error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(File.Exists(proof));
        Assert.Equal(text, File.ReadAllText(WorkflowFixture.CountFile(package)));
    }

    [Fact]
    public void CountWritableByOthers_IsRefused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string package = fixture.RefusingPackage;
        WriteCount(package, WorkflowFixture.Count(package, 1, 3));
        File.SetUnixFileMode(WorkflowFixture.CountFile(package), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);

        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("prove", "--model", package, "--input", fixture.Samples, "--out", Path.Combine(package, "..", "p.tspb")), exitCode: 1);

        Assert.Contains("readable by other users", error, StringComparison.Ordinal);
    }

    // The tests share one package: each writes the count it needs, owner-only as prove requires.
    private static void WriteCount(string package, string text)
    {
        string path = WorkflowFixture.CountFile(package);
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static ThestageProcess.Result Finish(Process process)
    {
        using (process)
        {
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("a concurrent prove did not end");
            }

            return new ThestageProcess.Result(process.ExitCode, output.Result, error.Result);
        }
    }
}
