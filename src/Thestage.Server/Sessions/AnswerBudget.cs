using System.Collections.Concurrent;
using Grpc.Core;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;

namespace Thestage.Server.Sessions;

/// <summary>
/// The answers a server gives per evaluation-key bundle (<see cref="ServingLimits.MaxAnswersPerKeys"/>) and the output
/// flooding that covers them: the flood's noise is sized for <c>q</c> answers under one key (τ grows as √q,
/// <see cref="OutputFlooding.ForPlan"/>), so a server that floods for <c>q</c> must not give more than <c>q</c> answers under
/// it. Counted per client and bundle hash, across its sessions, and kept when the loaded keys are evicted (here: for the
/// process's life; in a cluster: in the keys grain's persistent state). An answer is taken before the evaluation and given
/// back when the evaluation ends without one.
/// </summary>
internal sealed class AnswerBudget
{
    private readonly ConcurrentDictionary<(string Client, string Hash), int> _given = new();

    /// <summary>The budget of <paramref name="limit"/> answers per bundle (null: no limit, flooding for one answer).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The limit is below 1, or the flood for that many answers does not fit the plan's outputs.</exception>
    public AnswerBudget(InferencePlan plan, int? limit)
    {
        Limit = limit;
        Flooding = OutputFlooding.ForPlan(plan, limit ?? 1);
    }

    public int? Limit { get; }

    /// <summary>The flooding of every answer: sized for <see cref="Limit"/> answers.</summary>
    public OutputFlooding Flooding { get; }

    public static ServingException Exhausted(int limit) => new(
        StatusCode.ResourceExhausted,
        $"These evaluation keys have had the {limit:N0} answers the server gives under one key (its output flooding covers that many): make new keys and open a new session.");

    /// <summary>Takes one answer of the bundle's budget; RESOURCE_EXHAUSTED when it is spent.</summary>
    public void Take(string client, string hash)
    {
        if (Limit is not int limit)
        {
            return;
        }

        while (true)
        {
            if (_given.TryGetValue((client, hash), out int given))
            {
                if (given >= limit)
                {
                    throw Exhausted(limit);
                }

                if (_given.TryUpdate((client, hash), given + 1, given))
                {
                    return;
                }
            }
            else if (_given.TryAdd((client, hash), 1))
            {
                return;
            }
        }
    }

    /// <summary>Gives back an answer taken for an evaluation that did not answer.</summary>
    public void Return(string client, string hash)
    {
        if (Limit is not null)
        {
            _given.AddOrUpdate((client, hash), 0, (_, n) => Math.Max(0, n - 1));
        }
    }
}
