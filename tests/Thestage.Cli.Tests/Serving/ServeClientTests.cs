using System.Text.Json;
using Thestage.Cli.Tests.Workflow;

namespace Thestage.Cli.Tests.Serving;

/// <summary>
/// <c>thestage serve</c> in one process and <c>thestage client</c> in others, over loopback, on the square MLP the workflow
/// compiled: the client's keys are made on first use in the <c>thestage keys</c> layout, uploaded once, and the decrypted
/// outputs are the plain model's (<c>thestage predict</c>).
/// </summary>
[Collection(WorkflowCollection.Name)]
public sealed class ServeClientTests(WorkflowFixture fixture) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("thestage-serve-").FullName;

    [Fact]
    public void Client_AgainstServe_DecryptsThePlainOutputs_MakingAndUploadingItsKeysOnce()
    {
        WorkflowFixture.Run run = fixture.Mlp;
        string apiKey = Path.Combine(_dir, "api.key"), keys = Path.Combine(_dir, "keys");
        using ServeProcess serve = ServeProcess.Start(run.Package, apiKey);
        Assert.True(serve.Result.GetProperty("apiKeyFileCreated").GetBoolean());
        Assert.Equal(JsonValueKind.Null, serve.Result.GetProperty("maxAnswersPerKeys").ValueKind);   // no limit unless asked
        Assert.Equal(4096, serve.Result.GetProperty("maxSessions").GetInt32());   // ServingLimits' defaults
        Assert.Equal(16, serve.Result.GetProperty("maxSessionsPerClient").GetInt32());
        Assert.StartsWith("http://127.0.0.1:", serve.Address, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(apiKey));
        }

        JsonElement first = Client(serve, apiKey, keys, Path.Combine(_dir, "y1.csv"));
        JsonElement second = Client(serve, apiKey, keys, Path.Combine(_dir, "y2.csv"));

        double[][] plain = WorkflowFixture.ReadCsv(run.Predicted);
        WorkflowFixture.AssertAgree(plain, WorkflowFixture.ReadCsv(Path.Combine(_dir, "y1.csv")), tolerance: 0.5);
        WorkflowFixture.AssertAgree(plain, WorkflowFixture.ReadCsv(Path.Combine(_dir, "y2.csv")), tolerance: 0.5);
        Assert.True(first.GetProperty("keysMade").GetBoolean());
        Assert.Equal(1, first.GetProperty("keyUploads").GetInt32());
        Assert.False(second.GetProperty("keysMade").GetBoolean());
        Assert.Equal(0, second.GetProperty("keyUploads").GetInt32());   // content-addressed: the server holds them
        Assert.Equal(4, second.GetProperty("samples").GetInt32());
        Assert.Equal(serve.Result.GetProperty("planFingerprint").GetString(), first.GetProperty("planFingerprint").GetString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(keys, "secret.key")));
        }

        // The key directory is thestage keys' own: encrypt and decrypt take it as it is.
        Assert.Equal(File.ReadAllBytes(Path.Combine(run.Package, "plan.tspl")), File.ReadAllBytes(Path.Combine(keys, "plan.tspl")));
        WorkflowFixture.Json("encrypt", "--keys", keys, "--input", fixture.Samples, "--out", Path.Combine(_dir, "r.tsrq"));

        (int exitCode, string error) = serve.Stop();
        Assert.True(exitCode == 0, $"serve exited with {exitCode}: {error}");
    }

    [Theory]
    [InlineData("0", "takes an integer in [1, 2147483647]")]
    [InlineData("-3", "takes an integer in [1, 2147483647]")]
    [InlineData("many", "takes an integer in [1, 2147483647]")]
    [InlineData("1.5", "takes an integer in [1, 2147483647]")]
    [InlineData("2147483648", "takes an integer in [1, 2147483647]")]
    [InlineData("2147483647", "does not fit")]
    public void Serve_WithAnAnswerLimitThatIsNotAPositiveIntegerOrWhoseFloodDoesNotFit_ExitsWith2(string limit, string reason)
    {
        string error = ThestageProcess.AssertOneLineError(
            ThestageProcess.Run("serve", "--model", fixture.Mlp.Package, "--port", "0", "--api-key-file", Path.Combine(_dir, "api.key"), "--max-answers-per-keys", limit), exitCode: 2);

        Assert.Contains("--max-answers-per-keys", error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--max-sessions", "0")]
    [InlineData("--max-sessions", "-1")]
    [InlineData("--max-sessions", "all")]
    [InlineData("--max-sessions", "2147483648")]
    [InlineData("--max-sessions-per-client", "0")]
    [InlineData("--max-sessions-per-client", "1e3")]
    public void Serve_WithASessionLimitThatIsNotAPositiveInteger_ExitsWith2(string option, string limit)
    {
        string error = ThestageProcess.AssertOneLineError(
            ThestageProcess.Run("serve", "--model", fixture.Mlp.Package, "--port", "0", "--api-key-file", Path.Combine(_dir, "api.key"), option, limit), exitCode: 2);

        Assert.Contains($"{option} takes an integer in [1, 2147483647]", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_WithSessionLimits_ServesWithThem()
    {
        using ServeProcess serve = ServeProcess.Start(fixture.Mlp.Package, Path.Combine(_dir, "api.key"), "--max-sessions", "3", "--max-sessions-per-client", "1");
        Assert.Equal(3, serve.Result.GetProperty("maxSessions").GetInt32());
        Assert.Equal(1, serve.Result.GetProperty("maxSessionsPerClient").GetInt32());
        (int exitCode, string error) = serve.Stop();
        Assert.True(exitCode == 0, $"serve exited with {exitCode}: {error}");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private JsonElement Client(ServeProcess serve, string apiKey, string keys, string output) =>
        WorkflowFixture.Json("client", "--server", serve.Address, "--api-key-file", apiKey, "--keys", keys, "--input", fixture.Samples, "--out", output);
}
