using Xunit;

namespace SmtpConfig.Tests.OAuth;

/// <summary>-Preset fills in a provider's documented server, port, encryption and authentication; explicit values win.</summary>
public sealed class ProviderPresetTests
{
    private static SmtpProfileChange Apply(ProviderPreset preset, string? region = null, SmtpProfileChange? change = null)
    {
        change ??= new SmtpProfileChange("p");
        ProviderPresets.Apply(change, preset, region);
        return change;
    }

    [Fact]
    public void Microsoft365_is_office365_587_starttls_oauth2()
    {
        SmtpProfileChange change = Apply(ProviderPreset.Microsoft365);

        Assert.Equal("smtp.office365.com", change.Server);
        Assert.Equal(587, change.Port);
        Assert.Equal(EncryptionMode.StartTls, change.Encryption);
        Assert.Equal(AuthenticationKind.OAuth2, change.Authentication);
    }

    [Fact]
    public void Gmail_is_gmail_587_starttls_password()
    {
        SmtpProfileChange change = Apply(ProviderPreset.Gmail);

        Assert.Equal("smtp.gmail.com", change.Server);
        Assert.Equal(587, change.Port);
        Assert.Equal(EncryptionMode.StartTls, change.Encryption);
        Assert.Equal(AuthenticationKind.Password, change.Authentication);
    }

    [Theory]
    [InlineData(null, "email-smtp.us-east-1.amazonaws.com")]
    [InlineData("eu-west-1", "email-smtp.eu-west-1.amazonaws.com")]
    [InlineData("ap-southeast-2", "email-smtp.ap-southeast-2.amazonaws.com")]
    [InlineData("us-gov-west-1", "email-smtp.us-gov-west-1.amazonaws.com")]
    public void AmazonSES_uses_the_region(string? region, string server)
    {
        SmtpProfileChange change = Apply(ProviderPreset.AmazonSES, region);

        Assert.Equal(server, change.Server);
        Assert.Equal(587, change.Port);
        Assert.Equal(EncryptionMode.StartTls, change.Encryption);
        Assert.Equal(AuthenticationKind.Password, change.Authentication);
    }

    [Fact]
    public void Explicit_values_override_the_preset()
    {
        var given = new SmtpProfileChange("p")
        {
            Server = "smtp-legacy.office365.com",
            Port = 25,
            Encryption = EncryptionMode.None,
            Authentication = AuthenticationKind.None,
        };

        SmtpProfileChange change = Apply(ProviderPreset.Microsoft365, change: given);

        Assert.Equal("smtp-legacy.office365.com", change.Server);
        Assert.Equal(25, change.Port);
        Assert.Equal(EncryptionMode.None, change.Encryption);
        Assert.Equal(AuthenticationKind.None, change.Authentication);
    }

    [Fact]
    public void Explicit_port_alone_is_not_paired_with_starttls()
    {
        // -Port 465 alone: the store pairs it with implicit TLS; the preset must not force StartTls onto it.
        SmtpProfileChange change = Apply(ProviderPreset.Gmail, change: new SmtpProfileChange("p") { Port = 465 });

        Assert.Equal("smtp.gmail.com", change.Server);
        Assert.Equal(465, change.Port);
        Assert.Null(change.Encryption);
    }

    [Fact]
    public void Explicit_encryption_alone_is_not_paired_with_587()
    {
        SmtpProfileChange change = Apply(ProviderPreset.AmazonSES, "eu-west-1", new SmtpProfileChange("p") { Encryption = EncryptionMode.Ssl });

        Assert.Equal(EncryptionMode.Ssl, change.Encryption);
        Assert.Null(change.Port);
    }

    [Fact]
    public void Preset_with_explicit_port_saves_with_the_port_s_encryption()
    {
        using var temp = new TestSupport.TempStore();
        var change = new SmtpProfileChange("ses") { From = "alerts@example.com", Port = 465, UserName = "AKIAEXAMPLE", Password = OAuthKit.Secure("ses-smtp-password") };
        ProviderPresets.Apply(change, ProviderPreset.AmazonSES, "eu-west-1");

        SmtpConfiguration profile = temp.Store.Save(change).Configuration;

        Assert.Equal("email-smtp.eu-west-1.amazonaws.com", profile.Server);
        Assert.Equal(465, profile.Port);
        Assert.Equal(EncryptionMode.Ssl, profile.Encryption);
        Assert.Equal(AuthenticationKind.Password, profile.Authentication);
    }

    [Theory]
    [InlineData("eu-west")]
    [InlineData("EU-WEST-1")]
    [InlineData("eu-west-1.evil.example")]
    [InlineData("eu-west-1/")]
    [InlineData("")]
    [InlineData("eu west 1")]
    public void Bad_region_is_refused(string region)
    {
        SmtpConfigException ex = Assert.Throws<SmtpConfigException>(() => Apply(ProviderPreset.AmazonSES, region));

        Assert.Equal(ErrorIds.InvalidPreset, ex.ErrorId);
    }

    [Theory]
    [InlineData(ProviderPreset.Microsoft365)]
    [InlineData(ProviderPreset.Gmail)]
    public void Region_with_another_preset_is_refused(ProviderPreset preset)
    {
        var change = new SmtpProfileChange("p");

        SmtpConfigException ex = Assert.Throws<SmtpConfigException>(() => ProviderPresets.Apply(change, preset, "eu-west-1"));

        Assert.Equal(ErrorIds.InvalidPreset, ex.ErrorId);
        Assert.Null(change.Server);
    }
}
