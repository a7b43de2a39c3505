using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpConfig.Tests.TestSupport;
using Xunit;

namespace SmtpConfig.Tests.Configuration;

public sealed class ConcurrencyTests
{
    private const int Writers = 4;

    [Fact]
    public async Task SeparateProcesses_SavingDifferentProfilesAtOnce_LoseNothing()
    {
        const int iterations = 15;
        using var temp = new TempStore();
        string goFile = Path.Combine(temp.Root, "go");
        string[] prefixes = Enumerable.Range(0, Writers).Select(i => "Proc" + i).ToArray();
        var children = new List<Process>();
        try
        {
            foreach (string prefix in prefixes)
            {
                children.Add(StoreWriterChild.Start(temp.StoreDir, prefix, iterations, goFile));
            }

            // Let every child finish starting up, then release them together.
            await Task.Delay(300);
            await File.WriteAllTextAsync(goFile, "go");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            foreach (Process child in children)
            {
                Task<string> stderr = child.StandardError.ReadToEndAsync(timeout.Token);
                Task<string> stdout = child.StandardOutput.ReadToEndAsync(timeout.Token);
                await child.WaitForExitAsync(timeout.Token);
                string errors = await stderr;
                string output = await stdout;
                Assert.True(child.ExitCode == 0, $"child exited with {child.ExitCode}: {errors} {output}");
            }
        }
        finally
        {
            foreach (Process child in children)
            {
                if (!child.HasExited)
                {
                    child.Kill();
                }

                child.Dispose();
            }
        }

        AssertEveryWriterFinished(temp, prefixes, iterations);
    }

    [Fact]
    public async Task SeparateStoreInstances_OnManyThreads_LoseNothing()
    {
        const int iterations = 25;
        using var temp = new TempStore();
        string[] prefixes = Enumerable.Range(0, Writers).Select(i => "Thread" + i).ToArray();
        using var start = new Barrier(Writers);
        Task[] tasks = prefixes.Select(prefix => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                StoreWriterChild.Run(temp.StoreDir, prefix, iterations, goFile: null);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));

        AssertEveryWriterFinished(temp, prefixes, iterations);
    }

    private static void AssertEveryWriterFinished(TempStore temp, string[] prefixes, int iterations)
    {
        SmtpConfigurationStore store = temp.Reopen();
        IReadOnlyList<SmtpConfiguration> all = store.GetAll();
        Assert.Equal(prefixes.Length * StoreWriterChild.ProfilesPerWriter, all.Count);
        foreach (string prefix in prefixes)
        {
            for (int p = 0; p < StoreWriterChild.ProfilesPerWriter; p++)
            {
                SmtpConfiguration? profile = store.Find(StoreWriterChild.ProfileName(prefix, p));
                Assert.NotNull(profile);
                Assert.Equal(StoreWriterChild.PortFor(iterations), profile.Port);
                Assert.Equal($"{prefix.ToLowerInvariant()}.example.com", profile.Server);
                Assert.NotEqual(default, profile.ModifiedAt);
            }

            SmtpConfiguration withLogin = store.Find(StoreWriterChild.ProfileName(prefix, 0))!;
            Assert.Equal("user-" + prefix, withLogin.UserName);
            Assert.Equal(StoreWriterChild.PasswordFor(prefix, iterations), TempStore.Reveal(store.ReadSecret(withLogin.Name)));
        }

        Assert.Empty(Directory.GetFiles(temp.StoreDir, "*.tmp"));
    }
}
