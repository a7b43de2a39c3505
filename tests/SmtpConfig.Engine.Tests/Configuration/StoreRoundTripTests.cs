using System;
using System.Collections.Generic;
using System.Linq;
using SmtpConfig.Tests.TestSupport;
using Xunit;

namespace SmtpConfig.Tests.Configuration;

public sealed class StoreRoundTripTests
{
    private const string Thumbprint = "0123456789abcdef0123456789abcdef01234567";

    [Fact]
    public void Save_ThenFindAndGetAll_FromAnotherInstance_ReturnsEverySetting()
    {
        using var temp = new TempStore();
        SmtpSaveResult result = temp.Store.Save(new SmtpProfileChange("Work")
        {
            Server = "smtp.example.com",
            Port = 2525,
            Encryption = EncryptionMode.StartTls,
            From = "Alerts <alerts@example.com>",
            UserName = "alice@example.com",
            Password = TempStore.Secure("s3cret"),
            TimeoutSec = 30,
            SkipCertificateCheck = true,
            CertificateThumbprint = "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67",
        });

        Assert.True(result.Created);
        Assert.True(result.Changed);
        Assert.True(result.Revision > 0);
        Assert.Empty(result.Warnings);

        SmtpConfiguration? found = temp.Reopen().Find("WORK");
        Assert.NotNull(found);
        Assert.Equal("Work", found.Name);
        Assert.Equal("smtp.example.com", found.Server);
        Assert.Equal(2525, found.Port);
        Assert.Equal(EncryptionMode.StartTls, found.Encryption);
        Assert.Equal("Alerts <alerts@example.com>", found.From);
        Assert.Equal("alice@example.com", found.UserName);
        Assert.Equal(AuthenticationKind.Password, found.Authentication);
        Assert.True(found.HasSecret);
        Assert.Equal(30, found.TimeoutSec);
        Assert.True(found.SkipCertificateCheck);
        Assert.Equal(Thumbprint.ToUpperInvariant(), found.CertificateThumbprint);
        Assert.Null(found.LastValidation);
        Assert.True(found.ModifiedAt > DateTimeOffset.UtcNow.AddMinutes(-5) && found.ModifiedAt <= DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal("s3cret", TempStore.Reveal(temp.Reopen().ReadSecret("work")));
    }

    [Fact]
    public void GetAll_ReturnsEveryProfile_SortedByName_CaseInsensitively()
    {
        using var temp = new TempStore();
        Assert.Empty(temp.Store.GetAll());
        temp.Store.Save(TempStore.NewProfile("beta"));
        temp.Store.Save(TempStore.NewProfile("Alpha", server: "10.0.0.1"));
        temp.Store.Save(TempStore.NewProfile("Gamma", server: "[::1]"));

        IReadOnlyList<SmtpConfiguration> all = temp.Reopen().GetAll();
        Assert.Equal(new[] { "Alpha", "beta", "Gamma" }, all.Select(p => p.Name));
        Assert.Equal(new[] { "10.0.0.1", "smtp.example.com", "[::1]" }, all.Select(p => p.Server));
        Assert.All(all, p => Assert.Equal(AuthenticationKind.None, p.Authentication));
        Assert.All(all, p => Assert.False(p.HasSecret));
        Assert.All(all, p => Assert.Equal(SmtpSettingsRules.DefaultTimeoutSec, p.TimeoutSec));
    }

    [Fact]
    public void Find_And_ReadSecret_OfAMissingProfile()
    {
        using var temp = new TempStore();
        Assert.Null(temp.Store.Find("nope"));
        temp.Store.Save(TempStore.NewProfile("Work"));
        Assert.Null(temp.Store.Find("nope"));
        SmtpConfigException ex = Assert.Throws<SmtpConfigException>(() => temp.Store.ReadSecret("nope"));
        Assert.Equal(ErrorIds.ProfileNotFound, ex.ErrorId);
        Assert.Null(temp.Store.ReadSecret("Work"));
    }

    [Fact]
    public void Save_SameNameDifferentCase_UpdatesTheOneProfile_AndKeepsItsName()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfile("Work"));
        SmtpSaveResult result = temp.Store.Save(new SmtpProfileChange("WORK") { Port = 2525 });
        Assert.False(result.Created);
        SmtpConfiguration only = Assert.Single(temp.Store.GetAll());
        Assert.Equal("Work", only.Name);
        Assert.Equal(2525, only.Port);
    }

    [Fact]
    public void NewProfile_WithoutServer_IsRefused_WithServerRequired()
    {
        using var temp = new TempStore();
        StoreAssert.FailsWithoutWriting(temp, ErrorIds.ServerRequired, () => temp.Store.Save(new SmtpProfileChange("New") { From = "a@example.com" }));
        temp.Store.Save(TempStore.NewProfile("Existing"));
        StoreAssert.FailsWithoutWriting(temp, ErrorIds.ServerRequired, () => temp.Store.Save(new SmtpProfileChange("New") { From = "a@example.com" }));
        Assert.Null(temp.Store.Find("New"));
    }

    [Fact]
    public void NewProfile_WithoutFrom_IsRefused_WithFromRequired()
    {
        using var temp = new TempStore();
        StoreAssert.FailsWithoutWriting(temp, ErrorIds.FromRequired, () => temp.Store.Save(new SmtpProfileChange("New") { Server = "smtp.example.com" }));
        temp.Store.Save(TempStore.NewProfile("Existing"));
        StoreAssert.FailsWithoutWriting(temp, ErrorIds.FromRequired, () => temp.Store.Save(new SmtpProfileChange("New") { Server = "smtp.example.com", Password = TempStore.Secure("x"), UserName = "u" }));
        Assert.Null(temp.Store.Find("New"));
    }

    [Fact]
    public void ExistingProfile_NeedsNeitherServerNorFrom()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfile("Work"));
        SmtpSaveResult result = temp.Store.Save(new SmtpProfileChange("Work") { TimeoutSec = 42 });
        Assert.False(result.Created);
        Assert.Equal(42, temp.Store.Find("Work")!.TimeoutSec);
    }

    [Theory]
    [InlineData(null, EncryptionMode.Ssl, 465, EncryptionMode.Ssl)]
    [InlineData(null, EncryptionMode.StartTls, 587, EncryptionMode.StartTls)]
    [InlineData(null, EncryptionMode.None, 25, EncryptionMode.None)]
    [InlineData(465, null, 465, EncryptionMode.Ssl)]
    [InlineData(2465, null, 2465, EncryptionMode.Ssl)]
    [InlineData(587, null, 587, EncryptionMode.StartTls)]
    [InlineData(25, null, 25, EncryptionMode.StartTls)]
    [InlineData(2525, null, 2525, EncryptionMode.StartTls)]
    [InlineData(null, null, 587, EncryptionMode.StartTls)]
    [InlineData(2525, EncryptionMode.Ssl, 2525, EncryptionMode.Ssl)]
    [InlineData(465, EncryptionMode.StartTls, 465, EncryptionMode.StartTls)]
    public void NewProfile_FillsInPortAndEncryptionFromEachOther(int? port, EncryptionMode? encryption, int expectedPort, EncryptionMode expectedEncryption)
    {
        using var temp = new TempStore();
        SmtpProfileChange change = TempStore.NewProfile("Work");
        change.Port = port;
        change.Encryption = encryption;
        SmtpSaveResult result = temp.Store.Save(change);
        Assert.Equal(expectedPort, result.Configuration.Port);
        Assert.Equal(expectedEncryption, result.Configuration.Encryption);
        SmtpConfiguration stored = temp.Reopen().Find("Work")!;
        Assert.Equal(expectedPort, stored.Port);
        Assert.Equal(expectedEncryption, stored.Encryption);
    }

    [Fact]
    public void PartialUpdate_ChangesOnlyWhatIsGiven()
    {
        using var temp = new TempStore();
        temp.Store.Save(new SmtpProfileChange("Work")
        {
            Server = "smtp.example.com",
            Encryption = EncryptionMode.Ssl,
            From = "alerts@example.com",
            UserName = "alice",
            Password = TempStore.Secure("pw-1"),
            TimeoutSec = 20,
            CertificateThumbprint = Thumbprint,
        });
        SmtpConfiguration before = temp.Store.Find("Work")!;
        Assert.Equal(465, before.Port);

        // Only the port: encryption is NOT re-derived from it on an existing profile.
        SmtpSaveResult portOnly = temp.Store.Save(new SmtpProfileChange("Work") { Port = 587 });
        Assert.False(portOnly.Created);
        Assert.True(portOnly.Changed);
        SmtpConfiguration after = temp.Reopen().Find("Work")!;
        Assert.Equal(587, after.Port);
        Assert.Equal(EncryptionMode.Ssl, after.Encryption);
        Assert.Equal(before.Server, after.Server);
        Assert.Equal(before.From, after.From);
        Assert.Equal(before.UserName, after.UserName);
        Assert.True(after.HasSecret);
        Assert.Equal(20, after.TimeoutSec);
        Assert.Equal(before.CertificateThumbprint, after.CertificateThumbprint);
        Assert.Equal("pw-1", TempStore.Reveal(temp.Store.ReadSecret("Work")));

        // Only the encryption: the port stays.
        temp.Store.Save(new SmtpProfileChange("Work") { Encryption = EncryptionMode.StartTls });
        after = temp.Store.Find("Work")!;
        Assert.Equal(587, after.Port);
        Assert.Equal(EncryptionMode.StartTls, after.Encryption);

        // Only the From address; the user name alone keeps the stored secret.
        temp.Store.Save(new SmtpProfileChange("Work") { From = "other@example.com", UserName = "bob" });
        after = temp.Store.Find("Work")!;
        Assert.Equal("other@example.com", after.From);
        Assert.Equal("bob", after.UserName);
        Assert.Equal("smtp.example.com", after.Server);
        Assert.Equal("pw-1", TempStore.Reveal(temp.Store.ReadSecret("Work")));

        // An empty thumbprint removes the pin, nothing else.
        temp.Store.Save(new SmtpProfileChange("Work") { CertificateThumbprint = string.Empty });
        after = temp.Store.Find("Work")!;
        Assert.Null(after.CertificateThumbprint);
        Assert.Equal(20, after.TimeoutSec);
    }

    [Fact]
    public void Save_WithNothingNew_ReportsNoChange_AndKeepsTheRevision()
    {
        using var temp = new TempStore();
        SmtpSaveResult first = temp.Store.Save(TempStore.NewProfile("Work"));
        SmtpSaveResult same = temp.Store.Save(new SmtpProfileChange("Work") { Server = "smtp.example.com", Port = 587 });
        Assert.False(same.Created);
        Assert.False(same.Changed);
        Assert.Equal(first.Revision, same.Revision);
        Assert.Equal(first.Configuration.ModifiedAt, temp.Store.Find("Work")!.ModifiedAt);

        SmtpSaveResult changed = temp.Store.Save(new SmtpProfileChange("Work") { Port = 2525 });
        Assert.True(changed.Changed);
        Assert.True(changed.Revision > first.Revision);
    }

    [Fact]
    public void RemoveCredential_DropsUserNameAndSecret_AndNothingElse()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Work", "pw"));
        SmtpSaveResult result = temp.Store.Save(new SmtpProfileChange("Work") { RemoveCredential = true });
        Assert.True(result.Changed);
        SmtpConfiguration after = temp.Reopen().Find("Work")!;
        Assert.Null(after.UserName);
        Assert.False(after.HasSecret);
        Assert.Equal(AuthenticationKind.None, after.Authentication);
        Assert.Equal("smtp.example.com", after.Server);
        Assert.Null(temp.Store.ReadSecret("Work"));
        Assert.DoesNotContain("\"secret\": \"", System.IO.File.ReadAllText(temp.FilePath), StringComparison.Ordinal);

        // A new login can be given again afterwards.
        temp.Store.Save(new SmtpProfileChange("Work") { UserName = "carol", Password = TempStore.Secure("pw-2") });
        Assert.Equal("pw-2", TempStore.Reveal(temp.Store.ReadSecret("Work")));
    }

    [Fact]
    public void UserName_WithoutPassword_IsRefused()
    {
        using var temp = new TempStore();
        StoreAssert.FailsWithoutWriting(temp, ErrorIds.UserNameWithoutPassword, () => temp.Store.Save(new SmtpProfileChange("New") { Server = "smtp.example.com", From = "a@example.com", UserName = "alice" }));
        temp.Store.Save(TempStore.NewProfile("Work"));
        StoreAssert.FailsWithoutWriting(temp, ErrorIds.UserNameWithoutPassword, () => temp.Store.Save(new SmtpProfileChange("Work") { UserName = "alice" }));
        StoreAssert.FailsWithoutWriting(temp, ErrorIds.UserNameWithoutPassword, () => temp.Store.Save(new SmtpProfileChange("Work") { UserName = "   ", Password = TempStore.Secure("pw") }));
        StoreAssert.FailsWithoutWriting(temp, ErrorIds.UserNameWithoutPassword, () => temp.Store.Save(new SmtpProfileChange("Work") { UserName = "alice", CopySecretFrom = "Missing" }));
        Assert.Null(temp.Store.Find("Work")!.UserName);
    }

    [Fact]
    public void Password_WithoutUserName_IsRefused()
    {
        using var temp = new TempStore();
        StoreAssert.FailsWithoutWriting(temp, ErrorIds.PasswordWithoutUserName, () => temp.Store.Save(new SmtpProfileChange("New") { Server = "smtp.example.com", From = "a@example.com", Password = TempStore.Secure("pw") }));
        temp.Store.Save(TempStore.NewProfile("Work"));
        StoreAssert.FailsWithoutWriting(temp, ErrorIds.PasswordWithoutUserName, () => temp.Store.Save(new SmtpProfileChange("Work") { Password = TempStore.Secure("pw") }));
        temp.Store.Save(TempStore.NewProfileWithLogin("WithLogin", "pw"));
        StoreAssert.FailsWithoutWriting(temp, ErrorIds.PasswordWithoutUserName, () => temp.Store.Save(new SmtpProfileChange("WithLogin") { RemoveCredential = true, Password = TempStore.Secure("pw-2") }));
        Assert.False(temp.Store.Find("Work")!.HasSecret);
    }

    [Fact]
    public void Password_ForAnExistingLogin_ReplacesTheSecret()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Work", "old"));
        temp.Store.Save(new SmtpProfileChange("Work") { Password = TempStore.Secure("new") });
        Assert.Equal("new", TempStore.Reveal(temp.Reopen().ReadSecret("Work")));
    }

    public static TheoryData<string, string> BadInputs => new()
    {
        { "port:0", ErrorIds.InvalidPort },
        { "port:-1", ErrorIds.InvalidPort },
        { "port:65536", ErrorIds.InvalidPort },
        { "server:smtp.example.com:587", ErrorIds.InvalidServer },
        { "server:has space", ErrorIds.InvalidServer },
        { "server:smtp://smtp.example.com", ErrorIds.InvalidServer },
        { "server:smtp.example.com/path", ErrorIds.InvalidServer },
        { "server:", ErrorIds.InvalidServer },
        { "server:   ", ErrorIds.InvalidServer },
        { "server:smtp.example.com\r\n", ErrorIds.ControlCharacterInValue },
        { "from:a@x.test, b@x.test", ErrorIds.InvalidFromAddress },
        { "from:a@x.test; b@x.test", ErrorIds.InvalidFromAddress },
        { "from:not-an-address", ErrorIds.InvalidFromAddress },
        { "from:alice@", ErrorIds.InvalidFromAddress },
        { "from:@x.test", ErrorIds.InvalidFromAddress },
        { "from:alice", ErrorIds.InvalidFromAddress },
        { "from:", ErrorIds.InvalidFromAddress },
        { "from:a@x.test\r\nBcc: victim@y.test", ErrorIds.ControlCharacterInValue },
        { "from:a@x.test\n", ErrorIds.ControlCharacterInValue },
        { "from:a@x.test\r", ErrorIds.ControlCharacterInValue },
        { "user:alice\r\nRCPT TO:<victim@y.test>", ErrorIds.ControlCharacterInValue },
        { "user:alice\n", ErrorIds.ControlCharacterInValue },
        { "user:alice\r", ErrorIds.ControlCharacterInValue },
        { "name:Work*", ErrorIds.InvalidProfileName },
        { "name:Wo?k", ErrorIds.InvalidProfileName },
        { "name:[Work]", ErrorIds.InvalidProfileName },
        { "name:Work]", ErrorIds.InvalidProfileName },
        { "name:", ErrorIds.InvalidProfileName },
        { "name:   ", ErrorIds.InvalidProfileName },
        { "name: Work", ErrorIds.InvalidProfileName },
        { "name:Wo\r\nrk", ErrorIds.InvalidProfileName },
        { "name:" + new string('n', 129), ErrorIds.InvalidProfileName },
        { "timeout:0", ErrorIds.InvalidTimeout },
        { "timeout:601", ErrorIds.InvalidTimeout },
        { "thumbprint:not-hex", ErrorIds.InvalidCertificateThumbprint },
        { "thumbprint:0123", ErrorIds.InvalidCertificateThumbprint },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInput_IsRefused_AndTheStoreFileIsUnchanged(string input, string errorId)
    {
        using var temp = new TempStore();

        // On an empty store: nothing is written at all.
        StoreAssert.FailsWithoutWriting(temp, errorId, () => temp.Store.Save(BadChange(input, "New")));
        Assert.False(System.IO.File.Exists(temp.FilePath));

        // With profiles stored: the file keeps its bytes, for a new profile and for a change of an existing one.
        temp.Store.Save(TempStore.NewProfileWithLogin("Existing", "pw"));
        StoreAssert.FailsWithoutWriting(temp, errorId, () => temp.Store.Save(BadChange(input, "New")));
        StoreAssert.FailsWithoutWriting(temp, errorId, () => temp.Store.Save(BadChange(input, "Existing", existing: true)));
        StoreAssert.FailsWithoutWriting(temp, errorId, () => temp.Store.Preview(BadChange(input, "Existing", existing: true)));
        SmtpConfiguration kept = Assert.Single(temp.Reopen().GetAll());
        Assert.Equal(587, kept.Port);
        Assert.Equal("alerts@example.com", kept.From);
        Assert.Equal("user@example.com", kept.UserName);
    }

    [Fact]
    public void ControlCharacterError_DoesNotEchoTheRawLineBreak()
    {
        using var temp = new TempStore();
        SmtpConfigException ex = Assert.Throws<SmtpConfigException>(() => temp.Store.Save(BadChange("from:a@x.test\r\nBcc: victim@y.test", "New")));
        Assert.DoesNotContain("\r", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Preview_ReturnsWhatWouldBeSaved_AndWritesNothing()
    {
        using var temp = new TempStore();
        SmtpSaveResult preview = temp.Store.Preview(new SmtpProfileChange("Work") { Server = "smtp.example.com", From = "a@example.com", Port = 465, UserName = "u", Password = TempStore.Secure("pw") });
        Assert.True(preview.Created);
        Assert.Equal(EncryptionMode.Ssl, preview.Configuration.Encryption);
        Assert.False(System.IO.Directory.Exists(temp.StoreDir));
    }

    [Fact]
    public void Remove_DeletesTheProfileAndItsSecret()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Work", "pw"));
        temp.Store.Save(TempStore.NewProfile("Other"));
        Assert.True(temp.Store.Remove("work"));
        Assert.False(temp.Store.Remove("work"));
        Assert.Null(temp.Reopen().Find("Work"));
        Assert.Single(temp.Store.GetAll());
        Assert.DoesNotContain("aesgcm1:", System.IO.File.ReadAllText(temp.FilePath), StringComparison.Ordinal);
    }

    public static TheoryData<string, int?, EncryptionMode?, bool, int> WarningCases => new()
    {
        // server, port, encryption, with credential, expected warning count
        { "smtp.example.com", 587, EncryptionMode.Ssl, false, 1 },
        { "smtp.example.com", 25, EncryptionMode.Ssl, false, 1 },
        { "smtp.example.com", 465, EncryptionMode.StartTls, false, 1 },
        { "smtp.example.com", 2465, EncryptionMode.StartTls, false, 1 },
        { "smtp.example.com", 465, EncryptionMode.Ssl, true, 0 },
        { "smtp.example.com", 2465, EncryptionMode.Ssl, true, 0 },
        { "smtp.example.com", 587, EncryptionMode.StartTls, true, 0 },
        { "smtp.example.com", 25, EncryptionMode.None, true, 1 },
        { "10.1.2.3", 25, EncryptionMode.None, true, 1 },
        { "smtp.example.com", 25, EncryptionMode.None, false, 0 },
        { "localhost", 25, EncryptionMode.None, true, 0 },
        { "LOCALHOST", 25, EncryptionMode.None, true, 0 },
        { "127.0.0.1", 25, EncryptionMode.None, true, 0 },
        { "127.0.0.2", 25, EncryptionMode.None, true, 0 },
        { "::1", 25, EncryptionMode.None, true, 0 },
        { "[::1]", 25, EncryptionMode.None, true, 0 },
    };

    [Theory]
    [MemberData(nameof(WarningCases))]
    public void Save_WarnsAboutRiskyButLegalSettings(string server, int? port, EncryptionMode? encryption, bool withCredential, int expectedWarnings)
    {
        using var temp = new TempStore();
        SmtpProfileChange change = withCredential ? TempStore.NewProfileWithLogin("Work", "pw", server: server) : TempStore.NewProfile("Work", server: server);
        change.Port = port;
        change.Encryption = encryption;
        SmtpSaveResult result = temp.Store.Save(change);
        Assert.Equal(expectedWarnings, result.Warnings.Count);
        if (encryption == EncryptionMode.None && expectedWarnings == 1)
        {
            Assert.Contains(server, result.Warnings[0], StringComparison.Ordinal);
            Assert.Contains("clear text", result.Warnings[0], StringComparison.OrdinalIgnoreCase);
        }
        else if (expectedWarnings == 1)
        {
            Assert.Contains(port!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Warnings[0], StringComparison.Ordinal);
        }

        // A warning never blocks the save.
        Assert.NotNull(temp.Reopen().Find("Work"));
    }

    [Fact]
    public void Save_WarnsOnAnUpdate_ThatMakesTheCombinationRisky()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Work", "pw"));
        SmtpSaveResult result = temp.Store.Save(new SmtpProfileChange("Work") { Encryption = EncryptionMode.None });
        Assert.Single(result.Warnings);
        result = temp.Store.Save(new SmtpProfileChange("Work") { RemoveCredential = true });
        Assert.Empty(result.Warnings);
    }

    private static SmtpProfileChange BadChange(string input, string name, bool existing = false)
    {
        int colon = input.IndexOf(':', StringComparison.Ordinal);
        string field = input.Substring(0, colon);
        string value = input.Substring(colon + 1);
        SmtpProfileChange change = field == "name"
            ? new SmtpProfileChange(value) { Server = "smtp.example.com", From = "alerts@example.com" }
            : existing ? new SmtpProfileChange(name) : new SmtpProfileChange(name) { Server = "smtp.example.com", From = "alerts@example.com" };
        switch (field)
        {
            case "name":
                break;
            case "port":
                change.Port = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                break;
            case "server":
                change.Server = value;
                break;
            case "from":
                change.From = value;
                break;
            case "user":
                change.UserName = value;
                change.Password = TempStore.Secure("pw");
                break;
            case "timeout":
                change.TimeoutSec = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                break;
            case "thumbprint":
                change.CertificateThumbprint = value;
                break;
            default:
                throw new ArgumentException(input, nameof(input));
        }

        return change;
    }
}
