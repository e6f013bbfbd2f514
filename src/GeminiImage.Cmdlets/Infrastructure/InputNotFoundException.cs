namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>A -Path pattern that matched nothing.</summary>
/// <remarks>Internal: a public type deriving from an engine type would make PowerShell load the engine before
/// <see cref="ModuleInitializer"/> can set up where it comes from.</remarks>
internal sealed class InputNotFoundException : GeminiImageException
{
    public InputNotFoundException(string path) : base($"Cannot find the image '{path}'.") { }
    public override string ErrorId => "GeminiImage.ImageNotFound";
    public override ErrorKind Kind => ErrorKind.NotFound;
}
