using System.Runtime.CompilerServices;

// TorchSharp's random generator and thread settings are process-wide: run the tests one at a time so seeded weights are reproducible.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Thestage.Inference.Torch.Tests;

/// <summary>
/// Loads TorchSharp's native backend before any test touches it (the build step of the package's targets made the bridge
/// in this project's output loadable on GCC 12's libstdc++), and keeps libtorch on one thread: the tests'
/// tensors are tiny, and on a busy two-core machine OpenMP's spinning worker threads make them 20× slower.
/// </summary>
internal static class TorchSetup
{
    [ModuleInitializer]
    internal static void Initialize()
    {
        TorchNative.EnsureLoadable();
        TorchSharp.torch.set_num_threads(1);
    }
}
