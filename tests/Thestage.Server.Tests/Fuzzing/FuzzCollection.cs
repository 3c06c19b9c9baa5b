using Thestage.TestKit.Fuzzing;

namespace Thestage.Server.Tests.Fuzzing;

[CollectionDefinition(FuzzCampaign.CollectionName, DisableParallelization = true)]
public sealed class FuzzCollection;
