using System.Numerics;
using Thestage.Models;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Tests.Attacks;

/// <summary>
/// A client that wants the model's own noise back (what <see cref="OutputFlooding"/> hides, <see cref="OutputNoiseTests"/>)
/// shapes what it sends so that the flood no longer covers it: a request at a smaller scale than the plan's (the flood is
/// sized in output units, the noise of rescaling is not), or a public key whose a it chose (the flood's encryption then
/// leaves the answer's c₁ the model's own). Before the checks, the server accepted both.
/// </summary>
public sealed class FloodingBypassTests
{
    private static readonly Sequential Cnn = Models.Cnn(3);

    private static readonly Sequential Small = new([16], [new Dense(Models.Matrix(new Random(17), 16, 4, 0.5)), Activation.Square(), new Dense(Models.Matrix(new Random(18), 4, 3, 0.5))]);

    /// <summary>A client of its own making: its keys, and its own encryptions at any scale or level.</summary>
    private sealed class Client
    {
        public Client(InferencePlan plan)
        {
            Plan = plan;
            Context = new CkksContext(plan.Parameters);
            Keys = new KeyGenerator(Context);
            Bundle = new EvaluationKeys(Context, Keys.CreatePublicKey(), Keys.CreateRelinKeys(), Keys.CreateGaloisKeys(plan.RotationSteps.ToArray()));
        }

        public InferencePlan Plan { get; }

        public CkksContext Context { get; }

        public KeyGenerator Keys { get; }

        public EvaluationKeys Bundle { get; }

        public CkksVector Encrypt(double[] x, double scale) => CkksVector.Encrypt(new TensorContext(Context, scale), new Encryptor(Context, Keys.SecretKey), x);
    }

    private static double[] Image() => Enumerable.Range(0, 784).Select(i => (i % 13) / 13.0).ToArray();

    [Theory]
    [InlineData(4)]          // the demo's CNN at Δ/4 answered with its own noise, rms 3.9e-2, under a flood of τ = 2.2e-2 (at Δ: 1.6e-4)
    [InlineData(16)]         // at Δ/16: noise 10.2, the flood invisible
    [InlineData(1 << 10)]    // the flood's encoding failed (scale below 1) with an ArgumentOutOfRangeException
    public void RequestAtASmallerScale_ShrinksTheFloodBelowTheModelsNoise_IsRefused(int divisor)
    {
        InferencePlan plan = InferencePlanner.Plan(Cnn);
        var client = new Client(plan);
        var served = new EncryptedModel(Cnn, plan, client.Bundle);
        CkksVector request = client.Encrypt(Image(), plan.Scale / divisor);

        var e = Assert.Throws<CkksFormatException>(() => served.Evaluate(CkksSerializer.Save(request)));
        Assert.Contains($"scale 2^{plan.ScaleBits}", e.Message, StringComparison.Ordinal);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => served.Evaluate(request)).ParamName);
    }

    [Fact]
    public void RequestAtALargerScale_IsRefused()
    {
        InferencePlan plan = InferencePlanner.Plan(Small);
        var client = new Client(plan);
        var served = new EncryptedModel(Small, plan, client.Bundle);

        Assert.Throws<CkksFormatException>(() => served.Evaluate(CkksSerializer.Save(client.Encrypt(Models.Vector(new Random(19), 16), plan.Scale * 2))));
    }

    [Fact]
    public void RequestBelowTheTopLevel_IsRefusedBeforeAnyEvaluation()
    {
        // One level down, the evaluation used to run its first layers and stop with a DepthExhaustedException.
        InferencePlan plan = InferencePlanner.Plan(Small);
        var client = new Client(plan);
        var served = new EncryptedModel(Small, plan, client.Bundle);
        CkksVector fresh = client.Encrypt(Models.Vector(new Random(19), 16), plan.Scale);
        var evaluator = new Evaluator(client.Context);
        CkksVector lower = CkksVector.FromCiphertexts(fresh.TensorContext, fresh.Length, [evaluator.ModSwitchToNext(fresh.Ciphertexts[0])]);

        Assert.Throws<CkksFormatException>(() => served.Evaluate(CkksSerializer.Save(lower)));
        Assert.Throws<ArgumentException>(() => served.Evaluate(lower));
    }

    [Fact]
    public void BatchRequestAtASmallerScale_IsRefused()
    {
        InferencePlan plan = InferencePlanner.Plan(Small, new PlannerOptions { Packing = TensorPacking.Batch });
        var client = new Client(plan);
        var served = new EncryptedModel(Small, plan, client.Bundle);
        var tensors = new TensorContext(client.Context, plan.Scale / 16);
        double[] flat = Models.Vector(new Random(20), 2 * 16);
        CkksTensor request = CkksTensor.Encrypt(tensors, new Encryptor(client.Context, client.Keys.SecretKey), flat, [2, 16], TensorPacking.Batch);

        Assert.Throws<CkksFormatException>(() => served.Evaluate(CkksSerializer.Save(request)));
        Assert.Throws<ArgumentException>(() => served.EvaluateBatch(request));
    }

    [Fact]
    public void PublicKeyWithAZeroA_LetsTheClientConfirmAGuessedModel_IsRefused()
    {
        // The flood is Enc_pk(z) = (b·u + e₀ + Δz, a·u + e₁): with a = 0 (and b = 0, so the answer still decrypts), the
        // answer's c₁ is the model's own plus the small e₁. The client evaluates a guessed model on its request with its
        // own keys (c₁ is a deterministic function of request, keys and weights) and subtracts: a right guess leaves
        // (e₀ + Δz, e₁), which decrypts to the small flood under any key at all; a stranger's key would read noise of the
        // size of the modulus from a fresh c₁.
        InferencePlan plan = InferencePlanner.Plan(Small);
        var client = new Client(plan);
        byte[] zeroKey = CkksSerializer.Save(client.Bundle.PublicKey, new CkksSerializationOptions { UseSeeds = false });
        Array.Clear(zeroKey, 48, zeroKey.Length - 48);                                        // b = a = 0 after the 48-byte header
        using var stream = new MemoryStream();
        stream.Write("TSEK"u8);
        stream.WriteByte(2);
        CkksSerializer.Save(client.Context.Parameters, stream);
        stream.Write(zeroKey);
        CkksSerializer.Save(client.Bundle.RelinKeys, stream);
        CkksSerializer.Save(client.Bundle.GaloisKeys, stream);

        // The attack, on a server that took the key: the guess is confirmed.
        PublicKey chosen = CkksSerializer.LoadPublicKey(client.Context, zeroKey);
        Assert.False(chosen.IsSeeded);
        var tricked = new EncryptedModel(Small, plan, new EvaluationKeys(client.Context, chosen, client.Bundle.RelinKeys, client.Bundle.GaloisKeys));
        Assert.True(Confirms(client, tricked, plan));
        Assert.False(Confirms(client, new EncryptedModel(Small, plan, client.Bundle), plan));         // an honest key: c₁ is fresh

        // The server: a bundle's public key must be seeded.
        Assert.True(EvaluationKeys.FromBytes(client.Bundle.ToBytes()).PublicKey.IsSeeded);
        var e = Assert.Throws<CkksFormatException>(() => EvaluationKeys.FromBytes(stream.ToArray()));
        Assert.Contains("seeded", e.Message, StringComparison.Ordinal);
    }

    private static bool Confirms(Client client, EncryptedModel server, InferencePlan plan)
    {
        var tensors = new TensorContext(client.Context, plan.Scale);
        byte[] request = CkksSerializer.Save(client.Encrypt(Models.Vector(new Random(19), 16), plan.Scale));
        Ciphertext guess = CkksSerializer.LoadVector(tensors, new EncryptedModel(Small, plan, client.Bundle, OutputFlooding.None).Evaluate(request)).Ciphertexts[0];
        Ciphertext answer = CkksSerializer.LoadVector(tensors, server.Evaluate(request)).Ciphertexts[0];
        Ciphertext difference = new Evaluator(client.Context).Sub(answer, guess);
        SecretKey stranger = new KeyGenerator(client.Context).SecretKey;
        Complex[] seen = tensors.Encoder.DecodeComplex(new Decryptor(client.Context, stranger).Decrypt(difference));
        return seen.All(z => z.Magnitude < 1);
    }
}
