using System;
using System.IO;
using SmtpConfig.Tests.TestSupport;
using Xunit;

namespace SmtpConfig.Tests.Protection;

public sealed class PermissionTests
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void Store_CreatesItsFolder0700_AndEveryFile0600()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix modes only; Windows ACLs are covered elsewhere.
        }

        using var temp = new TempStore();
        UnixFileMode? tempMode = null;
        temp.Store.BeforeReplace = path => tempMode = OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(path);
        temp.Store.Save(TempStore.NewProfileWithLogin("Work", "pw"));

        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(temp.StoreDir));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(temp.FilePath));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(temp.KeyPath));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(temp.LockPath));
        Assert.Equal(OwnerOnlyFile, tempMode);

        // Still owner-only after a replace.
        temp.Store.Save(new SmtpProfileChange("Work") { Port = 2525 });
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(temp.FilePath));
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(temp.StoreDir));
    }

    [Fact]
    public void Store_CreatesItsFolderOwnerOnly_EvenUnderAMissingParent()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempStore();
        string nested = Path.Combine(temp.Root, "a", "b", "store");
        var store = new SmtpConfigurationStore(nested);
        store.Save(TempStore.NewProfile("Work"));
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(nested));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(nested, "profiles.json")));
    }

    [Theory]
    [InlineData("0750")]
    [InlineData("0705")]
    [InlineData("0710")]
    [InlineData("0701")]
    [InlineData("0770")]
    [InlineData("0755")]
    [InlineData("0777")]
    public void GroupOrOtherAccessToTheFolder_IsRefused(string octal)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Work", "pw"));
        byte[] before = File.ReadAllBytes(temp.FilePath);
        File.SetUnixFileMode(temp.StoreDir, (UnixFileMode)Convert.ToInt32(octal, 8));

        AssertInsecure(temp.StoreDir, () => temp.Reopen().GetAll());
        AssertInsecure(temp.StoreDir, () => temp.Reopen().Find("Work"));
        AssertInsecure(temp.StoreDir, () => temp.Reopen().ReadSecret("Work"));
        AssertInsecure(temp.StoreDir, () => temp.Reopen().Save(TempStore.NewProfile("Other")));
        AssertInsecure(temp.StoreDir, () => temp.Reopen().Remove("Work"));
        Assert.Equal(before, File.ReadAllBytes(temp.FilePath));
    }

    [Fact]
    public void AnExistingGroupReadableFolder_IsRefused_OnTheFirstSave()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempStore();
        Directory.CreateDirectory(temp.StoreDir);
        File.SetUnixFileMode(temp.StoreDir, OwnerOnlyDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        AssertInsecure(temp.StoreDir, () => temp.Store.Save(TempStore.NewProfile("Work")));
        Assert.False(File.Exists(temp.FilePath));
    }

    [Theory]
    [InlineData("0640")]
    [InlineData("0604")]
    [InlineData("0620")]
    [InlineData("0602")]
    [InlineData("0644")]
    [InlineData("0666")]
    public void GroupOrOtherAccessToTheStoreFile_IsRefused(string octal)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Work", "pw"));
        byte[] before = File.ReadAllBytes(temp.FilePath);
        File.SetUnixFileMode(temp.FilePath, (UnixFileMode)Convert.ToInt32(octal, 8));

        AssertInsecure(temp.FilePath, () => temp.Reopen().GetAll());
        AssertInsecure(temp.FilePath, () => temp.Reopen().ReadSecret("Work"));
        AssertInsecure(temp.FilePath, () => temp.Reopen().Save(TempStore.NewProfile("Other")));
        Assert.Equal(before, File.ReadAllBytes(temp.FilePath));
        Assert.Equal((UnixFileMode)Convert.ToInt32(octal, 8), File.GetUnixFileMode(temp.FilePath));
    }

    [Theory]
    [InlineData("0640")]
    [InlineData("0604")]
    [InlineData("0644")]
    public void GroupOrOtherAccessToTheKeyFile_IsRefused(string octal)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Work", "pw"));
        File.SetUnixFileMode(temp.KeyPath, (UnixFileMode)Convert.ToInt32(octal, 8));
        byte[] before = File.ReadAllBytes(temp.FilePath);

        AssertInsecure(temp.KeyPath, () => temp.Reopen().ReadSecret("Work"));
        AssertInsecure(temp.KeyPath, () => temp.Reopen().Save(TempStore.NewProfileWithLogin("Other", "pw2")));
        Assert.Equal(before, File.ReadAllBytes(temp.FilePath));
    }

    [Fact]
    public void OwnerOnlyStore_AfterChmodBack_IsAcceptedAgain()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Work", "pw"));
        File.SetUnixFileMode(temp.FilePath, OwnerOnlyFile | UnixFileMode.OtherRead);
        Assert.Throws<SmtpConfigException>(() => temp.Store.GetAll());
        File.SetUnixFileMode(temp.FilePath, OwnerOnlyFile);
        Assert.Single(temp.Store.GetAll());
        Assert.Equal("pw", TempStore.Reveal(temp.Store.ReadSecret("Work")));
    }

    private static void AssertInsecure(string path, Action call)
    {
        SmtpConfigException ex = Assert.Throws<SmtpConfigException>(call);
        Assert.Equal(ErrorIds.StoreInsecurePermissions, ex.ErrorId);
        Assert.Equal(FailureKind.SecurityError, ex.Kind);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("chmod", ex.RecommendedAction, StringComparison.Ordinal);
    }
}
