using System.Numerics;
using Thestage.Models;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;
using Thestage.Privacy.Tensors;
using Xunit.Abstractions;

namespace Thestage.Inference.Tests.Attacks;

/// <summary>
/// What a client holding the secret key learns about the model from its answers, and what a published decryption tells
/// about the key (IND-CPA^D, Li–Micciancio 2021). Before <see cref="OutputFlooding"/>, answers left the server as computed:
/// their noise was the model's, and their c₁ a deterministic function of the request, the keys and the weights.
/// </summary>
public sealed class OutputNoiseTests(ITestOutputHelper output)
{
    private static readonly Sequential Model = Models.Cnn(3);

    /// <summary>A client of its own making: it keeps its key generator, so it can decrypt anything of its context.</summary>
    private sealed class Client
    {
        public Client(InferencePlan plan)
        {
            Context = new CkksContext(plan.Parameters);
            Keys = new KeyGenerator(Context);
            Tensors = new TensorContext(Context, plan.Scale);
            Bundle = new EvaluationKeys(Context, Keys.CreatePublicKey(), Keys.CreateRelinKeys(), Keys.CreateGaloisKeys(plan.RotationSteps.ToArray()));
        }

        public CkksContext Context { get; }

        public KeyGenerator Keys { get; }

        public TensorContext Tensors { get; }

        public EvaluationKeys Bundle { get; }

        public byte[] Request(double[] x) => CkksSerializer.Save(CkksVector.Encrypt(Tensors, new Encryptor(Context, Keys.SecretKey), x));

        public Ciphertext Answer(byte[] message) => CkksSerializer.LoadVector(Tensors, message).Ciphertexts[0];

        public Complex[] DecryptAllSlots(Ciphertext c, SecretKey key) => Tensors.Encoder.DecodeComplex(new Decryptor(Context, key).Decrypt(c));
    }

    private static double RmsImaginary(Complex[] slots) => Math.Sqrt(slots.Average(z => z.Imaginary * z.Imaginary));

    [Fact]
    public void ClientReadsTheModelsNoiseInTheImaginaryParts_ItIsFlooded()
    {
        // The model computes on real numbers, so every imaginary part of the answer is noise: the model's own before,
        // the flood now. The flood must dominate by √N (OutputFlooding's Rényi bound for one answer).
        InferencePlan plan = InferencePlanner.Plan(Model);
        var client = new Client(plan);
        byte[] request = client.Request(Enumerable.Range(0, 784).Select(i => (i % 13) / 13.0).ToArray());
        var exact = new EncryptedModel(Model, plan, client.Bundle, OutputFlooding.None);
        var served = new EncryptedModel(Model, plan, client.Bundle);

        double modelNoise = RmsImaginary(client.DecryptAllSlots(client.Answer(exact.Evaluate(request)), client.Keys.SecretKey));
        double seen = RmsImaginary(client.DecryptAllSlots(client.Answer(served.Evaluate(request)), client.Keys.SecretKey));

        double tau = served.Flooding.StandardDeviation;
        output.WriteLine($"imaginary parts of 4096 slots: rms {modelNoise:E2} (2^{Math.Log2(modelNoise):F1}) without flooding, {seen:E2} with τ = {tau:E2}");
        Assert.InRange(seen / tau, 0.93, 1.07);                                    // 4096 samples of N(0, τ²): ±6 standard errors
        Assert.True(modelNoise <= served.Flooding.OutputNoise, $"the model's noise {modelNoise:E2} exceeds the assumed {served.Flooding.OutputNoise:E2}");
        Assert.True(tau >= modelNoise * Math.Sqrt(plan.Parameters.PolyModulusDegree), $"τ = {tau:E2}, model noise {modelNoise:E2}");
    }

    [Fact]
    public void ClientConfirmsAGuessedModelByReEvaluatingItsRequest_Fails()
    {
        // The client guesses the weights, evaluates the guess on its own request with its own evaluation keys, and
        // subtracts that from the server's answer. If the two share c₁, the difference has c₁ = 0 and decrypts to the same
        // values under any key — under a stranger's key as under its own — which confirms the guess.
        var model = new Sequential([16], [new Dense(Models.Matrix(new Random(17), 16, 4, 0.5)), Activation.Square(), new Dense(Models.Matrix(new Random(18), 4, 3, 0.5))]);
        InferencePlan plan = InferencePlanner.Plan(model);
        var client = new Client(plan);
        SecretKey stranger = new KeyGenerator(client.Context).SecretKey;
        byte[] request = client.Request(Models.Vector(new Random(19), 16));
        Ciphertext guess = client.Answer(new EncryptedModel(model, plan, client.Bundle, OutputFlooding.None).Evaluate(request));
        var evaluator = new Evaluator(client.Context);

        bool Confirms(EncryptedModel server)
        {
            Ciphertext difference = evaluator.Sub(client.Answer(server.Evaluate(request)), guess);
            Complex[] mine = client.DecryptAllSlots(difference, client.Keys.SecretKey);
            Complex[] theirs = client.DecryptAllSlots(difference, stranger);
            return mine.Zip(theirs).All(p => (p.First - p.Second).Magnitude < 1e-9);
        }

        Assert.True(Confirms(new EncryptedModel(model, plan, client.Bundle, OutputFlooding.None)));   // the attack, without flooding
        Assert.False(Confirms(new EncryptedModel(model, plan, client.Bundle)));                         // served: c₁ is fresh
    }

    [Fact]
    public void PublishedOutputsRevealTheDecryptionNoise_UnlessRounded()
    {
        // y = x·W with x and W chosen so that every output is a multiple of 2^−8: whatever a published output differs by is
        // the decryption's noise, a function of the secret key. Rounded to 8 bits, nothing of it is left.
        var w = new double[4, 4];
        for (int i = 0; i < 4; i++)
        {
            w[i, i] = 0.5;
            w[i, (i + 1) % 4] = -0.25;
        }

        var model = new Sequential([4], [new Dense(w)]);
        double[] x = [0.5, 0.25, -0.75, 1];
        double[] exact = model.Evaluate(x);
        Assert.All(exact, y => Assert.Equal(y, Math.Round(y * 256) / 256));
        InferencePlan plan = InferencePlanner.Plan(model);
        using var client = new InferenceClient(plan);
        var server = new EncryptedModel(model, plan, EvaluationKeys.FromBytes(client.CreateEvaluationKeys().ToBytes()), OutputFlooding.None);

        double[] published = client.DecryptOutput(server.Evaluate(client.EncryptSample(x)));
        Assert.Contains(published.Zip(exact), p => p.First != p.Second);                                 // noise in the low bits

        client.OutputRoundingBits = 8;
        for (int run = 0; run < 3; run++)
        {
            Assert.Equal(exact, client.DecryptOutput(server.Evaluate(client.EncryptSample(x))));          // none left
        }
    }
}
