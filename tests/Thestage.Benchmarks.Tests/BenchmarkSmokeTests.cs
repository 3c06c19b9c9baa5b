using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace Thestage.Benchmarks.Tests;

/// <summary>
/// The CI smoke run of every benchmark suite: each class is set up for each of its parameter values and
/// each benchmark method runs once, so a suite that throws or no longer builds fails CI. Timing is left to
/// BenchmarkDotNet runs (docs/benchmarks.md).
/// </summary>
public sealed class BenchmarkSmokeTests
{
    public static TheoryData<string> Suites()
    {
        var data = new TheoryData<string>();
        foreach (Type type in typeof(Program).Assembly.GetTypes().Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null)))
        {
            data.Add(type.FullName!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Every_benchmark_runs_once_for_its_smallest_parameters(string suite)
    {
        Type type = typeof(Program).Assembly.GetType(suite)!;
        object instance = Activator.CreateInstance(type)!;
        foreach (PropertyInfo property in type.GetProperties().Where(p => p.GetCustomAttribute<ParamsAttribute>() is not null))
        {
            // The first value is the cheapest by convention of these suites.
            property.SetValue(instance, property.GetCustomAttribute<ParamsAttribute>()!.Values[0]);
        }

        type.GetMethods().SingleOrDefault(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null)?.Invoke(instance, null);
        MethodInfo[] benchmarks = type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null).ToArray();
        Assert.NotEmpty(benchmarks);
        foreach (MethodInfo benchmark in benchmarks)
        {
            benchmark.Invoke(instance, null);
        }
    }
}
