using Orleans;
using Orleans.Runtime;

namespace Thestage.Server.Cluster;

/// <summary>A piece's prover (<see cref="IProvingGrain"/>): stateless; deactivated once its piece is proven.</summary>
[RoundRobinPlacement]
internal sealed class ProvingGrain(SiloProver prover, ILocalSiloDetails silo) : Grain, IProvingGrain
{
    public Task<string> Silo() => Task.FromResult(silo.SiloAddress.ToParsableString());

    public async Task<ProvingReply> Prove(byte[] piece, IStatementSource source, CancellationToken cancellationToken)
    {
        try
        {
            byte[] proof = await prover.ProveAsync(piece, source.Statement, cancellationToken);
            return new ProvingReply(proof, silo.SiloAddress.ToParsableString());
        }
        finally
        {
            DeactivateOnIdle();
        }
    }
}
