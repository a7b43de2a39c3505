using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Security;
using SmtpConfig.Tests.TestSupport;
using Xunit;

namespace SmtpConfig.Tests.OAuth;

/// <summary>What the store accepts for OAuth2 profiles, what it refuses before writing, and what it shows.</summary>
public sealed class OAuthStoreRuleTests : IDisposable
{
    private const string Name = "M365";
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private static SmtpProfileChange OAuthProfile(string name = Name) => new(name)
    {
        Server = "smtp.office365.com",
        From = OAuthKit.Mailbox,
        Authentication = AuthenticationKind.OAuth2,
        OAuthTenantId = OAuthKit.Tenant,
        OAuthClientId = OAuthKit.ClientId,
        OAuthClientSecret = OAuthKit.Secure(OAuthKit.ClientSecretCanary),
    };

    [Fact]
    public void OAuth2_profile_is_saved_with_defaults_and_shows_everything_but_the_secret()
    {
        SmtpConfiguration profile = _temp.Store.Save(OAuthProfile()).Configuration;

        Assert.Equal(AuthenticationKind.OAuth2, profile.Authentication);
        Assert.Equal(OAuthKit.Tenant, profile.OAuthTenantId);
        Assert.Equal(OAuthKit.ClientId, profile.OAuthClientId);
        Assert.Equal(OAuthSettings.DefaultScope, profile.OAuthScope);
        Assert.Equal("https://outlook.office365.com/.default", profile.OAuthScope);
        Assert.Equal(OAuthSettings.DefaultAuthority, profile.OAuthAuthority);
        Assert.True(profile.HasSecret);
        Assert.Equal(OAuthKit.ClientSecretCanary, TempStore.Reveal(_temp.Store.ReadSecret(Name)));

        SmtpConfiguration found = _temp.Store.Find(Name)!;
        Assert.Equal(OAuthKit.Tenant, found.OAuthTenantId);
        Assert.Equal(OAuthKit.ClientId, found.OAuthClientId);
        Assert.True(found.HasSecret);
        Assert.Contains(OAuthKit.ClientId, found.ToString(), StringComparison.Ordinal);

        PropertyInfo[] properties = typeof(SmtpConfiguration).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        Assert.DoesNotContain(properties, p => p.PropertyType == typeof(SecureString) || p.PropertyType == typeof(byte[]));
        Assert.DoesNotContain(properties, p => p.Name.Contains("Secret", StringComparison.OrdinalIgnoreCase) && p.Name != nameof(SmtpConfiguration.HasSecret));
        var texts = properties.ToDictionary(p => p.Name, p => p.GetValue(found)?.ToString());
        texts["ToString()"] = found.ToString();
        OAuthKit.AssertNoSecret(texts, OAuthKit.ClientSecretCanary);
        OAuthKit.AssertNoSecret(OAuthKit.FileTexts(_temp.StoreDir), OAuthKit.ClientSecretCanary);
    }

    [Fact]
    public void OAuth2_profile_keeps_a_custom_scope_and_a_loopback_http_authority()
    {
        SmtpProfileChange change = OAuthProfile();
        change.OAuthScope = "https://outlook.office.com/.default";
        change.OAuthAuthority = "http://127.0.0.1:8400/";

        SmtpConfiguration profile = _temp.Store.Save(change).Configuration;

        Assert.Equal("https://outlook.office.com/.default", profile.OAuthScope);
        Assert.Equal("http://127.0.0.1:8400", profile.OAuthAuthority);
    }

    [Theory]
    [InlineData("tenant")]
    [InlineData("client")]
    [InlineData("secret")]
    [InlineData("all")]
    public void OAuth2_needs_tenant_client_id_and_secret(string missing)
    {
        SmtpProfileChange change = OAuthProfile();
        if (missing is "tenant" or "all")
        {
            change.OAuthTenantId = null;
        }

        if (missing is "client" or "all")
        {
            change.OAuthClientId = null;
        }

        if (missing is "secret" or "all")
        {
            change.OAuthClientSecret = null;
        }

        StoreAssert.FailsWithoutWriting(_temp, ErrorIds.InvalidOAuthSettings, () => _temp.Store.Save(change));
        Assert.Null(_temp.Store.Find(Name));
    }

    [Fact]
    public void OAuth_fields_without_authentication_mean_OAuth2_and_need_all_parts()
    {
        var change = new SmtpProfileChange(Name) { Server = "smtp.office365.com", From = OAuthKit.Mailbox, OAuthClientId = OAuthKit.ClientId };

        StoreAssert.FailsWithoutWriting(_temp, ErrorIds.InvalidOAuthSettings, () => _temp.Store.Save(change));
    }

    [Theory]
    [InlineData("http://login.microsoftonline.com")]
    [InlineData("http://10.0.0.5:8080")]
    [InlineData("http://localhost.evil.example")]
    [InlineData("http://127.0.0.1.nip.io")]
    public void Plain_http_authority_to_another_host_is_refused_before_anything_is_written(string authority)
    {
        SmtpProfileChange change = OAuthProfile();
        change.OAuthAuthority = authority;

        StoreAssert.FailsWithoutWriting(_temp, ErrorIds.OAuthAuthorityInsecure, () => _temp.Store.Save(change));
        Assert.False(Directory.Exists(_temp.StoreDir), "the store folder was created for a refused change");
    }

    [Fact]
    public void Plain_http_authority_on_an_existing_profile_leaves_the_file_untouched()
    {
        _temp.Store.Save(OAuthProfile());
        var change = new SmtpProfileChange(Name) { OAuthAuthority = "http://login.example.com" };

        StoreAssert.FailsWithoutWriting(_temp, ErrorIds.OAuthAuthorityInsecure, () => _temp.Store.Save(change));
        Assert.Equal(OAuthSettings.DefaultAuthority, _temp.Store.Find(Name)!.OAuthAuthority);
    }

    [Theory]
    [InlineData("ftp://login.example.com")]
    [InlineData("login.microsoftonline.com")]
    public void Authority_that_is_not_an_http_uri_is_refused(string authority)
    {
        SmtpProfileChange change = OAuthProfile();
        change.OAuthAuthority = authority;

        StoreAssert.FailsWithoutWriting(_temp, ErrorIds.InvalidOAuthSettings, () => _temp.Store.Save(change));
    }

    [Fact]
    public void Password_with_OAuth2_is_refused()
    {
        SmtpProfileChange change = OAuthProfile();
        change.UserName = OAuthKit.Mailbox;
        change.Password = OAuthKit.Secure("a-password-value");

        StoreAssert.FailsWithoutWriting(_temp, ErrorIds.InvalidOAuthSettings, () => _temp.Store.Save(change));
    }

    [Fact]
    public void Password_with_OAuth_fields_and_no_authentication_is_refused()
    {
        SmtpProfileChange change = OAuthProfile();
        change.Authentication = null;
        change.UserName = OAuthKit.Mailbox;
        change.Password = OAuthKit.Secure("a-password-value");

        StoreAssert.FailsWithoutWriting(_temp, ErrorIds.InvalidOAuthSettings, () => _temp.Store.Save(change));
    }

    [Fact]
    public void OAuth_fields_with_authentication_password_are_refused()
    {
        var change = new SmtpProfileChange(Name)
        {
            Server = "smtp.office365.com",
            From = OAuthKit.Mailbox,
            Authentication = AuthenticationKind.Password,
            UserName = OAuthKit.Mailbox,
            Password = OAuthKit.Secure("a-password-value"),
            OAuthTenantId = OAuthKit.Tenant,
        };

        StoreAssert.FailsWithoutWriting(_temp, ErrorIds.InvalidOAuthSettings, () => _temp.Store.Save(change));
    }

    [Fact]
    public void Switching_an_OAuth2_profile_to_a_password_clears_the_OAuth_fields()
    {
        _temp.Store.Save(OAuthProfile());

        SmtpConfiguration profile = _temp.Store.Save(new SmtpProfileChange(Name)
        {
            Authentication = AuthenticationKind.Password,
            UserName = "relay-user",
            Password = OAuthKit.Secure("Relay-password-123"),
        }).Configuration;

        Assert.Equal(AuthenticationKind.Password, profile.Authentication);
        Assert.Equal("relay-user", profile.UserName);
        Assert.Null(profile.OAuthTenantId);
        Assert.Null(profile.OAuthClientId);
        Assert.Null(profile.OAuthScope);
        Assert.Null(profile.OAuthAuthority);
        Assert.True(profile.HasSecret);
        Assert.Equal("Relay-password-123", TempStore.Reveal(_temp.Store.ReadSecret(Name)));
        SmtpConfiguration reread = _temp.Reopen().Find(Name)!;
        Assert.Null(reread.OAuthTenantId);
        Assert.Null(reread.OAuthClientId);
        Assert.Equal(AuthenticationKind.Password, reread.Authentication);
        OAuthKit.AssertNoSecret(OAuthKit.FileTexts(_temp.StoreDir), OAuthKit.ClientSecretCanary);
    }

    [Fact]
    public void Giving_only_a_password_to_an_OAuth2_profile_switches_it_to_password()
    {
        _temp.Store.Save(OAuthProfile());

        SmtpConfiguration profile = _temp.Store.Save(new SmtpProfileChange(Name)
        {
            UserName = "relay-user",
            Password = OAuthKit.Secure("Relay-password-123"),
        }).Configuration;

        Assert.Equal(AuthenticationKind.Password, profile.Authentication);
        Assert.Null(profile.OAuthClientId);
        Assert.Equal("Relay-password-123", TempStore.Reveal(_temp.Store.ReadSecret(Name)));
    }

    [Fact]
    public void Removing_the_credential_of_an_OAuth2_profile_clears_secret_and_OAuth_fields()
    {
        _temp.Store.Save(OAuthProfile());

        SmtpConfiguration profile = _temp.Store.Save(new SmtpProfileChange(Name) { RemoveCredential = true }).Configuration;

        Assert.Equal(AuthenticationKind.None, profile.Authentication);
        Assert.False(profile.HasSecret);
        Assert.Null(profile.OAuthClientId);
        Assert.Null(profile.OAuthTenantId);
        Assert.Null(_temp.Store.ReadSecret(Name));
    }

    [Fact]
    public void Unrelated_change_keeps_the_OAuth2_settings_and_secret()
    {
        _temp.Store.Save(OAuthProfile());

        SmtpConfiguration profile = _temp.Store.Save(new SmtpProfileChange(Name) { TimeoutSec = 20 }).Configuration;

        Assert.Equal(AuthenticationKind.OAuth2, profile.Authentication);
        Assert.Equal(OAuthKit.ClientId, profile.OAuthClientId);
        Assert.Equal(20, profile.TimeoutSec);
        Assert.Equal(OAuthKit.ClientSecretCanary, TempStore.Reveal(_temp.Store.ReadSecret(Name)));
    }

    [Fact]
    public void Rotating_the_client_secret_keeps_tenant_and_client()
    {
        _temp.Store.Save(OAuthProfile());

        SmtpSaveResult saved = _temp.Store.Save(new SmtpProfileChange(Name) { OAuthClientSecret = OAuthKit.Secure("Rotated-secret-value-2") });

        Assert.True(saved.Changed);
        Assert.Equal(OAuthKit.Tenant, saved.Configuration.OAuthTenantId);
        Assert.Equal(OAuthKit.ClientId, saved.Configuration.OAuthClientId);
        Assert.Equal("Rotated-secret-value-2", TempStore.Reveal(_temp.Store.ReadSecret(Name)));
    }

    [Fact]
    public void Probe_request_for_an_OAuth2_profile_carries_the_flow_not_a_password()
    {
        SmtpConfiguration profile = _temp.Store.Save(OAuthProfile()).Configuration;

        SmtpProbeRequest request = SmtpProbeRequest.ForProfile(profile, _temp.Store.ReadSecret(Name));

        Assert.NotNull(request.OAuth);
        Assert.Equal(OAuthKit.Tenant, request.OAuth!.TenantId);
        Assert.Equal(OAuthKit.ClientId, request.OAuth.ClientId);
        Assert.Equal(new Uri($"https://login.microsoftonline.com/{OAuthKit.Tenant}/oauth2/v2.0/token"), request.OAuth.TokenEndpoint);
        Assert.Equal(OAuthKit.ClientSecretCanary, TempStore.Reveal(request.OAuthClientSecret));
        Assert.Null(request.Password);
        Assert.Null(request.UserName);
        Assert.Equal(OAuthKit.Mailbox, request.OAuthUserName);
    }
}
