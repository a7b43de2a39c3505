using System;
using System.Text.Json;
using SmtpConfig.Tests.TestSupport;
using Xunit;

namespace SmtpConfig.Tests.Configuration;

public sealed class CopySecretTests
{
    [Fact]
    public void CopySecretFrom_GivesTheCopyTheSamePassword_BoundToItsOwnName()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Source", "Shared-Pässword"));
        SmtpSaveResult copy = temp.Store.Save(new SmtpProfileChange("Copy")
        {
            Server = "smtp.example.com",
            From = "alerts@example.com",
            UserName = "user@example.com",
            CopySecretFrom = "SOURCE",
        });

        Assert.True(copy.Created);
        Assert.True(copy.Configuration.HasSecret);
        Assert.Equal(AuthenticationKind.Password, copy.Configuration.Authentication);
        SmtpConfigurationStore reopened = temp.Reopen();
        Assert.Equal("Shared-Pässword", TempStore.Reveal(reopened.ReadSecret("Copy")));
        Assert.Equal("Shared-Pässword", TempStore.Reveal(reopened.ReadSecret("Source")));

        // The ciphertext is re-protected for the copy, not duplicated.
        using JsonDocument doc = JsonDocument.Parse(System.IO.File.ReadAllBytes(temp.FilePath));
        string?[] secrets = new string?[2];
        int i = 0;
        foreach (JsonElement p in doc.RootElement.GetProperty("profiles").EnumerateArray())
        {
            secrets[i++] = p.GetProperty("secret").GetString();
        }

        Assert.NotNull(secrets[0]);
        Assert.NotNull(secrets[1]);
        Assert.NotEqual(secrets[0], secrets[1]);
    }

    [Fact]
    public void CopySecretFrom_AProfileWithoutSecret_IsRefused()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfile("NoLogin"));
        StoreAssert.FailsWithoutWriting(temp, ErrorIds.UserNameWithoutPassword, () => temp.Store.Save(new SmtpProfileChange("Copy")
        {
            Server = "smtp.example.com",
            From = "alerts@example.com",
            UserName = "user@example.com",
            CopySecretFrom = "NoLogin",
        }));
    }

    [Fact]
    public void CopySecretFrom_IsIgnored_WhenAPasswordIsGiven()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Source", "source-pw"));
        SmtpProfileChange change = TempStore.NewProfileWithLogin("Copy", "own-pw");
        change.CopySecretFrom = "Source";
        temp.Store.Save(change);
        Assert.Equal("own-pw", TempStore.Reveal(temp.Store.ReadSecret("Copy")));
    }
}
