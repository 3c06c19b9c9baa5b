using System.Reflection;

namespace Thestage.Inference.Tests;

/// <summary>The dependency directions of ARCHITECTURE.md, checked on the assemblies' references.</summary>
public sealed class ArchitectureTests
{
    private static string[] References(Assembly assembly) => assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

    [Fact]
    public void Privacy_and_proofs_reference_nothing_of_ours_and_the_core_is_free_of_torchsharp()
    {
        Assembly privacy = typeof(Thestage.Privacy.Ckks.CkksContext).Assembly;
        Assembly proofs = typeof(Thestage.Proofs.ProofFormatException).Assembly;
        Assembly inference = typeof(Thestage.Inference.Model.Sequential).Assembly;
        Assert.DoesNotContain(References(privacy), r => r.StartsWith("Thestage.", StringComparison.Ordinal));
        Assert.DoesNotContain(References(proofs), r => r.StartsWith("Thestage.", StringComparison.Ordinal));
        Assert.DoesNotContain(References(inference), r => r.StartsWith("TorchSharp", StringComparison.Ordinal));
        Assert.Contains("Thestage.Privacy", References(inference));
    }
}
