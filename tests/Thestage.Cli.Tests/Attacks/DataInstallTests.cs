namespace Thestage.Cli.Tests.Attacks;

/// <summary>
/// The CLI never installs system packages by itself. Before, <c>thestage demo</c> and <c>train</c> ran
/// <c>apt-get install -y dataset-fashion-mnist</c> whenever the data was missing. Here <c>apt-get</c> and <c>sudo</c>
/// are impostors first on the PATH that record every call; the data directory ($THESTAGE_DATA) is empty.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataInstallTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("thestage-install-").FullName;

    public DataInstallTests()
    {
        Directory.CreateDirectory(Bin);
        Directory.CreateDirectory(Data);
        foreach (string name in new[] { "apt-get", "sudo" })
        {
            string path = Path.Combine(Bin, name);
            File.WriteAllText(path, $"#!/bin/sh\necho \"{name} $*\" >> '{Calls}'\nexit 0\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private string Bin => Path.Combine(_dir, "bin");

    private string Data => Path.Combine(_dir, "data");

    private string Calls => Path.Combine(_dir, "calls.log");

    private Dictionary<string, string> Environment => new()
    {
        ["PATH"] = Bin + ":" + System.Environment.GetEnvironmentVariable("PATH"),
        ["THESTAGE_DATA"] = Data,
    };

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("demo")]
    [InlineData("train")]
    public void MissingData_WithoutInstallData_SaysHowToInstall_AndInstallsNothing(string verb)
    {
        ThestageProcess.Result result = ThestageProcess.RunWith(Environment, verb);

        string error = ThestageProcess.AssertOneLineError(result, exitCode: 1);
        Assert.Contains("sudo apt-get install dataset-fashion-mnist", error, StringComparison.Ordinal);
        Assert.Contains("--install-data", error, StringComparison.Ordinal);
        Assert.Contains("--data DIR", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Calls), File.Exists(Calls) ? File.ReadAllText(Calls) : string.Empty);
    }

    [Fact]
    public void MissingData_WithInstallData_RunsAptGet_AndStillChecksBothSplits()
    {
        ThestageProcess.Result result = ThestageProcess.RunWith(Environment, "train", "--install-data");

        // The impostor "succeeds" without installing anything: the check after it still finds no data.
        string error = ThestageProcess.AssertOneLineError(result, exitCode: 1);
        Assert.Contains("lacks Fashion-MNIST's training split", error, StringComparison.Ordinal);
        Assert.Equal(["apt-get install -y -q dataset-fashion-mnist"], File.ReadAllLines(Calls));
    }
}
