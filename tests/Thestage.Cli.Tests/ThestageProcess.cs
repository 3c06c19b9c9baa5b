using System.Diagnostics;
using System.Reflection;

namespace Thestage.Cli.Tests;

/// <summary>Runs the built <c>thestage</c> command as a separate process and captures what it prints.</summary>
internal static class ThestageProcess
{
    /// <summary>The outcome of one run.</summary>
    internal sealed record Result(int ExitCode, string Output, string Error);

    private static readonly string CliPath = typeof(ThestageProcess).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ThestageCli").Value!;

    /// <summary>Runs <c>thestage</c> with <paramref name="args"/>; a run that has not ended after five minutes is killed and fails the test.</summary>
    public static Result Run(params string[] args) => RunWith(new Dictionary<string, string>(), args);

    /// <summary>Runs <c>thestage</c> with <paramref name="args"/> and the environment variables <paramref name="environment"/> set.</summary>
    public static Result RunWith(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using Process process = Start(environment, args);
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"thestage {string.Join(' ', args)} did not end");
        }

        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Starts <c>thestage</c> with <paramref name="args"/>, its output and error redirected (the caller reads them and ends it).</summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        Assert.True(File.Exists(CliPath), $"the CLI is not built at {CliPath}");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliPath);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }

    /// <summary>Asserts that a run failed with <paramref name="exitCode"/> and exactly one line on standard error, "error: …" without a stack trace.</summary>
    public static string AssertOneLineError(Result result, int exitCode)
    {
        string error = result.Error.TrimEnd('\r', '\n');
        Assert.True(result.ExitCode == exitCode, $"exit code {result.ExitCode}, expected {exitCode}; stderr:\n{result.Error}");
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", error, StringComparison.Ordinal);
        return error;
    }

    // The host that runs this test (dotnet test sets DOTNET_HOST_PATH for its children), else dotnet on the PATH.
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
