using System.Runtime.CompilerServices;

namespace Thestage.Inference.Torch.Tests;

/// <summary>Makes TorchSharp's bridge loadable before any test touches TorchSharp.</summary>
internal static class TorchSetup
{
    [ModuleInitializer]
    internal static void Initialize() => TorchNative.EnsureLoadable();
}
