using System.Reflection;
using System.Runtime.Loader;
using Thestage.Inference.Torch.Tests.Conversion;
using static TorchSharp.torch;

namespace Thestage.Inference.Torch.Tests.StateDicts;

/// <summary>Loads the library into a context where TorchSharp cannot load, as on a server without the native runtime.</summary>
public sealed class WithoutTorchTests
{
    private delegate double[] Evaluate(ReadOnlySpan<double> input);

    [Fact]
    public void AServerRebuildsAndEvaluatesTheModelWithoutTorchSharp()
    {
        var model = ArchitectureJsonTests.EveryKind();
        var fit = new ActivationApproximation(-4, 4, 6);
        string json = ArchitectureJson.Serialize(TorchConverter.Describe(model));
        using var saved = new MemoryStream();
        model.save(saved);
        double[] x = Forward.Sample(new Random(61), [1, 6, 6]);
        double[] expected = TorchConverter.ToSequential(model, [1, 6, 6], fit).Evaluate(x);

        var context = new NoTorchContext();
        try
        {
            Assembly library = context.LoadFromAssemblyPath(typeof(TorchConverter).Assembly.Location);
            Type Get(string name) => library.GetType(name, throwOnError: true)!;
            object layers = Get("Thestage.Inference.Torch.ArchitectureJson").GetMethod("Parse")!.Invoke(null, [json])!;
            object weights = Get("Thestage.Inference.Torch.StateDicts.StateDictReader").GetMethod("Read", [typeof(Stream), typeof(long)])!
                .Invoke(null, [new MemoryStream(saved.ToArray()), 1L << 20])!;
            object approximation = Activator.CreateInstance(Get("Thestage.Inference.Torch.ActivationApproximation"), -4.0, 4.0, 6)!;
            MethodInfo convert = Get("Thestage.Inference.Torch.StateDictConverter").GetMethod("ToSequential")!;
            object shape = convert.GetParameters()[2].ParameterType.GetMethod("Image")!.Invoke(null, [1, 6, 6])!;
            object ir = convert.Invoke(null, [layers, weights, shape, approximation])!;
            var evaluate = ir.GetType().GetMethod("Evaluate")!.CreateDelegate<Evaluate>(ir);

            Assert.NotSame(typeof(TorchConverter).Assembly, library);
            Assert.Equal(expected, evaluate(x));
            Assert.Empty(context.Refused);
            Assert.DoesNotContain(context.Assemblies, a => a.GetName().Name!.StartsWith("TorchSharp", StringComparison.Ordinal));

            // The context really keeps TorchSharp out: a type that needs it cannot be used there.
            Assert.ThrowsAny<Exception>(() => Activator.CreateInstance(Get("Thestage.Inference.Torch.Square")));
            Assert.Contains("TorchSharp", context.Refused);
        }
        finally
        {
            context.Unload();
        }
    }

    private sealed class NoTorchContext() : AssemblyLoadContext(nameof(NoTorchContext), isCollectible: true)
    {
        public List<string> Refused { get; } = [];

        protected override Assembly? Load(AssemblyName name)
        {
            if (name.Name is { } n && n.StartsWith("TorchSharp", StringComparison.Ordinal))
            {
                Refused.Add(n);
                throw new FileNotFoundException($"{n} is not available on this server.");
            }

            string path = Path.Combine(AppContext.BaseDirectory, name.Name + ".dll");
            return File.Exists(path) && name.Name!.StartsWith("Thestage.", StringComparison.Ordinal) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
