namespace GeminiImage.Engine.Api;

/// <summary>How an API key travels: Google's header, an OAuth-style bearer header (gateways), or the URL query.</summary>
public enum AuthStyle
{
    /// <summary><c>x-goog-api-key: KEY</c> (Google's default).</summary>
    Header,
    /// <summary><c>Authorization: Bearer KEY</c>, as many gateways expect.</summary>
    Bearer,
    /// <summary><c>?key=KEY</c>; every URL shown anywhere is then redacted.</summary>
    Query,
}

/// <summary>Which Google service the client speaks to.</summary>
public enum GeminiBackend
{
    /// <summary>The Gemini Developer API (generativelanguage.googleapis.com).</summary>
    Developer,
    /// <summary>Vertex AI (aiplatform.googleapis.com) on a Google Cloud project, or in express mode with an API key.</summary>
    Vertex,
}
