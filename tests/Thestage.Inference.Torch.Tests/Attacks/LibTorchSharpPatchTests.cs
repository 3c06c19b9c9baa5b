using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Thestage.Inference.Torch.Native;
using Thestage.Inference.Torch.Tests.Native;

namespace Thestage.Inference.Torch.Tests.Attacks;

/// <summary>
/// The old loader fix rewrote, at run time and from model-conversion calls, every file named libLibTorchSharp.so in the
/// native search directories, whatever its content (marking GLIBCXX_3.4.32 weak wherever its ELF reader found it). Now
/// the only patch is the build step of the package's targets, gated on the SHA-256 of TorchSharp 0.107.0's bridge, and
/// the library has no way to write a file.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LibTorchSharpPatchTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bridge-patch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ForeignFilesNamedLikeTheBridge_AreNotPatchedByTheBuild()
    {
        // A tampered bridge (one byte of code changed: the old patcher would have weakened it just the same), and a
        // small ELF file whose GLIBCXX_3.4.32 requirement the old patcher's reader found and weakened.
        byte[] tampered = File.ReadAllBytes(TorchNativeTests.PackagedBridge());
        tampered[0x10000] ^= 1;
        string tamperedPath = Write("tampered", tampered);
        string syntheticPath = Write("synthetic", SyntheticElf.Build());

        (int exitCode, string output) = MsBuild.PatchBridges(_dir, [tamperedPath, syntheticPath]);

        Assert.True(exitCode == 0, output);
        Assert.Equal(tampered, File.ReadAllBytes(tamperedPath));
        Assert.Equal(SyntheticElf.Build(), File.ReadAllBytes(syntheticPath));
        Assert.Contains($"{tamperedPath} is not TorchSharp 0.107.0's libLibTorchSharp.so", output, StringComparison.Ordinal);
        Assert.Contains($"{syntheticPath} is not TorchSharp 0.107.0's libLibTorchSharp.so", output, StringComparison.Ordinal);
    }

    [Fact]
    public void KnownBridge_IsPatchedOnlyAtItsWeakFlag_AndThroughALinkNeverInTheLinkedFile()
    {
        byte[] original = File.ReadAllBytes(TorchNativeTests.PackagedBridge());
        ElfVersionRequirement needed = ElfVersions.Requirements(original).Single(r => r.Version == "GLIBCXX_3.4.32");
        string copy = Write("copy", original);
        string cache = Write("cache", original);
        string linked = Path.Combine(Directory.CreateDirectory(Path.Combine(_dir, "linked")).FullName, "libLibTorchSharp.so");
        File.CreateSymbolicLink(linked, cache);

        (int exitCode, string output) = MsBuild.PatchBridges(_dir, [copy, linked]);
        Assert.True(exitCode == 0, output);

        foreach (string path in new[] { copy, linked })
        {
            byte[] patched = File.ReadAllBytes(path);
            Assert.Equal(TorchNativeTests.PatchedSha256, TorchNativeTests.Sha256(patched));
            Assert.Equal([needed.FlagsOffset], Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).Select(i => (long)i));
            Assert.Equal(needed.Flags | ElfVersions.WeakFlag, patched[needed.FlagsOffset]);
            Assert.Equal(
                ElfVersions.Requirements(original).Where(r => r.Version != "GLIBCXX_3.4.32").Select(r => r.Flags),
                ElfVersions.Requirements(patched).Where(r => r.Version != "GLIBCXX_3.4.32").Select(r => r.Flags));
        }

        Assert.Null(new FileInfo(linked).LinkTarget);          // the link was replaced by the patched file …
        Assert.Equal(original, File.ReadAllBytes(cache));      // … and the file it pointed to is untouched

        // Patching again changes nothing.
        (exitCode, output) = MsBuild.PatchBridges(_dir, [copy]);
        Assert.True(exitCode == 0, output);
        Assert.Equal(TorchNativeTests.PatchedSha256, TorchNativeTests.Sha256(File.ReadAllBytes(copy)));
        Assert.DoesNotContain("THESTAGE001", output, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLibrary_ReferencesNoApiThatWritesFiles()
    {
        // Every file-system member Thestage.Inference.Torch references must be one of these readers; nothing of it can
        // create, write, move, replace, delete or change the mode of a file, and it declares no P/Invoke of its own.
        string[] readers = ["File.Exists", "File.ReadAllBytes", "File.ReadLines", "File.OpenRead"];
        string[] fileSystemTypes = ["File", "FileInfo", "FileStream", "FileSystemInfo", "Directory", "DirectoryInfo", "RandomAccess", "MemoryMappedFile"];
        string path = typeof(TorchNative).Assembly.Location;
        using var pe = new PEReader(File.OpenRead(path));
        MetadataReader metadata = pe.GetMetadataReader();

        var used = new SortedSet<string>(StringComparer.Ordinal);
        foreach (MemberReferenceHandle handle in metadata.MemberReferences)
        {
            MemberReference member = metadata.GetMemberReference(handle);
            if (member.Parent.Kind == HandleKind.TypeReference)
            {
                TypeReference type = metadata.GetTypeReference((TypeReferenceHandle)member.Parent);
                string ns = metadata.GetString(type.Namespace), name = metadata.GetString(type.Name);
                if (ns.StartsWith("System.IO", StringComparison.Ordinal) && fileSystemTypes.Contains(name))
                {
                    used.Add($"{name}.{metadata.GetString(member.Name)}");
                }
            }
        }

        Assert.Subset(new SortedSet<string>(readers, StringComparer.Ordinal), used);
        Assert.DoesNotContain(metadata.MethodDefinitions, h => (metadata.GetMethodDefinition(h).Attributes & MethodAttributes.PinvokeImpl) != 0);
    }

    [Fact]
    public void UnpatchedBridge_IsDiagnosedAtRunTime_AndLeftAsItWas()
    {
        string bridge = Write("unpatched", File.ReadAllBytes(TorchNativeTests.PackagedBridge()));
        string libstdcxx = Write("libstdcxx", SyntheticElf.Build()); // a libstdc++ without GLIBCXX_3.4.32, like GCC 12's
        DateTime written = File.GetLastWriteTimeUtc(bridge);

        string? reason = TorchNative.Diagnose(libstdcxx, [bridge]);

        Assert.NotNull(reason);
        Assert.Contains("ThestagePatchLibTorchSharp=true", reason, StringComparison.Ordinal);
        Assert.Equal(TorchNativeTests.OriginalSha256, TorchNativeTests.Sha256(File.ReadAllBytes(bridge)));
        Assert.Equal(written, File.GetLastWriteTimeUtc(bridge));
    }

    private string Write(string folder, byte[] bytes)
    {
        string path = Path.Combine(Directory.CreateDirectory(Path.Combine(_dir, folder)).FullName, "libLibTorchSharp.so");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
