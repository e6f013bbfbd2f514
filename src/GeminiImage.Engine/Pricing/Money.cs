namespace GeminiImage.Engine.Pricing;

/// <summary>How amounts in USD are written in messages, as the views write them: at least cents, at most four decimals ($5.5337, $100.00).</summary>
public static class Money
{
    /// <summary>"$5.5337" for 5.533684, "$0.01" for 0.01.</summary>
    public static string Usd(decimal amount) => "$" + amount.ToString("0.00##", CultureInfo.InvariantCulture);
}
