using System.Security.Cryptography;
using Thestage.Inference.Torch.Native;
using TorchSharp;

namespace Thestage.Inference.Torch.Tests.Native;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TorchNativeTests
{
    /// <summary>sha256sum of TorchSharp 0.107.0's runtimes/linux-x64/native/libLibTorchSharp.so, and of it with GLIBCXX_3.4.32 weak (the targets file says how they were obtained).</summary>
    public const string OriginalSha256 = "cf33b1b0bb6bbb9754a768fb5c5d04d9f498603be50e73f55621a0b40ee608b8";

    /// <inheritdoc cref="OriginalSha256"/>
    public const string PatchedSha256 = "5968efac8270eff8a2b5ca7381612ea9cc54d81cf4104a54e0e6106b7b5f11e3";

    /// <summary>The pristine bridge as NuGet unpacked it (read, never written).</summary>
    public static string PackagedBridge()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"TorchSharp's bridge is not at {path}");
        return path;
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public void TheRealBridgeNeedsGlibcxx3432StronglyAtTheOffsetTheTargetsPatch()
    {
        byte[] original = File.ReadAllBytes(PackagedBridge());
        Assert.Equal(OriginalSha256, Sha256(original));
        ElfVersionRequirement needed = Assert.Single(ElfVersions.Requirements(original), r => r.Version == TorchNative.RequiredLibstdcxxVersion);
        Assert.Equal("libstdc++.so.6", needed.Library);
        Assert.False(needed.IsWeak);
        Assert.Equal(0x3FA34, needed.FlagsOffset);
        Assert.Contains("0x3FA34", File.ReadAllText(MsBuild.TargetsPath), StringComparison.Ordinal);
        Assert.Contains(OriginalSha256, File.ReadAllText(MsBuild.TargetsPath), StringComparison.Ordinal);
        Assert.Contains(PatchedSha256, File.ReadAllText(MsBuild.TargetsPath), StringComparison.Ordinal);
    }

    [Fact]
    public void ThisProjectsBuildOutputHoldsThePatchedBridge()
    {
        string output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(output), $"the build did not copy the bridge to {output}");
        byte[] bytes = File.ReadAllBytes(output);
        Assert.Equal(PatchedSha256, Sha256(bytes));
        Assert.True(ElfVersions.Requirements(bytes).Single(r => r.Version == TorchNative.RequiredLibstdcxxVersion).IsWeak);
        Assert.Null(TorchNative.Diagnose(TorchNative.LoadedLibraryPath("libstdc++.so.6"), [output]));
    }

    [Fact]
    public void TorchSharpLoadsAndComputes()
    {
        TorchNative.EnsureLoadable();
        using var x = torch.arange(1, 5, dtype: torch.float64);
        Assert.Equal(10.0, x.sum().item<double>());
    }

    [Fact]
    public void TheRunningLibstdcxxIsRead()
    {
        Assert.True(TorchNative.RunningLibstdcxxDefines("GLIBCXX_3.4"));
        Assert.False(TorchNative.RunningLibstdcxxDefines("GLIBCXX_99.0"));
    }

    [Fact]
    public void DiagnoseNamesTheFixOnlyForAStrongRequirementOnALibstdcxxThatLacksTheVersion()
    {
        string dir = Directory.CreateTempSubdirectory("torchnative-").FullName;
        try
        {
            string oldLibstdcxx = Path.Combine(dir, "libstdc++.so.6");
            File.WriteAllBytes(oldLibstdcxx, SyntheticElf.Build());   // defines GLIBCXX_3.4 and GLIBCXX_3.4.30 only
            string strong = Path.Combine(dir, "strong.so");
            File.WriteAllBytes(strong, SyntheticElf.Build());         // needs GLIBCXX_3.4.32, not weak
            string weak = Path.Combine(dir, "weak.so");
            byte[] weakBytes = SyntheticElf.Build();
            SyntheticElf.U16(weakBytes, SyntheticElf.TargetFlagsOffset, 2);
            File.WriteAllBytes(weak, weakBytes);

            string? reason = TorchNative.Diagnose(oldLibstdcxx, [weak, strong]);
            Assert.NotNull(reason);
            Assert.Contains(strong, reason, StringComparison.Ordinal);
            Assert.Contains(TorchNative.PatchProperty, reason, StringComparison.Ordinal);
            Assert.Null(TorchNative.Diagnose(oldLibstdcxx, [weak]));
            Assert.Null(TorchNative.Diagnose(null, [strong]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
