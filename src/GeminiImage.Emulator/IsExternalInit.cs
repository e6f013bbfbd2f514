namespace System.Runtime.CompilerServices;

/// <summary>Lets this netstandard2.0 assembly declare records and init-only setters (the type ships with .NET 5 and later).</summary>
internal static class IsExternalInit
{
}
