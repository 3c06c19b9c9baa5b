using Thestage.Cli.Tests.Workflow;

namespace Thestage.Cli.Tests.Attacks;

/// <summary>
/// Attacks on the private-input workflow through the command: a proof whose outputs were changed, a proof checked against another
/// set of samples' commitment, a prover that gives other samples than the committed ones, and malformed proof and commitment files.
/// Each is refused with one line and exit code 1, never a stack trace.
/// </summary>
[Collection(WorkflowCollection.Name)]
public sealed class PrivateInputCliAttackTests(WorkflowFixture fixture)
{
    [Fact]
    public void ChangedOutputs_OtherSamplesCommitment_OtherSamplesProven_AndMalformedFiles_AreRefused()
    {
        (string package, _) = fixture.Budgeted("private-attacks", 4);
        string dir = Path.Combine(package, "..");
        string inputs = Path.Combine(dir, "inputs"), others = Path.Combine(dir, "others"), proof = Path.Combine(dir, "p.tspi");
        string otherSamples = Path.Combine(dir, "other.csv");
        File.WriteAllLines(otherSamples, File.ReadAllLines(fixture.Samples).Reverse());
        WorkflowFixture.Json("commit-input", "--model", package, "--input", fixture.Samples, "--out", inputs, "--opening-budget", "3");
        WorkflowFixture.Json("commit-input", "--model", package, "--input", otherSamples, "--out", others, "--opening-budget", "3");
        WorkflowFixture.Json("prove", "--model", package, "--input", fixture.Samples, "--out", proof, "--private-input", inputs);
        WorkflowFixture.Json("verify", "--model", package, "--proof", proof, "--input-commitment", inputs);

        // An output changed in the file (the first output's low byte, right after the 78-byte header): the proof does not verify.
        byte[] bytes = File.ReadAllBytes(proof);
        bytes[78] ^= 1;
        string changed = Path.Combine(dir, "changed.tspi");
        File.WriteAllBytes(changed, bytes);
        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("verify", "--model", package, "--proof", changed, "--input-commitment", inputs), exitCode: 1);
        Assert.Contains("does not verify", error, StringComparison.Ordinal);

        // The proof checked against the commitment of other samples: it names another commitment.
        error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("verify", "--model", package, "--proof", proof, "--input-commitment", others), exitCode: 1);
        Assert.Contains("made against other commitments", error, StringComparison.Ordinal);

        // The prover gives other samples than the committed ones: refused before proving, no proof written, no count advanced.
        string refused = Path.Combine(dir, "refused.tspi");
        error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("prove", "--model", package, "--input", otherSamples, "--out", refused, "--private-input", inputs), exitCode: 1);
        Assert.Contains("is not the commitment of these samples", error, StringComparison.Ordinal);
        Assert.False(File.Exists(refused));
        Assert.StartsWith("1 of 3 openings", File.ReadAllText(Path.Combine(inputs, "input.openings")), StringComparison.Ordinal);

        // Truncated proof and commitment files, and a count file naming another commitment.
        string truncated = Path.Combine(dir, "truncated.tspi");
        File.WriteAllBytes(truncated, File.ReadAllBytes(proof)[..100]);
        ThestageProcess.AssertOneLineError(ThestageProcess.Run("verify", "--model", package, "--proof", truncated, "--input-commitment", inputs), exitCode: 1);
        string badCommitment = Path.Combine(dir, "bad.tsic");
        File.WriteAllBytes(badCommitment, File.ReadAllBytes(Path.Combine(inputs, "input.tsic"))[..50]);
        ThestageProcess.AssertOneLineError(ThestageProcess.Run("verify", "--model", package, "--proof", proof, "--input-commitment", badCommitment), exitCode: 1);
        File.Copy(Path.Combine(others, "input.openings"), Path.Combine(inputs, "input.openings"), overwrite: true);
        error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("prove", "--model", package, "--input", fixture.Samples, "--out", refused, "--private-input", inputs), exitCode: 1);
        Assert.Contains("counts the openings of another commitment", error, StringComparison.Ordinal);
    }
}
