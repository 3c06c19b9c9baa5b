namespace Thestage.Server.Tests.Load;

/// <summary>The load and fault tests run one at a time: each keeps the machine's cores busy.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadCollection
{
    public const string Name = "Load and faults (one at a time)";
}
