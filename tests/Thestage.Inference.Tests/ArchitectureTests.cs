using System.Reflection;
using System.Text.RegularExpressions;

namespace Thestage.Inference.Tests;

/// <summary>The dependency directions of docs/architecture.md, checked on the assemblies' references.</summary>
public sealed partial class ArchitectureTests
{
    private static string[] Ours(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Thestage.", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Privacy_and_models_use_nothing_of_ours_proofs_only_models_inference_models_and_privacy()
    {
        Assembly privacy = typeof(Thestage.Privacy.Ckks.CkksContext).Assembly;
        Assembly models = typeof(Thestage.Models.Sequential).Assembly;
        Assembly proofs = typeof(Thestage.Proofs.ProofFormatException).Assembly;
        Assembly inference = typeof(Thestage.Inference.Planning.InferencePlanner).Assembly;
        Assert.Empty(Ours(privacy));
        Assert.Empty(Ours(models));
        Assert.Equal(["Thestage.Models"], Ours(proofs));
        Assert.Equal(["Thestage.Models", "Thestage.Privacy"], Ours(inference));
    }

    [Fact]
    public void Only_the_onnx_importer_uses_protobuf_and_it_uses_the_model_library_only()
    {
        Assembly onnx = typeof(Thestage.Models.Onnx.OnnxImporter).Assembly;
        Assert.Equal(["Thestage.Models"], Ours(onnx));
        foreach (Assembly other in new[] { typeof(Thestage.Models.Sequential).Assembly, typeof(Thestage.Proofs.ProofFormatException).Assembly, typeof(Thestage.Inference.Planning.InferencePlanner).Assembly })
        {
            Assert.DoesNotContain(other.GetReferencedAssemblies(), a => a.Name!.StartsWith("Google.Protobuf", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Every_format_magic_in_the_sources_is_listed_with_its_version_in_docs_architecture_md()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Thestage.Privacy.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Thestage.Privacy.sln not found above the test directory.");
        }

        string doc = File.ReadAllText(Path.Combine(root, "docs", "architecture.md"));
        string[] magics = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => Magic().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.True(magics.Length >= 18, string.Join(", ", magics));
        Assert.All(magics, m => Assert.Matches($@"\| `{m}` \| \d+(, \d+)* \|", doc)); // the versions read, e.g. "1, 2"
    }

    [Fact]
    public void No_two_public_types_of_the_libraries_share_a_name()
    {
        Type[] types = new[]
        {
            typeof(Thestage.Privacy.Ckks.CkksContext), typeof(Thestage.Models.Sequential), typeof(Thestage.Models.Onnx.OnnxImporter),
            typeof(Thestage.Proofs.ProofFormatException), typeof(Thestage.Inference.Planning.InferencePlanner),
        }.SelectMany(t => t.Assembly.GetExportedTypes()).Where(t => !t.IsNested).ToArray();
        string[] clashes = types.GroupBy(t => t.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => string.Join(" / ", g.Select(t => t.FullName))).ToArray();
        Assert.True(clashes.Length == 0, string.Join("; ", clashes));
    }

    [GeneratedRegex("\"(TS[A-Z]{2})\"u8")]
    private static partial Regex Magic();

    [Fact]
    public void The_core_is_free_of_torchsharp_and_of_the_proof_librarys_packages()
    {
        string[] references = typeof(Thestage.Inference.Planning.InferencePlanner).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.DoesNotContain(references, r => r.StartsWith("TorchSharp", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("BouncyCastle", StringComparison.Ordinal));
    }
}
