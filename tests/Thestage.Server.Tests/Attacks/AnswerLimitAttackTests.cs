using Grpc.Core;
using Thestage.Inference.Runtime;

namespace Thestage.Server.Tests.Attacks;

/// <summary>
/// A client asks for more answers under one evaluation key than the server's output flooding covers
/// (<see cref="ServingLimits.MaxAnswersPerKeys"/>): refused with RESOURCE_EXHAUSTED, also from a new session with the same
/// keys; the limit is per client and keys. The cluster's: <c>ClusterLimitAttackTests</c>.
/// </summary>
public sealed class AnswerLimitAttackTests
{
    [Fact]
    public async Task AnswersBeyondTheLimitPerKeys_AreRefused_AlsoFromANewSessionWithTheSameKeys()
    {
        await using InferenceServer server = await TestServers.StartAsync(ServedModel.RowMajor, new ServingLimits { MaxAnswersPerKeys = 2 });
        await ExceedTheLimitAsync(server.Address);
    }

    [Fact]
    public async Task LimitWhoseFloodDoesNotFitTheOutputs_IsRefusedWhenTheServerStarts()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => TestServers.StartAsync(ServedModel.RowMajor, new ServingLimits { MaxAnswersPerKeys = int.MaxValue }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServingLimits { MaxAnswersPerKeys = 0 }.Validate());
    }

    [Fact]
    public void FloodingOfLimitedAnswers_IsSizedForThem()
    {
        var budget = new Thestage.Server.Sessions.AnswerBudget(ServedModel.RowMajor.Plan, 4);
        Assert.Equal(2 * OutputFlooding.ForPlan(ServedModel.RowMajor.Plan).StandardDeviation, budget.Flooding.StandardDeviation, 9);
    }

    /// <summary>The attack on a server or a cluster front end whose limit is 2: two answers, then refusals; another client's count is its own.</summary>
    internal static async Task ExceedTheLimitAsync(Uri address)
    {
        (var channel, var stub) = TestServers.Raw(address);
        using (channel)
        {
            byte[] keys = RawCalls.Valid.Keys;
            string session = await RawCalls.OpenAsync(stub, keys);
            Assert.Equal(StatusCode.OK, await RawCalls.UploadAsync(stub, RawCalls.Upload(session, keys)));
            Assert.Equal(StatusCode.OK, await RawCalls.EvaluateAsync(stub, session, RawCalls.Request(1)));
            Assert.Equal(StatusCode.OK, await RawCalls.EvaluateAsync(stub, session, RawCalls.Request(2)));

            Assert.Equal(StatusCode.ResourceExhausted, await RawCalls.EvaluateAsync(stub, session, RawCalls.Request(3)));
            string another = await RawCalls.OpenAsync(stub, keys);   // the keys are held: a new session needs no upload…
            Assert.Equal(StatusCode.ResourceExhausted, await RawCalls.EvaluateAsync(stub, another, RawCalls.Request(4)));   // …and gets no more answers

            string other = await RawCalls.OpenAsync(stub, keys, TestServers.OtherApiKey);
            Assert.Equal(StatusCode.OK, await RawCalls.UploadAsync(stub, RawCalls.Upload(other, keys), TestServers.OtherApiKey));
            Assert.Equal(StatusCode.OK, await RawCalls.EvaluateAsync(stub, other, RawCalls.Request(5), TestServers.OtherApiKey));
        }
    }
}
