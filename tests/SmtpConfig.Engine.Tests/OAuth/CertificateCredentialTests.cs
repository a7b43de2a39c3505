using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using SmtpConfig.Diagnostics;
using SmtpConfig.OAuth;
using SmtpConfig.Tests.Diagnostics;
using SmtpConfig.Tests.Fakes;
using SmtpConfig.Tests.TestSupport;
using Xunit;

namespace SmtpConfig.Tests.OAuth;

/// <summary>
/// The certificate credential of the client-credentials flow: a client assertion (JWT, RS256, x5t) signed with a PFX
/// file's key or a CurrentUser\My certificate's key, sent instead of a client secret; the store's rules for it.
/// </summary>
[Collection(OAuthTokenCacheGroup.Name)]
public sealed class CertificateCredentialTests : IDisposable
{
    private const string ProfileName = "M365-Cert";
    private const string PfxPasswordCanary = "PfxPassw0rd-4b7e~Canary_Zértifikat";
    private readonly TempStore _temp = new();

    public CertificateCredentialTests() => ClientCredentialTokenSource.Clear();

    public void Dispose()
    {
        ClientCredentialTokenSource.Clear();
        _temp.Dispose();
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /// <summary>A self-signed RSA-2048 certificate with its (exportable) private key.</summary>
    private static X509Certificate2 NewRsaCertificate(string subject = "CN=SmtpConfig test app")
    {
        using RSA rsa = RSA.Create(2048);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 NewEcdsaCertificate()
    {
        using ECDsa ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=SmtpConfig ECDSA app", ecdsa, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>Writes the certificate with its key as a password-protected PFX into the temp folder.</summary>
    private string WritePfx(X509Certificate2 certificate, string password = PfxPasswordCanary, string fileName = "app.pfx")
    {
        string path = Path.Combine(_temp.Root, fileName);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    private static SmtpProfileChange CertificateProfile(LoopbackSmtpServer? server, string authority, string? pfxPath = null, string? thumbprint = null, string? pfxPassword = PfxPasswordCanary) => new(ProfileName)
    {
        Server = server?.Host ?? "smtp.office365.com",
        Port = server?.Port ?? 587,
        Encryption = server is null ? EncryptionMode.StartTls : EncryptionMode.None,
        From = OAuthKit.Mailbox,
        Authentication = AuthenticationKind.OAuth2,
        OAuthTenantId = OAuthKit.Tenant,
        OAuthClientId = OAuthKit.ClientId,
        OAuthCertificatePath = pfxPath,
        OAuthCertificateThumbprint = thumbprint,
        OAuthCertificatePassword = pfxPath is null || pfxPassword is null ? null : OAuthKit.Secure(pfxPassword),
        OAuthAuthority = authority,
        TimeoutSec = 5,
    };

    private static SmtpProfileChange SecretProfile() => new(ProfileName)
    {
        Server = "smtp.office365.com",
        From = OAuthKit.Mailbox,
        Authentication = AuthenticationKind.OAuth2,
        OAuthTenantId = OAuthKit.Tenant,
        OAuthClientId = OAuthKit.ClientId,
        OAuthClientSecret = OAuthKit.Secure(OAuthKit.ClientSecretCanary),
    };

    private SmtpProbeRequest RequestFor(SmtpConfiguration profile) =>
        SmtpProbeRequest.ForProfile(profile, _temp.Store.ReadSecret(profile.Name));

    private static Task<SmtpConnectionTestResult> RunAsync(SmtpProbeRequest request) =>
        ProbeKit.OnOwnThread(() => ConnectionProbe.Run(request, CancellationToken.None));

    private static byte[] FromB64Url(string text)
    {
        string b64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '='));
    }

    /// <summary>Checks every claim and the signature of a client assertion made with <paramref name="certificate"/>.</summary>
    private static void AssertValidAssertion(string assertion, X509Certificate2 certificate, Uri tokenEndpoint)
    {
        string[] parts = assertion.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.All(parts, p => Assert.DoesNotMatch("[+/=]", p));

        using JsonDocument header = JsonDocument.Parse(FromB64Url(parts[0]));
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.RootElement.GetProperty("typ").GetString());
        Assert.Equal(OAuthKit.B64Url(certificate.GetCertHash()), header.RootElement.GetProperty("x5t").GetString());

        using JsonDocument payload = JsonDocument.Parse(FromB64Url(parts[1]));
        JsonElement claims = payload.RootElement;
        Assert.Equal(tokenEndpoint.AbsoluteUri, claims.GetProperty("aud").GetString());
        Assert.Equal(OAuthKit.ClientId, claims.GetProperty("iss").GetString());
        Assert.Equal(OAuthKit.ClientId, claims.GetProperty("sub").GetString());
        Assert.False(string.IsNullOrWhiteSpace(claims.GetProperty("jti").GetString()));
        long nbf = claims.GetProperty("nbf").GetInt64();
        long exp = claims.GetProperty("exp").GetInt64();
        Assert.Equal(600, exp - nbf);
        Assert.InRange(nbf, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());

        using RSA publicKey = certificate.GetRSAPublicKey()!;
        bool verified = publicKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromB64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Assert.True(verified, "the RS256 signature does not verify with the certificate's public key");
    }

    private static Uri TokenEndpointOf(FakeTokenEndpoint endpoint) => new($"{endpoint.Authority}/{Uri.EscapeDataString(OAuthKit.Tenant)}/oauth2/v2.0/token");

    private static void AssertAssertionForm(IReadOnlyDictionary<string, string> form)
    {
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal(OAuthKit.ClientId, form["client_id"]);
        Assert.Equal(OAuthSettings.DefaultScope, form["scope"]);
        Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", form["client_assertion_type"]);
        Assert.True(form.ContainsKey("client_assertion"), "no client_assertion was sent");
        Assert.False(form.ContainsKey("client_secret"), "a client_secret was sent with a certificate credential");
    }

    /// <summary>A certificate that cannot be used here is a local problem: the hint must be about the certificate, not the network.</summary>
    private static void AssertCertificateHint(SmtpConnectionTestResult result, string context)
    {
        Assert.DoesNotContain("could not be reached", result.Hint, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("proxy", result.Hint, StringComparison.OrdinalIgnoreCase);
        Assert.True(result.Hint!.Contains("certificate", StringComparison.OrdinalIgnoreCase), "the hint does not mention the certificate\n" + context + "\nHint: " + result.Hint);
    }

    /// <summary>Adds a copy of the certificate with a persisted private key to CurrentUser\My; dispose removes it.</summary>
    private sealed class UserStoreCertificate : IDisposable
    {
        public UserStoreCertificate(X509Certificate2 certificate)
        {
            // Through a PFX so the key is exportable and persisted: the Unix store keeps certificates as PFX files.
            byte[] pfx = certificate.Export(X509ContentType.Pfx, "transfer");
            Certificate = X509CertificateLoader.LoadPkcs12(pfx, "transfer", X509KeyStorageFlags.PersistKeySet | X509KeyStorageFlags.Exportable | X509KeyStorageFlags.UserKeySet);
            using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
            store.Open(OpenFlags.ReadWrite);
            store.Add(Certificate);
        }

        public X509Certificate2 Certificate { get; }

        public void Dispose()
        {
            try
            {
                using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
                store.Open(OpenFlags.ReadWrite);
                store.Remove(Certificate);
            }
            finally
            {
                Certificate.Dispose();
            }
        }
    }

    // ---- the flow ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Pfx_profile_sends_a_signed_client_assertion_and_no_secret_and_the_token_goes_to_the_server()
    {
        using X509Certificate2 certificate = NewRsaCertificate();
        string pfx = WritePfx(certificate);
        using var endpoint = new FakeTokenEndpoint();
        SmtpDialogue ok = SmtpDialogue.FromResource("oauth-xoauth2-ok.smtp");
        await using var server = new LoopbackSmtpServer(new[] { ok, ok });
        SmtpConfiguration profile = _temp.Store.Save(CertificateProfile(server, endpoint.Authority, pfxPath: pfx)).Configuration;
        Assert.Equal(pfx, profile.OAuthCertificatePath);
        Assert.True(profile.HasSecret);
        int fetches = ClientCredentialTokenSource.FetchCount;

        SmtpConnectionTestResult first = await RunAsync(RequestFor(profile));
        SmtpConnectionTestResult second = await RunAsync(RequestFor(profile));
        await server.Completion.WaitAsync(ProbeKit.Patience);

        ProbeKit.AssertSucceeded(first);
        ProbeKit.AssertSucceeded(second);
        Assert.True(first.Authenticated);
        Assert.Empty(server.Mismatches);
        Assert.Equal(1, endpoint.Hits); // the second run took the cached token
        Assert.Equal(fetches + 1, ClientCredentialTokenSource.FetchCount);
        Assert.Equal($"POST /{OAuthKit.Tenant}/oauth2/v2.0/token", Assert.Single(endpoint.Paths));
        IReadOnlyDictionary<string, string> form = Assert.Single(endpoint.Forms);
        AssertAssertionForm(form);
        AssertValidAssertion(form["client_assertion"], certificate, TokenEndpointOf(endpoint));

        string token = Assert.Single(endpoint.Issued);
        Assert.Equal(new[] { OAuthKit.XOAuth2Blob(OAuthKit.Mailbox, token), OAuthKit.XOAuth2Blob(OAuthKit.Mailbox, token) }, OAuthKit.XOAuth2Sent(server));

        var texts = new Dictionary<string, string?>();
        foreach ((string key, string? value) in OAuthKit.Texts(first))
        {
            texts["first " + key] = value;
        }

        foreach ((string key, string? value) in OAuthKit.Texts(second))
        {
            texts["second " + key] = value;
        }

        texts["form"] = string.Join("&", form.Select(kv => kv.Key + "=" + kv.Value));
        OAuthKit.AssertNoSecret(texts, PfxPasswordCanary);
    }

    [Fact]
    public async Task Store_certificate_by_thumbprint_signs_the_assertion_with_its_key()
    {
        using X509Certificate2 generated = NewRsaCertificate("CN=SmtpConfig store test " + Guid.NewGuid().ToString("N"));
        using var inStore = new UserStoreCertificate(generated);
        using var endpoint = new FakeTokenEndpoint();
        await using LoopbackSmtpServer server = ProbeKit.Server("oauth-xoauth2-ok.smtp");
        SmtpConfiguration profile = _temp.Store.Save(CertificateProfile(server, endpoint.Authority, thumbprint: generated.Thumbprint.ToLowerInvariant())).Configuration;
        Assert.Equal(generated.Thumbprint, profile.OAuthCertificateThumbprint);
        Assert.Null(profile.OAuthCertificatePath);
        Assert.False(profile.HasSecret);

        SmtpConnectionTestResult result = await RunAsync(RequestFor(profile));
        await server.Completion.WaitAsync(ProbeKit.Patience);

        ProbeKit.AssertSucceeded(result);
        Assert.Empty(server.Mismatches);
        IReadOnlyDictionary<string, string> form = Assert.Single(endpoint.Forms);
        AssertAssertionForm(form);
        AssertValidAssertion(form["client_assertion"], generated, TokenEndpointOf(endpoint));
        Assert.Equal(OAuthKit.XOAuth2Blob(OAuthKit.Mailbox, Assert.Single(endpoint.Issued)), Assert.Single(OAuthKit.XOAuth2Sent(server)));
    }

    [Fact]
    public async Task Store_certificate_by_sha256_thumbprint_is_found_since_the_store_accepts_that_form()
    {
        // The store accepts a 64-digit (SHA-256) OAuthCertificateThumbprint; the lookup in CurrentUser\My must then find it.
        using X509Certificate2 generated = NewRsaCertificate("CN=SmtpConfig sha256 test " + Guid.NewGuid().ToString("N"));
        using var inStore = new UserStoreCertificate(generated);
        using var endpoint = new FakeTokenEndpoint();
        await using LoopbackSmtpServer server = ProbeKit.Server("oauth-xoauth2-ok.smtp");
        string sha256 = generated.GetCertHashString(HashAlgorithmName.SHA256);
        SmtpConfiguration profile = _temp.Store.Save(CertificateProfile(server, endpoint.Authority, thumbprint: sha256)).Configuration;
        Assert.Equal(sha256, profile.OAuthCertificateThumbprint);

        SmtpConnectionTestResult result = await RunAsync(RequestFor(profile));
        await server.Completion.WaitAsync(ProbeKit.Patience);

        ProbeKit.AssertSucceeded(result);
        AssertValidAssertion(Assert.Single(endpoint.Forms)["client_assertion"], generated, TokenEndpointOf(endpoint));
    }

    // ---- failures ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Wrong_pfx_password_fails_at_authenticate_saying_the_file_cannot_be_opened()
    {
        using X509Certificate2 certificate = NewRsaCertificate();
        string pfx = WritePfx(certificate, password: "the-real-password");
        using var endpoint = new FakeTokenEndpoint();
        await using LoopbackSmtpServer server = ProbeKit.Server("oauth-xoauth2-token-error.smtp");
        SmtpConfiguration profile = _temp.Store.Save(CertificateProfile(server, endpoint.Authority, pfxPath: pfx)).Configuration;

        SmtpConnectionTestResult result = await RunAsync(RequestFor(profile));

        string context = OAuthKit.Describe(result);
        Assert.False(result.Succeeded, context);
        Assert.Equal(SmtpStage.Authenticate, result.FailedStage);
        Assert.Contains("cannot be opened", result.Error, StringComparison.Ordinal);
        Assert.Contains(pfx, result.Error, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(result.Hint), context);
        AssertCertificateHint(result, context);
        Assert.Equal(0, endpoint.Hits);
        Assert.DoesNotContain("AUTH XOAUTH2", server.ClientText, StringComparison.Ordinal);
        OAuthKit.AssertNoSecret(OAuthKit.Texts(result), PfxPasswordCanary);
    }

    [Fact]
    public async Task Thumbprint_not_in_the_store_fails_at_authenticate_naming_CurrentUser_My()
    {
        string thumbprint = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        using var endpoint = new FakeTokenEndpoint();
        await using LoopbackSmtpServer server = ProbeKit.Server("oauth-xoauth2-token-error.smtp");
        SmtpConfiguration profile = _temp.Store.Save(CertificateProfile(server, endpoint.Authority, thumbprint: thumbprint)).Configuration;

        SmtpConnectionTestResult result = await RunAsync(RequestFor(profile));

        string context = OAuthKit.Describe(result);
        Assert.Equal(SmtpStage.Authenticate, result.FailedStage);
        Assert.Contains(@"CurrentUser\My", result.Error, StringComparison.Ordinal);
        Assert.Contains(thumbprint, result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrWhiteSpace(result.Hint), context);
        AssertCertificateHint(result, context);
        Assert.Equal(0, endpoint.Hits);
    }

    [Fact]
    public async Task Ecdsa_certificate_fails_at_authenticate_saying_RS256_needs_RSA()
    {
        using X509Certificate2 certificate = NewEcdsaCertificate();
        string pfx = WritePfx(certificate, fileName: "ecdsa.pfx");
        using var endpoint = new FakeTokenEndpoint();
        await using LoopbackSmtpServer server = ProbeKit.Server("oauth-xoauth2-token-error.smtp");
        SmtpConfiguration profile = _temp.Store.Save(CertificateProfile(server, endpoint.Authority, pfxPath: pfx)).Configuration;

        SmtpConnectionTestResult result = await RunAsync(RequestFor(profile));

        string context = OAuthKit.Describe(result);
        Assert.Equal(SmtpStage.Authenticate, result.FailedStage);
        Assert.Contains("RS256", result.Error, StringComparison.Ordinal);
        Assert.Contains("RSA", result.Error, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(result.Hint), context);
        AssertCertificateHint(result, context);
        Assert.Equal(0, endpoint.Hits);
        OAuthKit.AssertNoSecret(OAuthKit.Texts(result), PfxPasswordCanary);
    }

    [Fact]
    public async Task Assertion_refused_by_the_endpoint_hints_to_upload_the_certificate_to_the_app_registration()
    {
        const string body = "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS700027: Client assertion failed signature validation.\"}";
        using X509Certificate2 certificate = NewRsaCertificate();
        string pfx = WritePfx(certificate);
        using var endpoint = new FakeTokenEndpoint { Failure = (401, body) };
        await using LoopbackSmtpServer server = ProbeKit.Server("oauth-xoauth2-token-error.smtp");
        SmtpConfiguration profile = _temp.Store.Save(CertificateProfile(server, endpoint.Authority, pfxPath: pfx)).Configuration;

        SmtpConnectionTestResult result = await RunAsync(RequestFor(profile));

        string context = OAuthKit.Describe(result) + "\nHint: " + result.Hint;
        Assert.Equal(SmtpStage.Authenticate, result.FailedStage);
        Assert.Equal(1, endpoint.Hits);
        Assert.Contains("AADSTS700027", result.Error, StringComparison.Ordinal);
        Assert.Contains("invalid_client", result.Error, StringComparison.Ordinal);
        // Not the client-secret advice: this profile has no client secret.
        Assert.DoesNotContain("client secret", result.Hint, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("upload", result.Hint, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("certificate", result.Hint, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("app registration", result.Hint, StringComparison.OrdinalIgnoreCase);
        _ = context;
        OAuthKit.AssertNoSecret(OAuthKit.Texts(result), PfxPasswordCanary);
    }

    [Fact]
    public void Assertion_refusal_hint_does_not_depend_on_the_error_code_order()
    {
        // The same refusal as the endpoint test, straight into the diagnosis: AADSTS700027 comes with error invalid_client.
        var ex = new OAuthTokenException("refused", "invalid_client", "AADSTS700027: Client assertion failed signature validation.", 401);

        string hint = OAuthDiagnosis.HintForTokenError(ex, usesCertificate: false);

        Assert.Contains("upload", hint, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("app registration", hint, StringComparison.OrdinalIgnoreCase);
    }

    // ---- store rules ---------------------------------------------------------------------------------------------

    [Fact]
    public void Secret_and_certificate_together_are_refused_before_anything_is_written()
    {
        using X509Certificate2 certificate = NewRsaCertificate();
        string pfx = WritePfx(certificate);
        SmtpProfileChange withThumbprint = CertificateProfile(null, OAuthSettings.DefaultAuthority, thumbprint: certificate.Thumbprint);
        withThumbprint.OAuthClientSecret = OAuthKit.Secure(OAuthKit.ClientSecretCanary);
        SmtpProfileChange withPath = CertificateProfile(null, OAuthSettings.DefaultAuthority, pfxPath: pfx);
        withPath.OAuthClientSecret = OAuthKit.Secure(OAuthKit.ClientSecretCanary);

        StoreAssert.FailsWithoutWriting(_temp, ErrorIds.InvalidOAuthSettings, () => _temp.Store.Save(withThumbprint));
        StoreAssert.FailsWithoutWriting(_temp, ErrorIds.InvalidOAuthSettings, () => _temp.Store.Save(withPath));
        Assert.Null(_temp.Store.Find(ProfileName));

        // Also on an existing secret profile: both at once is refused and the profile is left as it was.
        _temp.Store.Save(SecretProfile());
        SmtpProfileChange both = new(ProfileName) { OAuthClientSecret = OAuthKit.Secure("other-secret-value"), OAuthCertificateThumbprint = certificate.Thumbprint };
        StoreAssert.FailsWithoutWriting(_temp, ErrorIds.InvalidOAuthSettings, () => _temp.Store.Save(both));
        Assert.Equal(OAuthKit.ClientSecretCanary, TempStore.Reveal(_temp.Store.ReadSecret(ProfileName)));
    }

    [Fact]
    public void Thumbprint_and_path_together_are_refused_before_anything_is_written()
    {
        using X509Certificate2 certificate = NewRsaCertificate();
        string pfx = WritePfx(certificate);
        SmtpProfileChange change = CertificateProfile(null, OAuthSettings.DefaultAuthority, pfxPath: pfx, thumbprint: certificate.Thumbprint);

        SmtpConfigException ex = StoreAssert.FailsWithoutWriting(_temp, ErrorIds.InvalidOAuthSettings, () => _temp.Store.Save(change));

        Assert.Contains("thumbprint", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Null(_temp.Store.Find(ProfileName));
    }

    [Fact]
    public void Missing_pfx_path_is_refused_before_anything_is_written()
    {
        string missing = Path.Combine(_temp.Root, "no-such-folder", "app.pfx");
        SmtpProfileChange change = CertificateProfile(null, OAuthSettings.DefaultAuthority, pfxPath: missing);

        SmtpConfigException ex = StoreAssert.FailsWithoutWriting(_temp, ErrorIds.InvalidOAuthSettings, () => _temp.Store.Save(change));

        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_temp.StoreDir), "the store folder was created for a refused change");
        SmtpProfileChange preview = CertificateProfile(null, OAuthSettings.DefaultAuthority, pfxPath: missing);
        Assert.Equal(ErrorIds.InvalidOAuthSettings, Assert.Throws<SmtpConfigException>(() => _temp.Store.Preview(preview)).ErrorId);
    }

    [Fact]
    public void Invalid_thumbprint_is_refused()
    {
        SmtpProfileChange change = CertificateProfile(null, OAuthSettings.DefaultAuthority, thumbprint: "xyz");

        StoreAssert.FailsWithoutWriting(_temp, ErrorIds.InvalidCertificateThumbprint, () => _temp.Store.Save(change));
    }

    [Fact]
    public void Switching_between_secret_store_certificate_and_pfx_replaces_the_other_credential()
    {
        using X509Certificate2 certificate = NewRsaCertificate();
        string pfx = WritePfx(certificate);
        SmtpConfiguration asSecret = _temp.Store.Save(SecretProfile()).Configuration;
        Assert.True(asSecret.HasSecret);
        Assert.Null(asSecret.OAuthCertificateThumbprint);

        // Secret -> store certificate: the secret is gone (a store certificate has no password).
        SmtpConfiguration asThumbprint = _temp.Store.Save(new SmtpProfileChange(ProfileName) { OAuthCertificateThumbprint = certificate.Thumbprint }).Configuration;
        Assert.Equal(AuthenticationKind.OAuth2, asThumbprint.Authentication);
        Assert.Equal(certificate.Thumbprint, asThumbprint.OAuthCertificateThumbprint);
        Assert.Null(asThumbprint.OAuthCertificatePath);
        Assert.False(asThumbprint.HasSecret);
        Assert.Null(_temp.Store.ReadSecret(ProfileName));
        Assert.Equal(OAuthKit.ClientId, asThumbprint.OAuthClientId);
        OAuthKit.AssertNoSecret(OAuthKit.FileTexts(_temp.StoreDir), OAuthKit.ClientSecretCanary);

        // A change that is not about the credential keeps the certificate.
        SmtpConfiguration rescoped = _temp.Store.Save(new SmtpProfileChange(ProfileName) { OAuthScope = "https://outlook.office.com/.default" }).Configuration;
        Assert.Equal(certificate.Thumbprint, rescoped.OAuthCertificateThumbprint);
        Assert.False(rescoped.HasSecret);

        // Store certificate -> PFX: the thumbprint is gone, the PFX password is the secret.
        SmtpConfiguration asPfx = _temp.Store.Save(new SmtpProfileChange(ProfileName) { OAuthCertificatePath = pfx, OAuthCertificatePassword = OAuthKit.Secure(PfxPasswordCanary) }).Configuration;
        Assert.Null(asPfx.OAuthCertificateThumbprint);
        Assert.Equal(pfx, asPfx.OAuthCertificatePath);
        Assert.True(asPfx.HasSecret);
        Assert.Equal(PfxPasswordCanary, TempStore.Reveal(_temp.Store.ReadSecret(ProfileName)));

        // PFX -> secret: certificate fields and the PFX password are gone.
        SmtpConfiguration back = _temp.Store.Save(new SmtpProfileChange(ProfileName) { OAuthClientSecret = OAuthKit.Secure("Back-to-a-secret-value") }).Configuration;
        Assert.Null(back.OAuthCertificateThumbprint);
        Assert.Null(back.OAuthCertificatePath);
        Assert.True(back.HasSecret);
        Assert.Equal("Back-to-a-secret-value", TempStore.Reveal(_temp.Store.ReadSecret(ProfileName)));
        OAuthKit.AssertNoSecret(OAuthKit.FileTexts(_temp.StoreDir), PfxPasswordCanary);

        // Secret -> store certificate again, then back to a secret.
        Assert.False(_temp.Store.Save(new SmtpProfileChange(ProfileName) { OAuthCertificateThumbprint = certificate.Thumbprint }).Configuration.HasSecret);
        SmtpConfiguration again = _temp.Store.Save(new SmtpProfileChange(ProfileName) { OAuthClientSecret = OAuthKit.Secure(OAuthKit.ClientSecretCanary) }).Configuration;
        Assert.True(again.HasSecret);
        Assert.Null(again.OAuthCertificateThumbprint);
        Assert.Equal(OAuthKit.ClientSecretCanary, TempStore.Reveal(_temp.Store.ReadSecret(ProfileName)));
    }

    [Fact]
    public void Configuration_shows_certificate_fields_normalised_and_survives_a_reopen()
    {
        using X509Certificate2 certificate = NewRsaCertificate();
        string pfx = WritePfx(certificate);
        string colonLower = string.Join(":", Enumerable.Range(0, 20).Select(i => certificate.Thumbprint.Substring(i * 2, 2))).ToLowerInvariant();

        _temp.Store.Save(CertificateProfile(null, OAuthSettings.DefaultAuthority, thumbprint: colonLower));
        SmtpConfiguration byThumbprint = _temp.Reopen().Find(ProfileName)!;
        Assert.Equal(certificate.Thumbprint, byThumbprint.OAuthCertificateThumbprint);
        Assert.Null(byThumbprint.OAuthCertificatePath);

        _temp.Store.Remove(ProfileName);
        SmtpProfileChange relative = CertificateProfile(null, OAuthSettings.DefaultAuthority, pfxPath: pfx);
        _temp.Store.Save(relative);
        SmtpConfiguration byPath = _temp.Reopen().Find(ProfileName)!;
        Assert.Equal(Path.GetFullPath(pfx), byPath.OAuthCertificatePath);
        Assert.Null(byPath.OAuthCertificateThumbprint);
        Assert.True(byPath.HasSecret);

        PropertyInfo[] properties = typeof(SmtpConfiguration).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        Assert.Contains(properties, p => p.Name == nameof(SmtpConfiguration.OAuthCertificateThumbprint));
        Assert.Contains(properties, p => p.Name == nameof(SmtpConfiguration.OAuthCertificatePath));
        Assert.DoesNotContain(properties, p => p.Name.Contains("Password", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Canary_sweep_pfx_password_never_reaches_store_files_profile_or_results()
    {
        using X509Certificate2 certificate = NewRsaCertificate();
        string pfx = WritePfx(certificate);
        using var endpoint = new FakeTokenEndpoint();
        await using LoopbackSmtpServer server = ProbeKit.Server("oauth-xoauth2-ok.smtp");
        SmtpConfiguration profile = _temp.Store.Save(CertificateProfile(server, endpoint.Authority, pfxPath: pfx)).Configuration;
        Assert.Equal(PfxPasswordCanary, TempStore.Reveal(_temp.Store.ReadSecret(ProfileName)));

        SmtpConnectionTestResult result = await RunAsync(RequestFor(profile));
        await server.Completion.WaitAsync(ProbeKit.Patience);
        ProbeKit.AssertSucceeded(result);

        var texts = new Dictionary<string, string?>(OAuthKit.FileTexts(_temp.StoreDir));
        Assert.Contains(texts.Keys, k => k.Contains(SmtpConfigurationStore.StoreFileName, StringComparison.Ordinal));
        foreach ((string key, string? value) in OAuthKit.Texts(result))
        {
            texts["result " + key] = value;
        }

        SmtpConfiguration found = _temp.Store.Find(ProfileName)!;
        foreach (PropertyInfo property in typeof(SmtpConfiguration).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            texts["profile." + property.Name] = property.GetValue(found)?.ToString();
        }

        texts["profile"] = found.ToString();
        texts["endpoint form"] = string.Join("&", Assert.Single(endpoint.Forms).Select(kv => kv.Key + "=" + kv.Value));
        texts["smtp client"] = server.ClientText;
        OAuthKit.AssertNoSecret(texts, PfxPasswordCanary);
    }
}
