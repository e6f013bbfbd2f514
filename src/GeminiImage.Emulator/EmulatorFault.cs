namespace GeminiImage.Emulator;

/// <summary>What an injected fault makes the emulator do.</summary>
public enum EmulatorFaultKind
{
    /// <summary>429 RESOURCE_EXHAUSTED, per-minute quota, with RetryInfo.</summary>
    RateLimited429,
    /// <summary>429 RESOURCE_EXHAUSTED, per-day quota.</summary>
    DailyQuota429,
    /// <summary>500 INTERNAL.</summary>
    ServerError500,
    /// <summary>503 UNAVAILABLE "The model is overloaded".</summary>
    Unavailable503,
    /// <summary>Wait <see cref="EmulatorFault.Delay"/>, then answer normally.</summary>
    Slow,
    /// <summary>Never answer; the connection stays open until the emulator is stopped or reset.</summary>
    Hang,
    /// <summary>200 with no candidates and promptFeedback.blockReason PROHIBITED_CONTENT.</summary>
    PromptBlocked,
    /// <summary>200 with a candidate whose finishReason is IMAGE_SAFETY and no parts.</summary>
    ImageSafety,
    /// <summary>200, finishReason STOP, only a text part.</summary>
    TextOnly,
    /// <summary>200 with a body that is not JSON.</summary>
    MalformedBody,
    /// <summary>200 with a JSON body cut off half-way.</summary>
    TruncatedBody,
    /// <summary>502 with a proxy-style HTML page.</summary>
    HtmlError502,
    /// <summary>400 INVALID_ARGUMENT.</summary>
    BadRequest400,
    /// <summary>The request is read, then the connection is closed without an answer (a reset by a proxy or the network).</summary>
    DroppedConnection,
}

/// <summary>A fault to inject into upcoming generateContent requests (consumed in FIFO order).</summary>
public sealed class EmulatorFault
{
    /// <summary>Creates a fault of the given kind.</summary>
    public EmulatorFault(EmulatorFaultKind kind) => Kind = kind;

    /// <summary>What happens.</summary>
    public EmulatorFaultKind Kind { get; set; }

    /// <summary>The RetryInfo.retryDelay of a 429 (default 1 s; zero omits RetryInfo).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a <see cref="EmulatorFaultKind.Slow"/> request waits before answering.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many matching requests this fault applies to.</summary>
    public int Count { get; set; } = 1;

    /// <summary>When set, only requests whose prompt contains this text (ordinal) match.</summary>
    public string? PromptContains { get; set; }

    internal EmulatorFault Clone() => (EmulatorFault)MemberwiseClone();

    /// <inheritdoc />
    public override string ToString() => Kind.ToString();
}
