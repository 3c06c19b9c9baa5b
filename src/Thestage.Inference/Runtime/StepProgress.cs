namespace Thestage.Inference.Runtime;

/// <summary>
/// Progress of a long operation made of steps: after step <see cref="Completed"/> of <see cref="Total"/>, which was
/// <see cref="Step"/>. Reported through <see cref="IProgress{T}"/> on the thread doing the work, once per step, in order;
/// the last report has <see cref="Completed"/> equal to <see cref="Total"/>.
/// </summary>
/// <param name="Completed">The steps done, 1 to <see cref="Total"/>.</param>
/// <param name="Total">The number of steps of the operation.</param>
/// <param name="Step">What the step just completed did (a layer, a kind of key).</param>
public readonly record struct StepProgress(int Completed, int Total, string Step);
