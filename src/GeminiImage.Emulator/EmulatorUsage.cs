namespace GeminiImage.Emulator;

/// <summary>The token counts of an answer's usageMetadata, as the emulator sent them.</summary>
/// <param name="PromptTokenCount">promptTokenCount.</param>
/// <param name="CandidatesTokenCount">candidatesTokenCount (image and text output).</param>
/// <param name="ImageOutputTokenCount">The IMAGE entry of candidatesTokensDetails.</param>
/// <param name="ThoughtsTokenCount">thoughtsTokenCount.</param>
public sealed record EmulatorUsage(int PromptTokenCount, int CandidatesTokenCount, int ImageOutputTokenCount, int ThoughtsTokenCount)
{

    /// <summary>Text output tokens: candidates minus image tokens (Google itemizes only the image part).</summary>
    public int TextOutputTokenCount => CandidatesTokenCount - ImageOutputTokenCount;
}
