using System;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SmtpConfig.Protection;
using SmtpConfig.Tests.TestSupport;
using Xunit;

namespace SmtpConfig.Tests.Protection;

public sealed class TamperTests
{
    [Theory]
    [InlineData(0)] // nonce
    [InlineData(11)] // last nonce byte
    [InlineData(12)] // first ciphertext byte
    [InlineData(-1)] // last tag byte
    [InlineData(-16)] // first tag byte
    public void FlippedCiphertextByte_MakesReadSecretFail_NamingTheProfile(int index)
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Work", "correct horse battery staple"));
        temp.Store.Save(TempStore.NewProfileWithLogin("Other", "other-pw"));

        EditProfile(temp, "Work", profile =>
        {
            string blob = profile["secret"]!.GetValue<string>();
            Assert.StartsWith(KeyFileSecretProtector.Prefix, blob, StringComparison.Ordinal);
            byte[] data = Convert.FromBase64String(blob.Substring(KeyFileSecretProtector.Prefix.Length));
            int at = index >= 0 ? index : data.Length + index;
            data[at] ^= 0x01;
            profile["secret"] = KeyFileSecretProtector.Prefix + Convert.ToBase64String(data);
        });

        SmtpConfigException ex = Assert.Throws<SmtpConfigException>(() => temp.Reopen().ReadSecret("Work"));
        AssertUnreadable(ex, "Work");

        // The damage stays with that one profile.
        Assert.Equal("other-pw", TempStore.Reveal(temp.Reopen().ReadSecret("Other")));
        Assert.Equal(2, temp.Reopen().GetAll().Count);
    }

    [Theory]
    [InlineData("aesgcm1:!!!not base64!!!")]
    [InlineData("aesgcm1:AAAA")]
    [InlineData("aesgcm1:")]
    [InlineData("dpapi1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("plain-text-password")]
    public void GarbledSecretBlob_IsSecretUnreadable(string blob)
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Work", "pw"));
        EditProfile(temp, "Work", profile => profile["secret"] = blob);
        SmtpConfigException ex = Assert.Throws<SmtpConfigException>(() => temp.Reopen().ReadSecret("Work"));
        AssertUnreadable(ex, "Work");
    }

    [Fact]
    public void SecretCopiedOntoAnotherProfile_DoesNotDecrypt()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Alpha", "alpha-pw"));
        temp.Store.Save(TempStore.NewProfileWithLogin("Beta", "beta-pw"));
        string alphaSecret = ReadProfile(temp, "Alpha")["secret"]!.GetValue<string>();

        EditProfile(temp, "Beta", profile => profile["secret"] = alphaSecret);

        SmtpConfigException ex = Assert.Throws<SmtpConfigException>(() => temp.Reopen().ReadSecret("Beta"));
        AssertUnreadable(ex, "Beta");
        Assert.DoesNotContain("alpha-pw", ex.Message, StringComparison.Ordinal);
        Assert.Equal("alpha-pw", TempStore.Reveal(temp.Reopen().ReadSecret("Alpha")));
    }

    [Fact]
    public void RenamedProfileInTheFile_NoLongerDecrypts()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Alpha", "alpha-pw"));
        EditProfile(temp, "Alpha", profile => profile["name"] = "Gamma");
        AssertUnreadable(Assert.Throws<SmtpConfigException>(() => temp.Reopen().ReadSecret("Gamma")), "Gamma");
    }

    [Fact]
    public void CopySecretFrom_ATamperedSource_FailsAndWritesNothing()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Alpha", "alpha-pw"));
        temp.Store.Save(TempStore.NewProfileWithLogin("Beta", "beta-pw"));
        string betaSecret = ReadProfile(temp, "Beta")["secret"]!.GetValue<string>();
        EditProfile(temp, "Alpha", profile => profile["secret"] = betaSecret);

        SmtpConfigException ex = StoreAssert.FailsWithoutWriting(temp, ErrorIds.SecretUnreadable, () => temp.Reopen().Save(new SmtpProfileChange("Copy")
        {
            Server = "smtp.example.com",
            From = "a@example.com",
            UserName = "u",
            CopySecretFrom = "Alpha",
        }));
        Assert.Contains("'Alpha'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherKeyFile_MakesTheSecretUnreadable()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Work", "pw"));
        File.WriteAllBytes(temp.KeyPath, new byte[32]);
        AssertUnreadable(Assert.Throws<SmtpConfigException>(() => temp.Reopen().ReadSecret("Work")), "Work");
    }

    [Fact]
    public void MissingKeyFile_MakesTheSecretUnreadable_ButTheProfilesStillList()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Work", "pw"));
        File.Delete(temp.KeyPath);
        Assert.Single(temp.Reopen().GetAll());
        AssertUnreadable(Assert.Throws<SmtpConfigException>(() => temp.Reopen().ReadSecret("Work")), "Work");
    }

    [Fact]
    public void DamagedKeyFile_MakesTheSecretUnreadable()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Work", "pw"));
        File.WriteAllBytes(temp.KeyPath, new byte[7]);
        AssertUnreadable(Assert.Throws<SmtpConfigException>(() => temp.Reopen().ReadSecret("Work")), "Work");
    }

    public static TheoryData<string> DamagedDocuments => new()
    {
        "TRUNCATE",
        string.Empty,
        "not json at all",
        "[]",
        "{}",
        "{\"schemaVersion\":1}",
        "{\"schemaVersion\":2,\"profiles\":[]}",
        "{\"schemaVersion\":\"1\",\"profiles\":[]}",
        "{\"schemaVersion\":1,\"profiles\":null}",
        "{\"schemaVersion\":1,\"profiles\":[5]}",
        "{\"schemaVersion\":1,\"profiles\":[{\"name\":\"A\"}]}",
        "{\"schemaVersion\":1,\"profiles\":[{\"name\":null,\"server\":\"s\",\"port\":25,\"encryption\":\"None\",\"from\":\"a@b.c\",\"authentication\":\"None\",\"timeoutSec\":10,\"modifiedAt\":\"2026-01-01T00:00:00Z\"}]}",
        "{\"schemaVersion\":1,\"profiles\":[{\"name\":\"A\",\"server\":\"s\",\"port\":\"25\",\"encryption\":\"None\",\"from\":\"a@b.c\",\"authentication\":\"None\",\"timeoutSec\":10,\"modifiedAt\":\"2026-01-01T00:00:00Z\"}]}",
        "{\"schemaVersion\":1,\"profiles\":[{\"name\":\"A\",\"server\":\"s\",\"port\":25,\"encryption\":\"Bogus\",\"from\":\"a@b.c\",\"authentication\":\"None\",\"timeoutSec\":10,\"modifiedAt\":\"2026-01-01T00:00:00Z\"}]}",
        "{\"schemaVersion\":1,\"profiles\":[{\"name\":\"A\",\"server\":\"s\",\"port\":25,\"encryption\":\"7\",\"from\":\"a@b.c\",\"authentication\":\"None\",\"timeoutSec\":10,\"modifiedAt\":\"2026-01-01T00:00:00Z\"}]}",
        "{\"schemaVersion\":1,\"profiles\":[{\"name\":\"A\",\"server\":\"s\",\"port\":25,\"encryption\":\"None\",\"from\":\"a@b.c\",\"authentication\":\"None\",\"timeoutSec\":10,\"modifiedAt\":\"yesterday\"}]}",
        "{\"schemaVersion\":1,\"profiles\":[{\"name\":\"A\",\"server\":\"s\",\"port\":25,\"encryption\":\"None\",\"from\":\"a@b.c\",\"authentication\":\"None\",\"timeoutSec\":10,\"modifiedAt\":\"2026-01-01T00:00:00Z\",\"lastValidation\":{\"at\":\"2026-01-01T00:00:00Z\",\"succeeded\":false,\"failedStage\":\"Nowhere\"}}]}",
    };

    [Theory]
    [MemberData(nameof(DamagedDocuments))]
    public void DamagedStoreFile_IsReportedNamingTheFile_AndNeverOverwritten(string content)
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Work", "pw"));
        byte[] good = File.ReadAllBytes(temp.FilePath);
        byte[] damaged = content == "TRUNCATE" ? good.AsSpan(0, good.Length / 2).ToArray() : Encoding.UTF8.GetBytes(content);
        File.WriteAllBytes(temp.FilePath, damaged);

        SmtpConfigException read = Assert.Throws<SmtpConfigException>(() => temp.Reopen().GetAll());
        Assert.Equal(ErrorIds.StoreDamaged, read.ErrorId);
        Assert.Contains(temp.FilePath, read.Message, StringComparison.Ordinal);
        StoreAssert.NoStackTrace(read.Message);
        Assert.Equal(ErrorIds.StoreDamaged, Assert.Throws<SmtpConfigException>(() => temp.Reopen().Find("Work")).ErrorId);
        Assert.Equal(ErrorIds.StoreDamaged, Assert.Throws<SmtpConfigException>(() => temp.Reopen().ReadSecret("Work")).ErrorId);

        // No writer replaces it: the user decides what to do with the damaged file.
        StoreAssert.FailsWithoutWriting(temp, ErrorIds.StoreDamaged, () => temp.Reopen().Save(TempStore.NewProfile("New")));
        StoreAssert.FailsWithoutWriting(temp, ErrorIds.StoreDamaged, () => temp.Reopen().Save(new SmtpProfileChange("Work") { Port = 2525 }));
        StoreAssert.FailsWithoutWriting(temp, ErrorIds.StoreDamaged, () => temp.Reopen().Remove("Work"));
        StoreAssert.FailsWithoutWriting(temp, ErrorIds.StoreDamaged, () => temp.Reopen().RecordValidation("Work", 1, new SmtpValidationRecord(DateTimeOffset.UtcNow, true, null, null)));
        Assert.Equal(damaged, File.ReadAllBytes(temp.FilePath));
    }

    [Fact]
    public void OlderDocument_WithoutOptionalFields_StillLoads()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfile("Seed"));
        File.WriteAllText(temp.FilePath, "{\"schemaVersion\":1,\"profiles\":[{\"name\":\"A\",\"server\":\"smtp.example.com\",\"port\":25,\"encryption\":\"None\",\"from\":\"a@example.com\",\"authentication\":\"None\",\"timeoutSec\":10,\"modifiedAt\":\"2026-01-01T00:00:00Z\"}]}");
        SmtpConfiguration a = Assert.Single(temp.Reopen().GetAll());
        Assert.Equal("A", a.Name);
        Assert.False(a.HasSecret);
        Assert.False(a.SkipCertificateCheck);
    }

    [Fact]
    public void StoreFile_SavedWithAUtf8ByteOrderMark_StillLoads_AndIsNotReportedDamaged()
    {
        // A hand-edited profiles.json saved by Windows PowerShell 5.1 (Set-Content -Encoding UTF8) or an old Notepad
        // starts with EF BB BF; it is valid UTF-8 JSON and must not be reported as damaged.
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Work", "pw"));
        byte[] content = File.ReadAllBytes(temp.FilePath);
        File.WriteAllBytes(temp.FilePath, [0xEF, 0xBB, 0xBF, .. content]);

        SmtpConfiguration work = Assert.Single(temp.Reopen().GetAll());
        Assert.Equal("Work", work.Name);
        Assert.Equal("pw", TempStore.Reveal(temp.Reopen().ReadSecret("Work")));
    }

    private static void AssertUnreadable(SmtpConfigException ex, string profile)
    {
        Assert.Equal(ErrorIds.SecretUnreadable, ex.ErrorId);
        Assert.Contains($"'{profile}'", ex.Message, StringComparison.Ordinal);
        StoreAssert.NoStackTrace(ex.Message);
        Assert.False(string.IsNullOrWhiteSpace(ex.RecommendedAction));
    }

    private static JsonObject ReadProfile(TempStore temp, string name)
    {
        JsonNode root = JsonNode.Parse(File.ReadAllBytes(temp.FilePath))!;
        foreach (JsonNode? p in root["profiles"]!.AsArray())
        {
            if (p!["name"]!.GetValue<string>() == name)
            {
                return p.AsObject();
            }
        }

        throw new InvalidOperationException($"No profile {name} in the file.");
    }

    /// <summary>Edits the store file in place (keeping its owner-only mode), as an attacker or a bad editor would.</summary>
    private static void EditProfile(TempStore temp, string name, Action<JsonObject> edit)
    {
        JsonNode root = JsonNode.Parse(File.ReadAllBytes(temp.FilePath))!;
        foreach (JsonNode? p in root["profiles"]!.AsArray())
        {
            if (p!["name"]!.GetValue<string>() == name)
            {
                edit(p.AsObject());
            }
        }

        File.WriteAllText(temp.FilePath, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
