namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// Lets a SecureString parameter (-ApiKey) take a plain string too, as other AI modules do. A SecureString is still
/// better: it does not stay readable in memory or in the command history; help says so.
/// </summary>
public sealed class SecureStringArgumentAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is not string text) return inputData;
        var secure = new SecureString();
        foreach (var c in text) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }
}
