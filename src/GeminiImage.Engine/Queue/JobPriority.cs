namespace GeminiImage.Engine.Queue;

/// <summary>The lane of a queued job: workers take every High job before any Normal one, and Normal before Low.</summary>
public enum JobPriority
{
    High = 0,
    Normal = 1,
    Low = 2,
}
