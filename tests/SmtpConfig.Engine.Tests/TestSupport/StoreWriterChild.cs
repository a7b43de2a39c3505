using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;

namespace SmtpConfig.Tests.TestSupport;

/// <summary>What each child process does: save its own profiles many times into the shared store.</summary>
public static class StoreWriterChild
{
    public const string StoreVariable = "SMTPCONFIG_TEST_CHILD_STORE";
    public const string PrefixVariable = "SMTPCONFIG_TEST_CHILD_PREFIX";
    public const string IterationsVariable = "SMTPCONFIG_TEST_CHILD_ITERATIONS";
    public const string GoFileVariable = "SMTPCONFIG_TEST_CHILD_GO";
    public const int ProfilesPerWriter = 2;

    public static string ProfileName(string prefix, int index) => $"{prefix}-{index}";

    public static int PortFor(int iteration) => 1000 + iteration;

    public static string PasswordFor(string prefix, int iteration) => $"pw-{prefix}-{iteration}";

    /// <summary>Saves profiles prefix-0..n, iteration by iteration; profile 0 also gets a new password every time.</summary>
    public static void Run(string storeDirectory, string prefix, int iterations, string? goFile)
    {
        var store = new SmtpConfigurationStore(storeDirectory);
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (goFile is not null && !File.Exists(goFile) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(2);
        }

        for (int i = 1; i <= iterations; i++)
        {
            for (int p = 0; p < ProfilesPerWriter; p++)
            {
                var change = new SmtpProfileChange(ProfileName(prefix, p))
                {
                    Server = $"{prefix.ToLowerInvariant()}.example.com",
                    From = "alerts@example.com",
                    Port = PortFor(i),
                    Encryption = EncryptionMode.StartTls,
                };
                if (p == 0)
                {
                    change.UserName = "user-" + prefix;
                    change.Password = TempStore.Secure(PasswordFor(prefix, i));
                }

                store.Save(change);
            }
        }
    }

    /// <summary>Starts this test assembly as a child process that runs <see cref="Run"/> through the startup hook.</summary>
    public static Process Start(string storeDirectory, string prefix, int iterations, string goFile)
    {
        string assembly = typeof(StoreWriterChild).Assembly.Location;
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (string.IsNullOrEmpty(host) || !File.Exists(host))
        {
            host = Environment.ProcessPath is string self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        }

        var start = new ProcessStartInfo(host)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(assembly);
        start.Environment["DOTNET_STARTUP_HOOKS"] = assembly;
        start.Environment[StoreVariable] = storeDirectory;
        start.Environment[PrefixVariable] = prefix;
        start.Environment[IterationsVariable] = iterations.ToString(CultureInfo.InvariantCulture);
        start.Environment[GoFileVariable] = goFile;
        start.Environment.Remove(StoragePaths.HomeVariable);
        return Process.Start(start) ?? throw new InvalidOperationException("The child process did not start.");
    }
}
