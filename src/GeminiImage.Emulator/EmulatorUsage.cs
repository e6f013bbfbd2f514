namespace GeminiImage.Emulator;

/// <summary>The token counts of an answer's usageMetadata, as the emulator sent them.</summary>
public sealed class EmulatorUsage
{
    internal EmulatorUsage(int promptTokens, int candidatesTokens, int imageTokens, int thoughtsTokens)
    {
        PromptTokenCount = promptTokens;
        CandidatesTokenCount = candidatesTokens;
        ImageOutputTokenCount = imageTokens;
        ThoughtsTokenCount = thoughtsTokens;
    }

    /// <summary>promptTokenCount.</summary>
    public int PromptTokenCount { get; }

    /// <summary>candidatesTokenCount (image and text output).</summary>
    public int CandidatesTokenCount { get; }

    /// <summary>The IMAGE entry of candidatesTokensDetails.</summary>
    public int ImageOutputTokenCount { get; }

    /// <summary>thoughtsTokenCount.</summary>
    public int ThoughtsTokenCount { get; }

    /// <summary>Text output tokens: candidates minus image tokens (Google itemizes only the image part).</summary>
    public int TextOutputTokenCount => CandidatesTokenCount - ImageOutputTokenCount;
}
