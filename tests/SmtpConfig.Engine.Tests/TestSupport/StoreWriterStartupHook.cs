using System;
using System.Globalization;
using SmtpConfig.Tests.TestSupport;

#pragma warning disable CA1050 // The runtime looks the startup hook up by this exact global name.

/// <summary>
/// Turns this test assembly into the child process of the cross-process store test, without a helper project:
/// <c>dotnet SmtpConfig.Engine.Tests.dll</c> with DOTNET_STARTUP_HOOKS pointing at the same assembly runs
/// <see cref="Initialize"/> before the (empty, generated) Main. Inert unless <see cref="StoreWriterChild.StoreVariable"/> is set.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        string? store = Environment.GetEnvironmentVariable(StoreWriterChild.StoreVariable);
        if (string.IsNullOrEmpty(store))
        {
            return;
        }

        try
        {
            StoreWriterChild.Run(
                store,
                Environment.GetEnvironmentVariable(StoreWriterChild.PrefixVariable)!,
                int.Parse(Environment.GetEnvironmentVariable(StoreWriterChild.IterationsVariable)!, CultureInfo.InvariantCulture),
                Environment.GetEnvironmentVariable(StoreWriterChild.GoFileVariable)!);
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine(ex.ToString());
            Environment.Exit(3);
        }

        Environment.Exit(0);
    }
}
