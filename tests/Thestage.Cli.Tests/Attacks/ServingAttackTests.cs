using Thestage.Cli.Tests.Serving;
using Thestage.Cli.Tests.Workflow;

namespace Thestage.Cli.Tests.Attacks;

/// <summary>
/// <c>thestage serve</c> and <c>thestage client</c> against a wrong or stolen API key and leaked secrets: each is refused
/// with exit code 1 (2 for a command line that cannot run) and one line on standard error, before anything is sent.
/// </summary>
[Collection(WorkflowCollection.Name)]
public sealed class ServingAttackTests(WorkflowFixture fixture) : IDisposable
{
    private const string OtherKey = "not-the-servers-key-0123456789abcdef0123456789";
    private readonly string _dir = Directory.CreateTempSubdirectory("thestage-serve-attack-").FullName;

    [Fact]
    public void Client_WithAWrongApiKey_IsRefusedUnauthenticated_AndMakesNoKeys()
    {
        using ServeProcess serve = ServeProcess.Start(fixture.Mlp.Package, Path.Combine(_dir, "api.key"));
        string wrong = OwnerOnly("wrong.key", OtherKey);
        string keys = Path.Combine(_dir, "keys");

        string error = ThestageProcess.AssertOneLineError(Client(serve.Address, wrong, keys), exitCode: 1);

        Assert.Contains("Unauthenticated", error, StringComparison.Ordinal);
        Assert.DoesNotContain(OtherKey, error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(keys, "secret.key")));
    }

    [Fact]
    public void Client_WithAMissingApiKeyFile_IsACommandLineThatCannotRun()
    {
        string error = ThestageProcess.AssertOneLineError(Client("http://127.0.0.1:9", Path.Combine(_dir, "missing.key"), Path.Combine(_dir, "keys")), exitCode: 2);

        Assert.Contains("--api-key-file", error, StringComparison.Ordinal);
        Assert.Contains("no such file", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_WithAnApiKeyFileReadableByOthers_IsRefused_BeforeConnecting()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string leaked = OwnerOnly("leaked.key", OtherKey);
        File.SetUnixFileMode(leaked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        // Port 9 (discard) has no server: the refusal comes before any connection is tried.
        string error = ThestageProcess.AssertOneLineError(Client("http://127.0.0.1:9", leaked, Path.Combine(_dir, "keys")), exitCode: 1);

        Assert.Contains("readable by other users", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_WithAnApiKeyFileReadableByOthers_IsRefused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string leaked = OwnerOnly("server.key", OtherKey);
        File.SetUnixFileMode(leaked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("serve", "--model", fixture.Mlp.Package, "--port", "0", "--api-key-file", leaked), exitCode: 1);

        Assert.Contains("readable by other users", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_WithASecretKeyReadableByOthers_IsRefused_AndNothingIsSent()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using ServeProcess serve = ServeProcess.Start(fixture.Mlp.Package, Path.Combine(_dir, "api.key"));
        string keys = Path.Combine(_dir, "keys");
        WorkflowFixture.Json("keys", "--plan", fixture.Mlp.Package, "--out", keys);
        File.SetUnixFileMode(Path.Combine(keys, "secret.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        string error = ThestageProcess.AssertOneLineError(Client(serve.Address, Path.Combine(_dir, "api.key"), keys), exitCode: 1);

        Assert.Contains("readable by other users", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "y.csv")));
    }

    [Fact]
    public void Client_AskingMoreAnswersUnderItsKeysThanServesLimit_IsRefusedResourceExhausted()
    {
        using ServeProcess serve = ServeProcess.Start(fixture.Mlp.Package, Path.Combine(_dir, "api.key"), "--max-answers-per-keys", "1");
        string keys = Path.Combine(_dir, "keys");
        Assert.Equal(1, serve.Result.GetProperty("maxAnswersPerKeys").GetInt32());

        ThestageProcess.Result first = Client(serve.Address, Path.Combine(_dir, "api.key"), keys);
        Assert.True(first.ExitCode == 0, first.Error);
        File.Delete(Path.Combine(_dir, "y.csv"));
        string error = ThestageProcess.AssertOneLineError(Client(serve.Address, Path.Combine(_dir, "api.key"), keys), exitCode: 1);

        Assert.Contains("ResourceExhausted", error, StringComparison.Ordinal);
        Assert.Contains("make new keys", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "y.csv")));
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("192.0.2.1")]
    public void Serve_BeyondLoopbackWithoutTls_IsACommandLineThatCannotRun(string host)
    {
        string error = ThestageProcess.AssertOneLineError(
            ThestageProcess.Run("serve", "--model", fixture.Mlp.Package, "--port", "0", "--api-key-file", Path.Combine(_dir, "api.key"), "--host", host), exitCode: 2);

        Assert.Contains("in clear", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_OverPlainHttpToAnotherMachine_IsRefused_TheApiKeyWouldTravelInClear()
    {
        string error = ThestageProcess.AssertOneLineError(Client("http://192.0.2.1:5021", OwnerOnly("mine.key", OtherKey), Path.Combine(_dir, "keys")), exitCode: 1);

        Assert.Contains("in clear", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ThestageProcess.Result Client(string server, string apiKey, string keys) =>
        ThestageProcess.Run("client", "--server", server, "--api-key-file", apiKey, "--keys", keys, "--input", fixture.Samples, "--out", Path.Combine(_dir, "y.csv"));

    private string OwnerOnly(string name, string content)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, content + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return path;
    }
}
