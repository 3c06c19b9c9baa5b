using System.Reflection;
using System.Text.RegularExpressions;

namespace Thestage.Privacy.Tests;

/// <summary>
/// The layering of docs/architecture.md, enforced: Arithmetic ← Sampling ← Rings ← Rlwe ← Ckks ← Tensors, Serialization
/// above them all; a layer names no namespace above it. Checked on the sources (namespaces named in using
/// directives or qualified names) and on the assembly's references.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly string[] Layers = ["Arithmetic", "Sampling", "Rings", "Rlwe", "Ckks", "Tensors", "Serialization"];

    [Fact]
    public void No_layer_uses_a_layer_above_it()
    {
        string source = Path.Combine(RepositoryRoot(), "src", "Thestage.Privacy");
        var violations = new List<string>();
        for (int i = 0; i < Layers.Length; i++)
        {
            string folder = Path.Combine(source, Layers[i]);
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (string file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            {
                string text = File.ReadAllText(file);
                foreach (string upper in Layers.Skip(i + 1))
                {
                    if (Regex.IsMatch(text, $@"(Thestage\.Privacy\.{upper}\b|^using .*\b{upper}\.|\b{upper}\.[A-Z]\w*\.)", RegexOptions.Multiline))
                    {
                        violations.Add($"{Path.GetRelativePath(source, file)} uses {upper}");
                    }
                }
            }
        }

        Assert.Empty(violations);
    }

    [Fact]
    public void The_library_references_no_other_project()
    {
        AssemblyName[] references = typeof(Thestage.Privacy.Ckks.CkksContext).Assembly.GetReferencedAssemblies();
        Assert.DoesNotContain(references, r => r.Name!.StartsWith("Thestage.", StringComparison.Ordinal));
    }

    private static string RepositoryRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Thestage.Privacy.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("Thestage.Privacy.sln not found above the test directory.");
    }
}
