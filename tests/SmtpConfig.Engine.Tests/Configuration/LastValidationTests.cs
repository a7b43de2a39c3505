using System;
using SmtpConfig.Tests.TestSupport;
using Xunit;

namespace SmtpConfig.Tests.Configuration;

public sealed class LastValidationTests
{
    private static readonly DateTimeOffset CheckedAt = new(2026, 3, 1, 12, 30, 15, TimeSpan.Zero);

    [Fact]
    public void RecordValidation_StoresTheOutcome_ForTheSavedRevision()
    {
        using var temp = new TempStore();
        SmtpSaveResult saved = temp.Store.Save(TempStore.NewProfileWithLogin("Work", "pw"));
        var failed = new SmtpValidationRecord(CheckedAt, succeeded: false, SmtpStage.Tls, "The certificate's name does not match.");

        SmtpConfiguration? recorded = temp.Store.RecordValidation("work", saved.Revision, failed);

        Assert.NotNull(recorded);
        Assert.NotNull(recorded.LastValidation);
        SmtpValidationRecord stored = temp.Reopen().Find("Work")!.LastValidation!;
        Assert.NotNull(stored);
        Assert.Equal(CheckedAt, stored.At);
        Assert.False(stored.Succeeded);
        Assert.Equal(SmtpStage.Tls, stored.FailedStage);
        Assert.Equal("The certificate's name does not match.", stored.Error);

        // Recording does not count as a change of the settings.
        Assert.Equal(saved.Revision, temp.Store.Save(new SmtpProfileChange("Work")).Revision);
        Assert.NotNull(temp.Store.Find("Work")!.LastValidation);
    }

    [Fact]
    public void RecordValidation_Success_RoundTrips()
    {
        using var temp = new TempStore();
        SmtpSaveResult saved = temp.Store.Save(TempStore.NewProfile("Work"));
        temp.Store.RecordValidation("Work", saved.Revision, new SmtpValidationRecord(CheckedAt, true, null, null));
        SmtpValidationRecord stored = temp.Reopen().Find("Work")!.LastValidation!;
        Assert.True(stored.Succeeded);
        Assert.Null(stored.FailedStage);
        Assert.Null(stored.Error);
    }

    public static TheoryData<string> Changes => new() { "port", "server", "from", "encryption", "timeout", "skip", "thumbprint", "password", "samePassword", "user", "removeCredential" };

    [Theory]
    [MemberData(nameof(Changes))]
    public void AnyLaterChange_ClearsLastValidation(string what)
    {
        using var temp = new TempStore();
        SmtpSaveResult saved = temp.Store.Save(TempStore.NewProfileWithLogin("Work", "pw"));
        Assert.NotNull(temp.Store.RecordValidation("Work", saved.Revision, new SmtpValidationRecord(CheckedAt, true, null, null)));
        Assert.NotNull(temp.Store.Find("Work")!.LastValidation);

        var change = new SmtpProfileChange("Work");
        switch (what)
        {
            case "port": change.Port = 2525; break;
            case "server": change.Server = "smtp2.example.com"; break;
            case "from": change.From = "other@example.com"; break;
            case "encryption": change.Encryption = EncryptionMode.Ssl; break;
            case "timeout": change.TimeoutSec = 99; break;
            case "skip": change.SkipCertificateCheck = true; break;
            case "thumbprint": change.CertificateThumbprint = new string('A', 64); break;
            case "password": change.Password = TempStore.Secure("other"); break;
            case "samePassword": change.Password = TempStore.Secure("pw"); break;
            case "user": change.UserName = "someone-else"; break;
            case "removeCredential": change.RemoveCredential = true; break;
            default: throw new ArgumentException(what, nameof(what));
        }

        SmtpSaveResult result = temp.Store.Save(change);
        Assert.True(result.Changed);
        Assert.True(result.Revision > saved.Revision);
        Assert.Null(result.Configuration.LastValidation);
        Assert.Null(temp.Reopen().Find("Work")!.LastValidation);
    }

    [Fact]
    public void RecordValidation_WithAStaleRevision_IsIgnored()
    {
        using var temp = new TempStore();
        SmtpSaveResult first = temp.Store.Save(TempStore.NewProfile("Work"));
        SmtpSaveResult second = temp.Store.Save(new SmtpProfileChange("Work") { Port = 2525 });
        Assert.True(second.Revision > first.Revision);

        // The check of the first revision finishes late: it must not be shown as the outcome of the current settings.
        Assert.Null(temp.Store.RecordValidation("Work", first.Revision, new SmtpValidationRecord(CheckedAt, true, null, null)));
        Assert.Null(temp.Reopen().Find("Work")!.LastValidation);

        Assert.Null(temp.Store.RecordValidation("Work", second.Revision + 1, new SmtpValidationRecord(CheckedAt, true, null, null)));
        Assert.Null(temp.Store.Find("Work")!.LastValidation);

        Assert.NotNull(temp.Store.RecordValidation("Work", second.Revision, new SmtpValidationRecord(CheckedAt, true, null, null)));
        Assert.NotNull(temp.Store.Find("Work")!.LastValidation);
    }

    [Fact]
    public void RecordValidation_ForAMissingOrRecreatedProfile_IsIgnored()
    {
        using var temp = new TempStore();
        SmtpSaveResult saved = temp.Store.Save(TempStore.NewProfile("Work"));
        Assert.Null(temp.Store.RecordValidation("Other", saved.Revision, new SmtpValidationRecord(CheckedAt, true, null, null)));
        Assert.True(temp.Store.Remove("Work"));
        Assert.Null(temp.Store.RecordValidation("Work", saved.Revision, new SmtpValidationRecord(CheckedAt, true, null, null)));
        Assert.Null(temp.Store.Find("Work"));
    }

    [Fact]
    public void RecordValidation_OfARemovedProfile_IsNotAppliedToANewProfileOfTheSameName()
    {
        // The check of the old "Work" (revision 1) is still running when "Work" is removed and created again with other
        // settings (by another process): its late result must not be shown as the outcome of the new profile.
        using var temp = new TempStore();
        SmtpSaveResult old = temp.Store.Save(TempStore.NewProfile("Work", server: "old.example.com"));
        Assert.True(temp.Reopen().Remove("Work"));
        SmtpSaveResult recreated = temp.Reopen().Save(TempStore.NewProfile("Work", server: "new.example.com"));

        SmtpConfiguration? recorded = temp.Store.RecordValidation("Work", old.Revision, new SmtpValidationRecord(CheckedAt, true, null, null));

        Assert.Null(recorded);
        Assert.Null(temp.Reopen().Find("Work")!.LastValidation);
        Assert.NotEqual(old.Revision, recreated.Revision);
    }
}
