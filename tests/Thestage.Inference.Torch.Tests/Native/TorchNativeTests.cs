using Thestage.Inference.Torch.Native;
using TorchSharp;

namespace Thestage.Inference.Torch.Tests.Native;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TorchNativeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("torchnative-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The pristine bridge as NuGet unpacked it (read, never written).</summary>
    private static string PackagedBridge()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"TorchSharp's bridge is not at {path}");
        return path;
    }

    private static string OutputBridge()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"The build did not copy the bridge to {path}");
        return path;
    }

    [Fact]
    public void TheRealBridgeNeedsGlibcxx3432StronglyAndPatchesInOneByte()
    {
        string packaged = PackagedBridge();
        byte[] original = File.ReadAllBytes(packaged);
        ElfVersionRequirement needed = Assert.Single(ElfVersions.Requirements(original), r => r.Version == TorchNative.RequiredLibstdcxxVersion);
        Assert.Equal("libstdc++.so.6", needed.Library);
        Assert.False(needed.IsWeak);

        byte[] patched = (byte[])original.Clone();
        Assert.Equal(1, ElfVersions.MakeWeak(patched, TorchNative.RequiredLibstdcxxVersion));
        Assert.Equal([needed.FlagsOffset], Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).Select(i => (long)i));
        Assert.True(ElfVersions.Requirements(patched).Single(r => r.Version == TorchNative.RequiredLibstdcxxVersion).IsWeak);
        Assert.Equal(0, ElfVersions.MakeWeak(patched, TorchNative.RequiredLibstdcxxVersion));
        Assert.True(TorchNative.IsInPackageCache(packaged));
    }

    [Fact]
    public void TheOutputCopyIsPatchedExactlyWhenTheRunningLibstdcxxLacksTheVersionAndThePackageIsNot()
    {
        TorchNative.EnsureLoadable();
        bool needed = !TorchNative.RunningLibstdcxxDefines(TorchNative.RequiredLibstdcxxVersion);
        byte[] output = File.ReadAllBytes(OutputBridge());
        byte[] packaged = File.ReadAllBytes(PackagedBridge());

        Assert.Equal(needed, ElfVersions.Requirements(output).Single(r => r.Version == TorchNative.RequiredLibstdcxxVersion).IsWeak);
        Assert.False(ElfVersions.Requirements(packaged).Single(r => r.Version == TorchNative.RequiredLibstdcxxVersion).IsWeak);
        Assert.Equal(output.Length, packaged.Length);
        Assert.True(Enumerable.Range(0, output.Length).Count(i => output[i] != packaged[i]) <= 1);
        Assert.False(TorchNative.IsInPackageCache(OutputBridge()));
    }

    [Fact]
    public void TorchSharpLoadsAndComputes()
    {
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
    public void PatchFileIsIdempotentAndKeepsTheMode()
    {
        string path = Path.Combine(_dir, "libLibTorchSharp.so");
        File.WriteAllBytes(path, SyntheticElf.Build());
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead);

        Assert.True(TorchNative.PatchFile(path));
        byte[] once = File.ReadAllBytes(path);
        Assert.False(TorchNative.PatchFile(path));

        Assert.Equal(once, File.ReadAllBytes(path));
        Assert.True(ElfVersions.Requirements(once)[0].IsWeak);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void PatchFileRefusesAPackageFolder()
    {
        string version = Directory.CreateDirectory(Path.Combine(_dir, "torchsharp", "0.107.0")).FullName;
        File.WriteAllText(Path.Combine(version, ".nupkg.metadata"), "{}");
        string native = Directory.CreateDirectory(Path.Combine(version, "runtimes", "linux-x64", "native")).FullName;
        string path = Path.Combine(native, "libLibTorchSharp.so");
        File.WriteAllBytes(path, SyntheticElf.Build());

        Assert.True(TorchNative.IsInPackageCache(path));
        Assert.Throws<InvalidOperationException>(() => TorchNative.PatchFile(path));
        Assert.Equal(SyntheticElf.Build(), File.ReadAllBytes(path));
    }

    [Fact]
    public void PatchFileRejectsANonElfFile()
    {
        string path = Path.Combine(_dir, "libLibTorchSharp.so");
        File.WriteAllText(path, "not an ELF file at all, but long enough to hold a header ................................");
        Assert.Throws<InvalidDataException>(() => TorchNative.PatchFile(path));
    }
}
