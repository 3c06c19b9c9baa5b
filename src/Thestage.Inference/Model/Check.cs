namespace Thestage.Inference.Model;

internal static class Check
{
    public static void Finite(IEnumerable<double> values, string name)
    {
        foreach (double v in values)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException("Every weight must be finite.", name);
            }
        }
    }
}
