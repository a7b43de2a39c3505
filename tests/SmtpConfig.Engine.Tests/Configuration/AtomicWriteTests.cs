using System;
using System.IO;
using System.Linq;
using SmtpConfig.Tests.TestSupport;
using Xunit;

namespace SmtpConfig.Tests.Configuration;

public sealed class AtomicWriteTests
{
    [Fact]
    public void CrashBetweenTempAndRename_KeepsThePreviousFile_AndTheNextSaveCleansUp()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Old", "old-pw"));
        byte[] before = File.ReadAllBytes(temp.FilePath);

        string? tempFile = null;
        byte[]? tempContent = null;
        SmtpConfigurationStore crashing = temp.Reopen();
        crashing.BeforeReplace = path =>
        {
            tempFile = path;
            tempContent = File.ReadAllBytes(path);
            throw new IOException("Simulated crash between writing the temporary file and renaming it.");
        };

        SmtpConfigException ex = Assert.Throws<SmtpConfigException>(() => crashing.Save(TempStore.NewProfile("New")));
        Assert.Equal(ErrorIds.StoreUnavailable, ex.ErrorId);

        // The temporary file was complete (it holds the new profile) and lies in the store folder, not over the store.
        Assert.NotNull(tempFile);
        Assert.Equal(temp.StoreDir, Path.GetDirectoryName(tempFile));
        Assert.NotEqual(temp.FilePath, tempFile);
        Assert.NotNull(tempContent);
        Assert.True(tempContent.AsSpan().IndexOf("\"New\""u8) >= 0, "the temporary file should hold the new profile");

        // The previous file is byte-identical and still loads.
        Assert.Equal(before, File.ReadAllBytes(temp.FilePath));
        Assert.True(File.Exists(tempFile), "the simulated crash should leave the temporary file behind");
        SmtpConfiguration only = Assert.Single(temp.Reopen().GetAll());
        Assert.Equal("Old", only.Name);
        Assert.Equal("old-pw", TempStore.Reveal(temp.Reopen().ReadSecret("Old")));

        // The next save (the crash hook gone) succeeds and removes the stale temporary file.
        SmtpSaveResult result = temp.Reopen().Save(TempStore.NewProfile("New"));
        Assert.True(result.Created);
        Assert.False(File.Exists(tempFile));
        Assert.Empty(Directory.GetFiles(temp.StoreDir, "*.tmp"));
        Assert.Equal(new[] { "New", "Old" }, temp.Reopen().GetAll().Select(p => p.Name));
    }

    [Fact]
    public void CrashOnTheFirstSave_LeavesNoStoreFile_AndTheNextSaveWorks()
    {
        using var temp = new TempStore();
        temp.Store.BeforeReplace = _ => throw new InvalidOperationException("Simulated process death.");
        Assert.Throws<InvalidOperationException>(() => temp.Store.Save(TempStore.NewProfile("First")));
        Assert.False(File.Exists(temp.FilePath));
        Assert.Empty(temp.Reopen().GetAll());

        temp.Store.BeforeReplace = null;
        temp.Store.Save(TempStore.NewProfile("First"));
        Assert.Single(temp.Reopen().GetAll());
        Assert.Empty(Directory.GetFiles(temp.StoreDir, "*.tmp"));
    }

    [Fact]
    public void CrashWithANonIoException_AlsoKeepsThePreviousFile()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfile("Old"));
        byte[] before = File.ReadAllBytes(temp.FilePath);
        temp.Store.BeforeReplace = _ => throw new InvalidOperationException("Simulated process death.");
        Assert.Throws<InvalidOperationException>(() => temp.Store.Save(new SmtpProfileChange("Old") { Port = 2525 }));
        Assert.Equal(before, File.ReadAllBytes(temp.FilePath));
        Assert.Equal(587, temp.Reopen().Find("Old")!.Port);

        // And the lock was released: another writer gets in at once.
        temp.Reopen().Save(new SmtpProfileChange("Old") { Port = 2525 });
        Assert.Equal(2525, temp.Reopen().Find("Old")!.Port);
    }

    [Fact]
    public void Save_LeavesOnlyTheStoreFiles()
    {
        using var temp = new TempStore();
        for (int i = 0; i < 5; i++)
        {
            temp.Store.Save(TempStore.NewProfileWithLogin("P" + i, "pw" + i));
        }

        string[] names = Directory.GetFiles(temp.StoreDir).Select(f => Path.GetFileName(f)).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { ".lock", "profiles.json", "secret.key" }, names);
    }
}
