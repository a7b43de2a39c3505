using System;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using SmtpConfig.Tests.Fakes;
using Xunit;
using static SmtpConfig.Tests.Diagnostics.ProbeKit;

namespace SmtpConfig.Tests.Diagnostics;

/// <summary>Strict validation by default, a specific reason for each refusal, -SkipCertificateCheck and pinning.</summary>
public sealed class ProbeCertificateTests
{
    private static readonly Lazy<X509Certificate2> Expired = new(() => TestCertificates.CreateExpired());
    private static readonly Lazy<X509Certificate2> NotYetValid = new(() => TestCertificates.CreateNotYetValid());
    private static readonly Lazy<X509Certificate2> WrongName = new(() => TestCertificates.CreateWrongName("mail.wrong.example"));
    private static readonly Lazy<X509Certificate2> Authority = new(() => TestCertificates.CreateAuthority("SmtpConfig Untrusted Test CA"));
    private static readonly Lazy<X509Certificate2> SignedByUntrusted = new(() => TestCertificates.CreateSigned(Authority.Value));
    private static readonly Lazy<X509Certificate2> LongLived = new(() => TestCertificates.CreateSelfSigned(notAfter: DateTimeOffset.UtcNow.AddDays(120)));
    private static readonly Lazy<X509Certificate2> ExpiringSoon = new(() => TestCertificates.CreateSelfSigned(notAfter: DateTimeOffset.UtcNow.AddDays(10).AddHours(12)));

    [Fact]
    public async Task Expired_FailsAtTls_SaysExpired()
    {
        SmtpConnectionTestResult result = await ImplicitTls(Expired.Value, _ => { });

        AssertCertificateRefused(result, Expired.Value, SmtpStage.Tls);
        Assert.Contains("expired on " + Expired.Value.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), result.Error, StringComparison.Ordinal);
        Assert.Contains("renew", result.Hint, StringComparison.Ordinal);
        Assert.True(result.Certificate!.DaysUntilExpiry < 0);
    }

    [Fact]
    public async Task NotYetValid_FailsAtTls_SaysNotValidBefore()
    {
        SmtpConnectionTestResult result = await ImplicitTls(NotYetValid.Value, _ => { });

        AssertCertificateRefused(result, NotYetValid.Value, SmtpStage.Tls);
        Assert.Contains("not valid before", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("expired", result.Error, StringComparison.Ordinal);
        Assert.Contains("clock", result.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongName_FailsAtTls_NamesTheCertificatesNames()
    {
        SmtpConnectionTestResult result = await ImplicitTls(WrongName.Value, _ => { });

        AssertCertificateRefused(result, WrongName.Value, SmtpStage.Tls);
        Assert.Contains("mail.wrong.example", result.Error, StringComparison.Ordinal);
        Assert.Contains("'127.0.0.1'", result.Error, StringComparison.Ordinal);
        Assert.Contains("mail.wrong.example", result.Hint, StringComparison.Ordinal);
        Assert.Equal(new[] { "mail.wrong.example" }, result.Certificate!.SubjectAlternativeNames);
    }

    [Fact]
    public async Task SelfSigned_NotPinned_FailsAtTls_Untrusted_NotANameProblem()
    {
        SmtpConnectionTestResult result = await ImplicitTls(TestCertificates.Localhost, _ => { });

        AssertCertificateRefused(result, TestCertificates.Localhost, SmtpStage.Tls);
        Assert.Contains("does not trust", result.Error, StringComparison.Ordinal);
        Assert.Contains("CN=localhost", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("issued for", result.Error, StringComparison.Ordinal);
        Assert.Contains("-CertificateThumbprint", result.Hint, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", result.Certificate!.SubjectAlternativeNames);
    }

    [Fact]
    public async Task SignedByUntrustedAuthority_FailsAtTls_NamesTheIssuer()
    {
        SmtpConnectionTestResult result = await ImplicitTls(SignedByUntrusted.Value, _ => { });

        AssertCertificateRefused(result, SignedByUntrusted.Value, SmtpStage.Tls);
        Assert.Contains("SmtpConfig Untrusted Test CA", result.Error, StringComparison.Ordinal);
        Assert.Contains("does not trust", result.Error, StringComparison.Ordinal);
        Assert.Equal("CN=SmtpConfig Untrusted Test CA", result.Certificate!.Issuer);
    }

    [Fact]
    public async Task Expired_OverStartTls_FailsAtStartTls_AndSendsNoAuth()
    {
        await using var server = new LoopbackSmtpServer(SmtpDialogue.FromResource("ok-starttls-auth.smtp"), Expired.Value);
        SmtpConnectionTestResult result = await RunAsync(server, Request(server, EncryptionMode.StartTls, credentials: true));

        AssertCertificateRefused(result, Expired.Value, SmtpStage.StartTls);
        Assert.Contains("expired", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("AUTH", server.ClientText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SkipCertificateCheck_AcceptsExpired_WithWarning()
    {
        SmtpConnectionTestResult result = await ImplicitTls(Expired.Value, r => r.SkipCertificateCheck = true);

        AssertSucceeded(result);
        Assert.Contains(result.Warnings, w => w.Contains("SkipCertificateCheck", StringComparison.Ordinal));
        Assert.Equal(Expired.Value.Thumbprint, result.Certificate!.Thumbprint);
    }

    [Fact]
    public async Task SkipCertificateCheck_AcceptsWrongNameOverStartTls_WithWarning()
    {
        await using var server = new LoopbackSmtpServer(SmtpDialogue.FromResource("ok-starttls-auth.smtp"), WrongName.Value);
        SmtpProbeRequest request = Request(server, EncryptionMode.StartTls, credentials: true);
        request.SkipCertificateCheck = true;
        SmtpConnectionTestResult result = await RunAsync(server, request);

        AssertSucceeded(result);
        Assert.True(result.Authenticated);
        Assert.Contains(result.Warnings, w => w.Contains("SkipCertificateCheck", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WrongPinnedThumbprint_FailsAtTls_NamesBothThumbprints()
    {
        string otherThumbprint = LongLived.Value.Thumbprint;
        SmtpConnectionTestResult result = await ImplicitTls(TestCertificates.Localhost, r => r.CertificateThumbprint = otherThumbprint);

        AssertCertificateRefused(result, TestCertificates.Localhost, SmtpStage.Tls);
        Assert.Contains(otherThumbprint, result.Error, StringComparison.Ordinal);
        Assert.Contains(TestCertificates.Localhost.Thumbprint, result.Error, StringComparison.Ordinal);
        Assert.Contains("pinned", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PinnedBySha256_LowerCase_Succeeds()
    {
        string sha256 = Convert.ToHexString(LongLived.Value.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)).ToLowerInvariant();
        SmtpConnectionTestResult result = await ImplicitTls(LongLived.Value, r => r.CertificateThumbprint = sha256);

        AssertSucceeded(result);
        Assert.Equal(sha256, result.Certificate!.ThumbprintSha256, ignoreCase: true);
    }

    [Fact]
    public async Task Pinned_ExpiringWithin30Days_SucceedsWithWarning()
    {
        SmtpConnectionTestResult result = await ImplicitTls(ExpiringSoon.Value, r => r.CertificateThumbprint = ExpiringSoon.Value.Thumbprint);

        AssertSucceeded(result);
        Assert.Contains(result.Warnings, w => w.Contains("expires in 10 days", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pinned_LongLived_SucceedsWithoutWarnings()
    {
        SmtpConnectionTestResult result = await ImplicitTls(LongLived.Value, r => r.CertificateThumbprint = LongLived.Value.Thumbprint);

        AssertSucceeded(result);
        Assert.Empty(result.Warnings);
        Assert.Equal(LongLived.Value.Thumbprint, result.Certificate!.Thumbprint);
        Assert.False(string.IsNullOrEmpty(result.CipherSuite));
    }

    private static async Task<SmtpConnectionTestResult> ImplicitTls(X509Certificate2 certificate, Action<SmtpProbeRequest> configure)
    {
        await using LoopbackSmtpServer server = Server("probe-ok-noauth.smtp", certificate, implicitTls: true);
        SmtpProbeRequest request = Request(server, EncryptionMode.Ssl);
        configure(request);
        return await RunAsync(server, request);
    }

    private static void AssertCertificateRefused(SmtpConnectionTestResult result, X509Certificate2 presented, SmtpStage stage)
    {
        string context = Describe(result);
        Assert.False(result.Succeeded, context);
        Assert.Equal(stage, result.FailedStage);
        Assert.StartsWith("The server's certificate", result.Error, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(result.Hint), context);
        Assert.Null(result.SmtpStatusCode);
        Assert.NotNull(result.Certificate);
        Assert.Equal(presented.Thumbprint, result.Certificate!.Thumbprint);
        Assert.Equal(presented.Subject, result.Certificate.Subject);
        Assert.Equal(presented.NotAfter.ToUniversalTime(), result.Certificate.NotAfter);
        Assert.Equal(stage, result.Stages[^1].Name);
        Assert.False(result.Stages[^1].Succeeded);
        Assert.False(result.Authenticated);
    }
}
