using System.CommandLine;

namespace Thestage.Cli.Workflow;

/// <summary>
/// The verbs of the file-based workflow, in the order a user meets them: the model owner's <c>predict</c> and
/// <c>compile</c>, the client's <c>keys</c> and <c>encrypt</c>, the server's <c>eval</c>, the client's <c>decrypt</c>, the
/// model owner's <c>prove</c> (with a private input: its owner's <c>commit-input</c> first) and anyone's <c>verify</c>. Between the parties only files travel (<see cref="WorkflowFiles"/>);
/// or, with <c>serve</c> and <c>client</c>, the same over gRPC (docs/serving.md).
/// </summary>
internal static class WorkflowVerbs
{
    /// <summary>The verbs, each with its options and action.</summary>
    public static Command[] Commands() =>
    [
        PredictVerb.Command(), CompileVerb.Command(), KeysVerb.Command(), EncryptVerb.Command(),
        EvalVerb.Command(), DecryptVerb.Command(), InputCommitVerb.Command(), ProveVerb.Command(), VerifyVerb.Command(),
        ServeVerb.Command(), ClientVerb.Command(),
    ];
}
