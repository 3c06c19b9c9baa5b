using System.Reflection;

namespace Thestage.Inference.Tests;

/// <summary>The dependency directions of docs/architecture.md, checked on the assemblies' references.</summary>
public sealed class ArchitectureTests
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
    public void The_core_is_free_of_torchsharp_and_of_the_proof_librarys_packages()
    {
        string[] references = typeof(Thestage.Inference.Planning.InferencePlanner).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.DoesNotContain(references, r => r.StartsWith("TorchSharp", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("BouncyCastle", StringComparison.Ordinal));
    }
}
