using System.Diagnostics;
using System.Reflection;

namespace Thestage.Inference.Torch.Tests.Native;

/// <summary>Runs the package's MSBuild target file on files of a test's choosing, through <c>dotnet msbuild</c>.</summary>
internal static class MsBuild
{
    /// <summary>The package's <c>buildTransitive/Thestage.Inference.Torch.targets</c>.</summary>
    public static string TargetsPath { get; } = typeof(MsBuild).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ThestageTorchTargets").Value!;

    /// <summary>Runs the patch task on <paramref name="files"/> and returns MSBuild's exit code and output.</summary>
    public static (int ExitCode, string Output) PatchBridges(string directory, IEnumerable<string> files)
    {
        string project = Path.Combine(directory, "patch.proj");
        string items = string.Join(';', files);
        File.WriteAllText(project, $"""
            <Project>
              <Import Project="{TargetsPath}" />
              <Target Name="Patch"><ThestagePatchLibTorchSharpBridge Files="{items}" /></Target>
            </Project>
            """);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (string arg in new[] { "msbuild", project, "-t:Patch", "-nologo", "-v:n", "-nodeReuse:false" })
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("dotnet msbuild did not end");
        }

        return (process.ExitCode, output.Result + error.Result);
    }
}
