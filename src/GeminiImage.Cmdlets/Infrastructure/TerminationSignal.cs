using System.Reflection;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// Runs a handler when the process is asked to terminate (SIGTERM from systemd, docker stop or kill). .NET 10 no longer
/// raises ProcessExit for SIGTERM, and PosixSignalRegistration (.NET 6+) is not in netstandard2.0, so it is reached by
/// reflection; where it does not exist (Windows PowerShell 5.1) ProcessExit is used.
/// </summary>
internal sealed class TerminationSignal : IDisposable
{
    private readonly IDisposable? _registration;
    private readonly EventHandler? _processExit;

    /// <param name="handler">Stops the work; returns when it has stopped.</param>
    /// <param name="exitCode">The process exit code after a termination signal.</param>
    public TerminationSignal(Action handler, int exitCode)
    {
        ExitCode = exitCode;
        var type = Type.GetType("System.Runtime.InteropServices.PosixSignalRegistration, System.Runtime.InteropServices", throwOnError: false)
            ?? Type.GetType("System.Runtime.InteropServices.PosixSignalRegistration", throwOnError: false);
        var signalType = type?.Assembly.GetType("System.Runtime.InteropServices.PosixSignal");
        var contextType = type?.Assembly.GetType("System.Runtime.InteropServices.PosixSignalContext");
        var create = type?.GetMethods(BindingFlags.Public | BindingFlags.Static).FirstOrDefault(m => m.Name == "Create" && m.GetParameters().Length == 2);
        if (type != null && signalType != null && contextType != null && create != null)
        {
            void OnSignal(object context)
            {
                // Cancel the default termination: the work stops cleanly (log line, lock released) and the caller ends the
                // process with Exit() once it has.
                contextType.GetProperty("Cancel")?.SetValue(context, true);
                Received = true;
                handler();
            }
            var callback = Delegate.CreateDelegate(typeof(Action<>).MakeGenericType(contextType), (Action<object>)OnSignal, typeof(Action<object>).GetMethod("Invoke")!);
            _registration = (IDisposable?)create.Invoke(null, new object[] { Enum.Parse(signalType, "SIGTERM"), callback });
        }
        else
        {
            _processExit = (_, _) =>
            {
                Environment.ExitCode = exitCode;
                handler();
            };
            // The runtime is already shutting down: it exits by itself.
            ExitsByItself = true;
            AppDomain.CurrentDomain.ProcessExit += _processExit;
        }
    }

    public int ExitCode { get; }

    /// <summary>A termination signal arrived (and was held back from killing the process).</summary>
    public bool Received { get; private set; }

    /// <summary>True on runtimes where the signal arrives as ProcessExit, which ends the process by itself.</summary>
    public bool ExitsByItself { get; }

    /// <summary>Call once the work has stopped after <see cref="Received"/>: ends the process with <see cref="ExitCode"/>.</summary>
    public void Exit()
    {
        if (Received && !ExitsByItself) Environment.Exit(ExitCode);
    }

    public void Dispose()
    {
        _registration?.Dispose();
        if (_processExit != null) AppDomain.CurrentDomain.ProcessExit -= _processExit;
    }
}
