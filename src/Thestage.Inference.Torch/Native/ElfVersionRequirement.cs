namespace Thestage.Inference.Torch.Native;

/// <summary>One Vernaux entry of an ELF file's <c>.gnu.version_r</c>: a symbol version the file needs from a library.</summary>
/// <param name="Library">The needed library (Verneed <c>vn_file</c>), e.g. "libstdc++.so.6".</param>
/// <param name="Version">The version name (<c>vna_name</c>), e.g. "GLIBCXX_3.4.32".</param>
/// <param name="Flags">The <c>vna_flags</c> (2 is VER_FLG_WEAK).</param>
/// <param name="FlagsOffset">The file offset of the 16-bit <c>vna_flags</c> field.</param>
internal readonly record struct ElfVersionRequirement(string Library, string Version, ushort Flags, long FlagsOffset)
{
    /// <summary>Whether the requirement is weak (a missing version is then not fatal to the loader).</summary>
    public bool IsWeak => (Flags & ElfVersions.WeakFlag) != 0;
}
