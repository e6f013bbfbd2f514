using System.Threading;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// An image piped into Edit-GeminiImage only in memory (an -AsBytes result): it exists nowhere else, so when its edit
/// is refused, fails or is stopped it is kept in the fallback folder, once, and a paid image is never lost.
/// </summary>
internal sealed class InMemoryInput(byte[] bytes, GenerationService service)
{
    private int _kept;

    public byte[] Bytes => bytes;

    /// <summary>Where it was kept; null before <see cref="Keep"/>, or when even the fallback folder failed.</summary>
    public string? KeptAt { get; private set; }

    /// <summary>Keeps it in the fallback folder; true only for the call that did (any thread).</summary>
    public bool Keep()
    {
        if (Interlocked.Exchange(ref _kept, 1) != 0) return false;
        KeptAt = service.KeepUnedited(bytes);
        return true;
    }

    /// <summary>
    /// After <paramref name="error"/> (or an error already written) ended its edit, keeps it and says where, on the pipeline thread; bytes refused as
    /// no usable image are not kept (they cannot be an image that was paid for).
    /// </summary>
    public void KeepAndTell(Cmdlet cmdlet, Exception? error = null)
    {
        if (error is ImageFileException || !Keep()) return;
        cmdlet.WriteWarning(KeptAt != null
            ? $"The image piped in memory was not edited; it was kept at '{KeptAt}' so that it is not lost."
            : "The image piped in memory was not edited, and it could not be kept in the fallback folder either.");
    }
}
