namespace Thestage.Inference.Torch;

/// <summary>
/// Progress of <c>HeFriendly.FineTune</c> (the overload with a progress and a cancellation token):
/// reported after every optimizer step, on the training thread.
/// </summary>
/// <param name="Epoch">The current epoch, 1 to <paramref name="Epochs"/>.</param>
/// <param name="Epochs">The number of epochs.</param>
/// <param name="Batch">The mini-batches done in this epoch, 1 to <paramref name="BatchesPerEpoch"/>.</param>
/// <param name="BatchesPerEpoch">The mini-batches of one epoch, ⌈N / batch size⌉.</param>
/// <param name="Loss">The mean cross-entropy of this epoch's batches so far.</param>
public readonly record struct FineTuneProgress(int Epoch, int Epochs, long Batch, long BatchesPerEpoch, double Loss)
{
    /// <summary>The optimizer steps done over all epochs.</summary>
    public long CompletedBatches => (Epoch - 1) * BatchesPerEpoch + Batch;

    /// <summary>The optimizer steps of the whole fine-tuning.</summary>
    public long TotalBatches => Epochs * BatchesPerEpoch;
}
