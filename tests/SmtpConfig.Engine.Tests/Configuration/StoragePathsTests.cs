using System;
using System.IO;
using SmtpConfig.Tests.TestSupport;
using Xunit;

namespace SmtpConfig.Tests.Configuration;

[Collection(ProcessEnvironmentGroup.Name)]
public sealed class StoragePathsTests
{
    [Fact]
    public void SmtpConfigHome_PointsTheStoreElsewhere()
    {
        using var temp = new TempStore();
        WithEnvironment(temp.StoreDir, null, () =>
        {
            Assert.Equal(temp.StoreDir, StoragePaths.StoreDirectory());
            SmtpConfigurationStore store = SmtpConfigurationStore.OpenDefault();
            Assert.Equal(temp.StoreDir, store.DirectoryPath);
            Assert.Equal(temp.FilePath, store.FilePath);
            store.Save(TempStore.NewProfile("ViaHome"));
        });

        Assert.NotNull(temp.Reopen().Find("ViaHome"));
    }

    [Fact]
    public void SmtpConfigHome_Relative_IsMadeAbsolute()
    {
        WithEnvironment(Path.Combine("relative", "store"), null, () =>
            Assert.Equal(Path.GetFullPath(Path.Combine("relative", "store")), StoragePaths.StoreDirectory()));
    }

    [Fact]
    public void SmtpConfigHome_Blank_IsIgnored()
    {
        string expected = string.Empty;
        WithEnvironment(null, null, () => expected = StoragePaths.StoreDirectory());
        WithEnvironment("   ", null, () => Assert.Equal(expected, StoragePaths.StoreDirectory()));
        Assert.False(string.IsNullOrWhiteSpace(expected));
    }

    [Fact]
    public void WithoutSmtpConfigHome_UsesTheUsersConfigFolder()
    {
        if (OperatingSystem.IsWindows())
        {
            WithEnvironment(null, null, () => Assert.Equal(
                Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "SmtpConfig"),
                StoragePaths.StoreDirectory()));
            return;
        }

        string xdg = Path.Combine(Path.GetTempPath(), "xdg-" + Guid.NewGuid().ToString("N"));
        WithEnvironment(null, xdg, () => Assert.Equal(Path.Combine(xdg, "SmtpConfig"), StoragePaths.StoreDirectory()));
        string home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "SmtpConfig");
        WithEnvironment(null, "relative/xdg", () => Assert.Equal(home, StoragePaths.StoreDirectory()));
        WithEnvironment(null, null, () => Assert.Equal(home, StoragePaths.StoreDirectory()));

        // SMTPCONFIG_HOME wins over XDG_CONFIG_HOME.
        WithEnvironment("/tmp/smtpconfig-home-wins", xdg, () => Assert.Equal("/tmp/smtpconfig-home-wins", StoragePaths.StoreDirectory()));
    }

    private static void WithEnvironment(string? home, string? xdg, Action action)
    {
        string? oldHome = Environment.GetEnvironmentVariable(StoragePaths.HomeVariable);
        string? oldXdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        try
        {
            Environment.SetEnvironmentVariable(StoragePaths.HomeVariable, home);
            Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", xdg);
            action();
        }
        finally
        {
            Environment.SetEnvironmentVariable(StoragePaths.HomeVariable, oldHome);
            Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", oldXdg);
        }
    }
}
