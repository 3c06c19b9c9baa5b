namespace Thestage.Models.Tests;

/// <summary>The model IR depends on nothing of ours (docs/architecture.md): both back-ends can use it.</summary>
public sealed class ArchitectureTests
{
    [Fact]
    public void The_model_library_references_no_other_project_and_no_package()
    {
        string[] references = typeof(Sequential).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.DoesNotContain(references, r => r.StartsWith("Thestage.", StringComparison.Ordinal));
        Assert.All(references, r => Assert.True(r.StartsWith("System", StringComparison.Ordinal) || r == "netstandard", $"{r} is not part of .NET"));
    }

    [Fact]
    public void No_two_public_types_share_a_name()
    {
        string[] names = typeof(Sequential).Assembly.GetExportedTypes().Select(t => t.Name).ToArray();
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
    }
}
