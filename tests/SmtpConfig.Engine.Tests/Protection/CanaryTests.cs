using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using SmtpConfig.Tests.TestSupport;
using Xunit;

namespace SmtpConfig.Tests.Protection;

public sealed class CanaryTests
{
    private const string Canary = "Canary-7f3a9c-Pässwörd!";

    [Fact]
    public void CanaryPassword_AppearsInNoStoreFile_InAnyEncoding()
    {
        using var temp = new TempStore();
        SmtpSaveResult saved = temp.Store.Save(TempStore.NewProfileWithLogin("Work", Canary));
        temp.Store.RecordValidation("Work", saved.Revision, new SmtpValidationRecord(DateTimeOffset.UtcNow, true, null, null));
        temp.Store.Save(new SmtpProfileChange("Copy") { Server = "smtp.example.com", From = "a@example.com", UserName = "u", CopySecretFrom = "Work" });
        temp.Store.Save(new SmtpProfileChange("Work") { Port = 2525 });
        temp.Store.Save(new SmtpProfileChange("Again") { Server = "smtp.example.com", From = "a@example.com", UserName = "u", Password = TempStore.Secure(Canary) });

        // Also what a crash between write and rename leaves behind.
        SmtpConfigurationStore crashing = temp.Reopen();
        crashing.BeforeReplace = _ => throw new IOException("crash");
        Assert.Throws<SmtpConfigException>(() => crashing.Save(new SmtpProfileChange("Late") { Server = "smtp.example.com", From = "a@example.com", UserName = "u", Password = TempStore.Secure(Canary) }));

        Assert.Equal(Canary, TempStore.Reveal(temp.Store.ReadSecret("Copy")));
        Assert.Equal(Canary, TempStore.Reveal(temp.Store.ReadSecret("Again")));

        Dictionary<string, byte[]> needles = Needles(Canary);
        string[] files = Directory.GetFiles(temp.StoreDir, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => Path.GetFileName(f) == "profiles.json");
        Assert.Contains(files, f => Path.GetFileName(f) == "secret.key");
        Assert.Contains(files, f => f.EndsWith(".tmp", StringComparison.Ordinal));
        foreach (string file in files)
        {
            byte[] content = File.ReadAllBytes(file);
            foreach ((string encoding, byte[] needle) in needles)
            {
                Assert.False(content.AsSpan().IndexOf(needle) >= 0, $"{Path.GetFileName(file)} holds the password as {encoding}");
            }
        }
    }

    [Fact]
    public void CanaryPassword_AppearsInNoPublicValueOfTheProfile()
    {
        using var temp = new TempStore();
        SmtpSaveResult saved = temp.Store.Save(TempStore.NewProfileWithLogin("Work", Canary));
        var values = new List<string?> { saved.ToString(), string.Join("\n", saved.Warnings) };
        foreach (SmtpConfiguration profile in new[] { saved.Configuration, temp.Store.Find("Work")!, temp.Store.GetAll().Single() })
        {
            values.Add(profile.ToString());
            foreach (PropertyInfo property in typeof(SmtpConfiguration).GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                values.Add(Convert.ToString(property.GetValue(profile), System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        foreach (PropertyInfo property in typeof(SmtpSaveResult).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            values.Add(Convert.ToString(property.GetValue(saved), System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.True(values.Count > 10);
        foreach (string? value in values)
        {
            Assert.DoesNotContain(Canary, value ?? string.Empty, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("7f3a9c", value ?? string.Empty, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void ErrorsAboutAProfile_DoNotCarryItsPassword()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("Work", Canary));
        SmtpConfigException ex = Assert.Throws<SmtpConfigException>(() => temp.Store.Save(new SmtpProfileChange("Work") { RemoveCredential = true, Password = TempStore.Secure(Canary) }));
        Assert.DoesNotContain(Canary, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, Convert.ToString(ex.Target, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public void NeedleSet_FindsThePasswordWhenItIsThere()
    {
        // Guards the sweep itself: each encoding must match a file that does hold the password that way.
        foreach ((string encoding, byte[] needle) in Needles(Canary))
        {
            byte[] haystack = [.. "prefix"u8.ToArray(), .. needle, .. "suffix"u8.ToArray()];
            Assert.True(haystack.AsSpan().IndexOf(Needles(Canary)[encoding]) >= 0, encoding);
        }

        Assert.Equal(11, Needles(Canary).Count);
    }

    private static Dictionary<string, byte[]> Needles(string secret)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(secret);
        byte[] utf16Le = Encoding.Unicode.GetBytes(secret);
        byte[] utf16Be = Encoding.BigEndianUnicode.GetBytes(secret);
        byte[] latin1 = Encoding.Latin1.GetBytes(secret);
        return new Dictionary<string, byte[]>
        {
            ["UTF-8"] = utf8,
            ["UTF-16LE"] = utf16Le,
            ["UTF-16BE"] = utf16Be,
            ["Latin-1"] = latin1,
            ["base64(UTF-8)"] = Encoding.ASCII.GetBytes(Convert.ToBase64String(utf8)),
            ["base64(UTF-16LE)"] = Encoding.ASCII.GetBytes(Convert.ToBase64String(utf16Le)),
            ["base64(UTF-16BE)"] = Encoding.ASCII.GetBytes(Convert.ToBase64String(utf16Be)),
            ["hex(UTF-8)"] = Encoding.ASCII.GetBytes(Convert.ToHexString(utf8).ToLowerInvariant()),
            ["HEX(UTF-8)"] = Encoding.ASCII.GetBytes(Convert.ToHexString(utf8)),
            ["hex(UTF-16LE)"] = Encoding.ASCII.GetBytes(Convert.ToHexString(utf16Le).ToLowerInvariant()),
            ["HEX(UTF-16LE)"] = Encoding.ASCII.GetBytes(Convert.ToHexString(utf16Le)),
        };
    }
}
