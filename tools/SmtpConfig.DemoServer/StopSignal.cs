using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace SmtpConfig.DemoServer;

/// <summary>Turns SIGINT (Ctrl+C), SIGTERM and the end of standard input into one cancellation token.</summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    /// <summary>Initializes a new instance of the <see cref="StopSignal"/> class.</summary>
    /// <param name="watchStdin">Whether the end of standard input requests a stop.</param>
    public StopSignal(bool watchStdin)
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        if (watchStdin && StdinCanEnd())
        {
            var reader = new Thread(WatchStdin) { IsBackground = true, Name = "stdin watcher" };
            reader.Start();
        }
    }

    /// <summary>Gets the token that is cancelled when a stop is requested.</summary>
    public CancellationToken Token => _source.Token;

    /// <inheritdoc />
    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _source.Dispose();
    }

    /// <summary>
    /// Tells whether watching stdin makes sense: a stdin that is /dev/null (a background job in a script,
    /// a CI step without input) or closed ends at once, and would stop the server before it serves anyone.
    /// </summary>
    private static bool StdinCanEnd()
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        var fd = new FileInfo("/proc/self/fd/0");
        if (!fd.Exists)
        {
            ConsoleLog.Error("stdin is closed: not watching it; stop with SIGTERM or Ctrl+C");
            return false;
        }

        if (fd.LinkTarget == "/dev/null")
        {
            ConsoleLog.Error("stdin is /dev/null: not watching it; stop with SIGTERM or Ctrl+C");
            return false;
        }

        return true;
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Keep the runtime from ending the process: Main returns 0 once the server has stopped.
        context.Cancel = true;
        RequestStop();
    }

    private void WatchStdin()
    {
        try
        {
            using var stdin = Console.OpenStandardInput();
            var buffer = new byte[256];
            while (stdin.Read(buffer, 0, buffer.Length) > 0)
            {
                // Input is ignored; only its end matters.
            }
        }
        catch (IOException)
        {
            // A broken stdin counts as closed.
        }

        RequestStop();
    }

    private void RequestStop()
    {
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already stopping.
        }
    }
}
