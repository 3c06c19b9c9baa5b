using System.Text.Json;
using Thestage.Proofs.Inference;

namespace Thestage.Cli.Tests.Workflow;

/// <summary>
/// <c>thestage commit-input</c>, <c>prove --private-input</c> and <c>verify --input-commitment</c>: the samples' owner commits to them once,
/// proofs name that commitment instead of carrying the samples (TSPI, TSIP 0x8003), verifiers check them against it, and the samples'
/// opening budget is counted like the model's.
/// </summary>
[Collection(WorkflowCollection.Name)]
public sealed class PrivateInputWorkflowTests(WorkflowFixture fixture)
{
    [Fact]
    public void Committed_samples_are_proven_and_verified_without_revealing_them_until_their_budget_is_used_up()
    {
        (string package, _) = fixture.Budgeted("private-input", 4);
        string inputs = Path.Combine(package, "..", "inputs");
        JsonElement commit = WorkflowFixture.Json("commit-input", "--model", package, "--input", fixture.Samples, "--out", inputs, "--opening-budget", "2");
        Assert.Equal((4, 2, 71), (commit.GetProperty("samples").GetInt32(), commit.GetProperty("openingBudget").GetInt32(), commit.GetProperty("commitmentBytes").GetInt32()));
        InputCommitment published = InputCommitmentSerializer.Deserialize(File.ReadAllBytes(Path.Combine(inputs, "input.tsic")));
        Assert.Equal((4, 2, commit.GetProperty("fingerprint").GetString()), (published.Batch, published.Version, published.Fingerprint.ToString()));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(inputs, "input.seed")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(inputs, "input.openings")));
        }

        string[] proofs = [.. Enumerable.Range(1, 3).Select(i => Path.Combine(package, "..", $"private{i}.tspi"))];
        for (int i = 0; i < 2; i++)
        {
            JsonElement prove = WorkflowFixture.Json("prove", "--model", package, "--input", fixture.Samples, "--out", proofs[i], "--private-input", inputs);
            Assert.True(prove.GetProperty("privateInput").GetBoolean());
            Assert.Equal((i + 1, 1 - i, i + 2), (prove.GetProperty("inputOpeningsUsed").GetInt32(), prove.GetProperty("inputProofsRemaining").GetInt32(), prove.GetProperty("openingsUsed").GetInt32()));
            Assert.Equal("TSPI"u8.ToArray(), File.ReadAllBytes(proofs[i])[..4]);

            JsonElement verify = WorkflowFixture.Json("verify", "--model", package, "--proof", proofs[i], "--input-commitment", inputs);
            Assert.True(verify.GetProperty("valid").GetBoolean());
            Assert.True(verify.GetProperty("privateInput").GetBoolean());
            Assert.InRange(verify.GetProperty("soundnessBits").GetDouble(), 100, 128);

            // The same outputs as the public proof of the same samples would state.
            Assert.Equal(4, verify.GetProperty("outputs").GetArrayLength());
        }

        // The samples' budget is used up: refused before anything is proven or counted (the model's count stays).
        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("prove", "--model", package, "--input", fixture.Samples, "--out", proofs[2], "--private-input", inputs), exitCode: 1);
        Assert.Contains("the samples' opening budget is used up (2 of 2 proofs)", error, StringComparison.Ordinal);
        Assert.False(File.Exists(proofs[2]));
        Assert.Equal(WorkflowFixture.Count(package, 3, 4), File.ReadAllText(WorkflowFixture.CountFile(package)));

        // A private-input proof needs the samples' commitment, and a public proof is not checked against one.
        error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("verify", "--model", package, "--proof", proofs[0]), exitCode: 1);
        Assert.Contains("give the samples' published commitment with --input-commitment", error, StringComparison.Ordinal);
        string publicProof = Path.Combine(package, "..", "public.tspb");
        WorkflowFixture.Json("prove", "--model", package, "--input", fixture.Samples, "--out", publicProof);
        error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("verify", "--model", package, "--proof", publicProof, "--input-commitment", inputs), exitCode: 1);
        Assert.Contains("a proof for public samples (TSPB)", error, StringComparison.Ordinal);
    }
}
