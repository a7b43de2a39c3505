using System;

namespace SmtpConfig.DemoServer;

/// <summary>Writes whole lines to stdout (the machine-readable contract) or stderr (diagnostics), flushed at once.</summary>
internal static class ConsoleLog
{
    private static readonly object Gate = new();

    /// <summary>Writes one line to stdout and flushes it.</summary>
    /// <param name="line">The line, without its end.</param>
    public static void Out(string line)
    {
        lock (Gate)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    /// <summary>Writes one line to stderr and flushes it.</summary>
    /// <param name="line">The line, without its end.</param>
    public static void Error(string line)
    {
        lock (Gate)
        {
            Console.Error.WriteLine(line);
            Console.Error.Flush();
        }
    }
}
