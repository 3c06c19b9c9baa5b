using System.Runtime.InteropServices;

using Thestage.Inference.Torch.Native;

namespace Thestage.Inference.Torch;

/// <summary>
/// Makes TorchSharp's native bridge loadable on systems whose libstdc++ is older than the one it was built against.
/// TorchSharp 0.107's <c>libLibTorchSharp.so</c> needs <c>GLIBCXX_3.4.32</c> (GCC 13) for a single symbol that older
/// libstdc++ builds (e.g. Debian 12's GCC 12) provide unversioned, so the loader refuses it. When — and only when — the
/// running libstdc++ lacks that version, <see cref="EnsureLoadable"/> marks the requirement weak in the application's own
/// copies of the library (never in the NuGet package cache), atomically and idempotently. Call it before the first use of
/// TorchSharp; this library's entry points call it themselves.
/// </summary>
public static class TorchNative
{
    /// <summary>The libstdc++ symbol version TorchSharp 0.107's bridge needs.</summary>
    public const string RequiredLibstdcxxVersion = "GLIBCXX_3.4.32";

    private const string BridgeFileName = "libLibTorchSharp.so";
    private static readonly Lock Gate = new();
    private static IReadOnlyList<string>? _patched;

    /// <summary>The bridge copies patched by this process (empty when none needed patching or none was found).</summary>
    public static IReadOnlyList<string> PatchedFiles => _patched ?? [];

    /// <summary>Patches the application's copies of <c>libLibTorchSharp.so</c> if the running libstdc++ needs it; a no-op elsewhere and after the first call.</summary>
    /// <exception cref="InvalidOperationException">A copy needs patching but cannot be written.</exception>
    /// <exception cref="InvalidDataException">The running libstdc++ or a copy of the bridge is not a well-formed ELF64 file.</exception>
    public static void EnsureLoadable()
    {
        lock (Gate)
        {
            if (_patched is not null)
            {
                return;
            }

            _patched = OperatingSystem.IsLinux() && !RunningLibstdcxxDefines(RequiredLibstdcxxVersion)
                ? PatchAll(BridgeCandidates())
                : [];
        }
    }

    /// <summary>Whether the libstdc++ this process uses defines <paramref name="version"/> (true when it cannot be found, so nothing is patched blindly).</summary>
    internal static bool RunningLibstdcxxDefines(string version)
    {
        string? path = LoadedLibraryPath("libstdc++.so.6");
        if (path is null && NativeLibrary.TryLoad("libstdc++.so.6", out _))
        {
            path = LoadedLibraryPath("libstdc++.so.6");
        }

        return path is null || ElfVersions.Definitions(File.ReadAllBytes(path)).Contains(version);
    }

    /// <summary>Marks <see cref="RequiredLibstdcxxVersion"/> weak in one file if it is needed and not yet weak.</summary>
    /// <returns>Whether the file changed.</returns>
    internal static bool PatchFile(string path)
    {
        if (IsInPackageCache(path))
        {
            throw new InvalidOperationException($"{path} is inside a NuGet package folder; only an application's own copy is patched.");
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (ElfVersions.MakeWeak(bytes, RequiredLibstdcxxVersion) == 0)
        {
            return false;
        }

        string temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temp, bytes);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new InvalidOperationException($"{path} needs {RequiredLibstdcxxVersion} marked weak to load on this system's libstdc++, but it cannot be rewritten: {e.Message}", e);
        }

        return true;
    }

    /// <summary>Whether <paramref name="path"/> lies in an unpacked NuGet package (a folder with <c>.nupkg.metadata</c> above it).</summary>
    internal static bool IsInPackageCache(string path)
    {
        DirectoryInfo? dir = new FileInfo(path).Directory;
        for (int depth = 0; dir is not null && depth < 6; depth++, dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, ".nupkg.metadata")))
            {
                return true;
            }
        }

        return false;
    }

    private static List<string> PatchAll(IEnumerable<string> candidates)
    {
        var patched = new List<string>();
        foreach (string path in candidates)
        {
            if (!IsInPackageCache(path) && PatchFile(path))
            {
                patched.Add(path);
            }
        }

        return patched;
    }

    // Where the runtime and TorchSharp look for the bridge: the host's native search directories (from deps.json), the
    // application directory, and TorchSharp's own consolidation folder "cpu".
    private static IEnumerable<string> BridgeCandidates()
    {
        var dirs = new List<string>();
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searchDirs)
        {
            dirs.AddRange(searchDirs.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        }

        string app = AppContext.BaseDirectory;
        dirs.Add(app);
        dirs.Add(Path.Combine(app, "runtimes", RuntimeInformation.RuntimeIdentifier, "native"));
        dirs.Add(Path.Combine(app, "runtimes", "linux-x64", "native"));
        dirs.Add(Path.Combine(app, "cpu"));
        return dirs
            .Select(d => Path.GetFullPath(Path.Combine(d, BridgeFileName)))
            .Distinct(StringComparer.Ordinal)
            .Where(File.Exists);
    }

    private static string? LoadedLibraryPath(string fileName)
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps))
        {
            return null;
        }

        foreach (string line in File.ReadLines(maps))
        {
            int slash = line.IndexOf('/');
            if (slash >= 0 && Path.GetFileName(line.AsSpan(slash)).StartsWith(fileName, StringComparison.Ordinal))
            {
                return line[slash..];
            }
        }

        return null;
    }
}
