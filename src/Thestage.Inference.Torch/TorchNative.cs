using System.Runtime.InteropServices;
using Thestage.Inference.Torch.Native;
using TorchSharp;

namespace Thestage.Inference.Torch;

/// <summary>
/// Checks that TorchSharp's native bridge loads, and explains the one failure this library knows how to avoid.
/// TorchSharp 0.107's <c>libLibTorchSharp.so</c> requires the symbol version <c>GLIBCXX_3.4.32</c> (GCC 13's
/// libstdc++) for <c>std::ios_base_library_init()</c>, a symbol it never binds; GCC 12's libstdc++ (Debian 12) neither
/// exports the symbol nor defines the version, so the loader refuses the bridge. The fix is made at build time: this
/// package's MSBuild target (<c>buildTransitive/Thestage.Inference.Torch.targets</c>, property
/// <c>ThestagePatchLibTorchSharp</c>) marks that requirement weak in the build and publish output, and only in a file
/// whose SHA-256 is TorchSharp 0.107.0's bridge. Nothing here writes to any file.
/// </summary>
public static class TorchNative
{
    /// <summary>The libstdc++ symbol version TorchSharp 0.107's bridge needs.</summary>
    public const string RequiredLibstdcxxVersion = "GLIBCXX_3.4.32";

    /// <summary>The MSBuild property that turns the build-time fix on or off.</summary>
    public const string PatchProperty = "ThestagePatchLibTorchSharp";

    private const string BridgeFileName = "libLibTorchSharp.so";
    private static readonly Lock Gate = new();
    private static bool _loaded;

    /// <summary>
    /// Loads TorchSharp's native backend (CPU), or explains why it cannot be loaded. This library's entry points call it
    /// before their first use of TorchSharp; it reads files and never writes them.
    /// </summary>
    /// <exception cref="DllNotFoundException">The bridge cannot load because this system's libstdc++ lacks
    /// <see cref="RequiredLibstdcxxVersion"/> and the bridge was not patched at build time; the message names the files
    /// and the fix.</exception>
    /// <exception cref="TypeInitializationException">TorchSharp failed to load for another reason (its own message says which).</exception>
    public static void EnsureLoadable()
    {
        lock (Gate)
        {
            if (_loaded)
            {
                return;
            }

            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException)
            {
                if (OperatingSystem.IsLinux() && Diagnose(LoadedLibraryPath("libstdc++.so.6"), BridgeCandidates()) is string reason)
                {
                    throw new DllNotFoundException(reason, e);
                }

                throw;
            }

            _loaded = true;
        }
    }

    /// <summary>
    /// Why the bridge cannot load on the libstdc++ at <paramref name="libstdcxx"/>: the first of <paramref name="bridges"/>
    /// that requires <see cref="RequiredLibstdcxxVersion"/> strongly when that libstdc++ does not define it; null when
    /// nothing of the kind applies (or the libstdc++ is unknown). Reads the files only.
    /// </summary>
    /// <exception cref="InvalidDataException">A file is not a well-formed ELF64 file.</exception>
    internal static string? Diagnose(string? libstdcxx, IEnumerable<string> bridges)
    {
        if (libstdcxx is null || ElfVersions.Definitions(File.ReadAllBytes(libstdcxx)).Contains(RequiredLibstdcxxVersion))
        {
            return null;
        }

        foreach (string bridge in bridges)
        {
            if (ElfVersions.Requirements(File.ReadAllBytes(bridge)).Any(r => r.Version == RequiredLibstdcxxVersion && !r.IsWeak))
            {
                return $"{bridge} requires {RequiredLibstdcxxVersion} (GCC 13's libstdc++), which {libstdcxx} does not define, so it cannot load. " +
                    $"Build or publish the application with the Thestage.Inference.Torch package's MSBuild target ({PatchProperty}=true, the default " +
                    "for linux-x64 and portable outputs): it marks that requirement weak in the output copy of TorchSharp 0.107.0's bridge. " +
                    "Or install a libstdc++ from GCC 13 or later.";
            }
        }

        return null;
    }

    /// <summary>Whether the libstdc++ this process uses defines <paramref name="version"/> (true when it cannot be found).</summary>
    internal static bool RunningLibstdcxxDefines(string version)
        => LoadedLibraryPath("libstdc++.so.6") is not string path || ElfVersions.Definitions(File.ReadAllBytes(path)).Contains(version);

    /// <summary>The path of the loaded library <paramref name="fileName"/> (loading it if needed), from /proc/self/maps; null where that does not exist.</summary>
    internal static string? LoadedLibraryPath(string fileName)
    {
        string? path = MappedPath(fileName);
        if (path is null && OperatingSystem.IsLinux() && NativeLibrary.TryLoad(fileName, out _))
        {
            path = MappedPath(fileName);
        }

        return path;
    }

    // Where the runtime and TorchSharp look for the bridge: the host's native search directories (from deps.json), the
    // application directory, runtimes/<rid>/native, and TorchSharp's own consolidation folder "cpu".
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

    private static string? MappedPath(string fileName)
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
