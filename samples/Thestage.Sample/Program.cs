// A consumer of the packed Thestage packages: the READMEs' three snippets, each checked. Exit code 0 when every
// result is right, 1 otherwise.
using Thestage.Models;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;

int failures = 0;
void Check(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    failures += ok ? 0 : 1;
}

// 1. CKKS (Thestage.Privacy): encrypt → compute → decrypt.
var context = new CkksContext(new CkksParameters(polyModulusDegree: 8192, coeffModulusBits: new[] { 60, 40, 40, 60 }));
var keygen = new KeyGenerator(context);
var encoder = new CkksEncoder(context);
Ciphertext x = new Encryptor(context, keygen.CreatePublicKey()).Encrypt(encoder.Encode(new[] { 1.5, -0.25, 3 }, Math.Pow(2, 40)));
var ev = new Evaluator(context);
Ciphertext y = ev.Multiply(x, x); ev.RelinearizeInplace(y, keygen.CreateRelinKeys()); ev.RescaleToNextInplace(y);
double[] squares = encoder.Decode(new Decryptor(context, keygen.SecretKey).Decrypt(y));
Check(Math.Abs(squares[0] - 2.25) < 1e-4 && Math.Abs(squares[1] - 0.0625) < 1e-4 && Math.Abs(squares[2] - 9) < 1e-4,
    $"CKKS: x² of [1.5, -0.25, 3] decrypts to [{squares[0]:F6}, {squares[1]:F6}, {squares[2]:F6}]");

// 2. Proofs (Thestage.Proofs): prove → verify an int8 layer's output against committed weights.
var model = new QuantizedModel(Shape.Vector(4), inputBits: 8, inputFractionBits: 4, outputFractionBits: 4,
    [QuantizedLayer.Dense(4, 2, weights: [1, -2, 3, 4, 5, 6, -7, 8], bias: [0, 1], shift: 4)]);
CommittedModel committed = CommittedModel.Commit(model);
(int[] output, InferenceProof proof) = InferenceProver.Prove(committed, [10, -3, 7, 1]);
bool valid = InferenceVerifier.Verify(committed.Commitment, [10, -3, 7, 1], output, proof);
Check(valid && output.SequenceEqual(IntegerEvaluator.Evaluate(model, [10, -3, 7, 1])), $"proof: output [{string.Join(", ", output)}] proven and verified");
Check(!InferenceVerifier.Verify(committed.Commitment, [10, -3, 7, 1], [output[0] + 1, output[1]], proof), "proof: a changed output is rejected");

// 3. Private inference (Thestage.Inference): the server evaluates with evaluation keys only.
var net = new Sequential([4], [new Dense(new double[,] { { 1, 0 }, { 0, 1 }, { 0, 0 }, { 0, 0 } }, [0.5, -0.5]), Activation.Square()]);
InferencePlan plan = InferencePlanner.Plan(net);
using var client = new InferenceClient(plan);
byte[] keys = client.CreateEvaluationKeys().ToBytes();
var server = new EncryptedModel(net, plan, EvaluationKeys.FromBytes(keys));
double[] logits = client.DecryptOutput(server.Evaluate(client.EncryptSample([1.0, 2.0, 3.0, 4.0])));
Check(Math.Abs(logits[0] - 2.25) < 0.05 && Math.Abs(logits[1] - 2.25) < 0.05, $"private inference: [{logits[0]:F4}, {logits[1]:F4}] ≈ [2.25, 2.25]");

Console.WriteLine(failures == 0 ? "all checks passed" : $"{failures} check(s) failed");
return failures == 0 ? 0 : 1;
