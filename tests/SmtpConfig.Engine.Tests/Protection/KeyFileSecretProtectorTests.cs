using System;
using System.IO;
using System.Text;
using SmtpConfig.Protection;
using SmtpConfig.Tests.TestSupport;
using Xunit;

namespace SmtpConfig.Tests.Protection;

public sealed class KeyFileSecretProtectorTests
{
    [Fact]
    public void ProtectThenUnprotect_RoundTrips_WithAFreshNonceEachTime()
    {
        using var temp = new TempStore();
        Directory.CreateDirectory(temp.StoreDir);
        var protector = new KeyFileSecretProtector(temp.KeyPath);
        byte[] secret = Encoding.UTF8.GetBytes("Pässwörd-🙂");
        string context = SecretContext.ForProfile("Work");

        string first = protector.Protect(secret, context);
        string second = protector.Protect(secret, context);

        Assert.StartsWith(KeyFileSecretProtector.Prefix, first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.Equal(secret, protector.Unprotect(first, context));
        Assert.Equal(secret, new KeyFileSecretProtector(temp.KeyPath).Unprotect(second, context));
        Assert.Equal(32, new FileInfo(temp.KeyPath).Length);
    }

    [Fact]
    public void EmptySecret_RoundTrips()
    {
        using var temp = new TempStore();
        Directory.CreateDirectory(temp.StoreDir);
        var protector = new KeyFileSecretProtector(temp.KeyPath);
        Assert.Empty(protector.Unprotect(protector.Protect([], "c"), "c"));
    }

    [Fact]
    public void AnotherContext_IsRefused()
    {
        using var temp = new TempStore();
        Directory.CreateDirectory(temp.StoreDir);
        var protector = new KeyFileSecretProtector(temp.KeyPath);
        string blob = protector.Protect("pw"u8.ToArray(), SecretContext.ForProfile("Alpha"));
        SmtpConfigException ex = Assert.Throws<SmtpConfigException>(() => protector.Unprotect(blob, SecretContext.ForProfile("Beta")));
        Assert.Equal(ErrorIds.SecretUnreadable, ex.ErrorId);
    }

    [Fact]
    public void SecretContext_IsCaseInsensitive_LikeProfileNames()
    {
        Assert.Equal(SecretContext.ForProfile("Work"), SecretContext.ForProfile("WORK"));
        Assert.NotEqual(SecretContext.ForProfile("Work"), SecretContext.ForProfile("Work2"));
    }

    [Fact]
    public void Unprotect_WithoutAKeyFile_DoesNotCreateOne()
    {
        using var temp = new TempStore();
        Directory.CreateDirectory(temp.StoreDir);
        var protector = new KeyFileSecretProtector(temp.KeyPath);
        string blob = KeyFileSecretProtector.Prefix + Convert.ToBase64String(new byte[40]);
        Assert.Equal(ErrorIds.SecretUnreadable, Assert.Throws<SmtpConfigException>(() => protector.Unprotect(blob, "c")).ErrorId);
        Assert.False(File.Exists(temp.KeyPath));
    }

    [Fact]
    public void SecretText_RoundTripsNonAsciiText()
    {
        const string text = "Pässwörd-€-🙂";
        byte[] utf8 = SecretText.ToUtf8(TempStore.Secure(text));
        Assert.Equal(Encoding.UTF8.GetBytes(text), utf8);
        Assert.Equal(text, SecretText.Reveal(SecretText.FromUtf8(utf8)));
    }
}
