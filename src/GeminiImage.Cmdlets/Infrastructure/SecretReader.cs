namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>Reads a key from SecretManagement's Get-Secret (on the pipeline thread); the secret never reaches any output.</summary>
internal static class SecretReader
{
    public static Func<string, string?> For(PSCmdlet cmdlet) => name =>
    {
        if (cmdlet.InvokeCommand.GetCommand("Get-Secret", CommandTypes.Cmdlet | CommandTypes.Function | CommandTypes.Alias) == null)
            throw new GeminiArgumentException("GeminiImage.SecretManagementMissing",
                $"The API key is the secret '{name}', but Get-Secret is not available. Install-Module Microsoft.PowerShell.SecretManagement (and a vault), or name the key with -ApiKeyVariable or -ApiKeyFile instead.");
        object? value;
        try
        {
            value = cmdlet.InvokeCommand.InvokeScript("param($n) Get-Secret -Name $n -ErrorAction Stop", true, System.Management.Automation.Runspaces.PipelineResultTypes.None, null, name)
                .Select(o => o?.BaseObject).FirstOrDefault(o => o != null);
        }
        catch (RuntimeException ex)
        {
            // Get-Secret's own message names the secret and vault, never the value.
            throw new GeminiNotFoundException("GeminiImage.ApiKeyNotFound", $"The secret '{name}' could not be read: {ex.Message}");
        }
        return value switch
        {
            SecureString secure => GeminiApiCmdlet.Plain(secure),
            string text => text,
            null => null,
            _ => throw new GeminiArgumentException("GeminiImage.ApiKeyNotFound", $"The secret '{name}' is not text (it is a {value.GetType().Name})."),
        };
    };
}
