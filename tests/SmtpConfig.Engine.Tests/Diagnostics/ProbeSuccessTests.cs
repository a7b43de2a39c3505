using System;
using System.Linq;
using System.Threading.Tasks;
using SmtpConfig.Tests.Fakes;
using Xunit;
using static SmtpConfig.Tests.Diagnostics.ProbeKit;

namespace SmtpConfig.Tests.Diagnostics;

/// <summary>The happy paths: every stage in order, the TLS and certificate facts, and an envelope probe that sends nothing.</summary>
public sealed class ProbeSuccessTests
{
    [Fact]
    public async Task StartTlsAuth_Pinned_SucceedsWithEveryStageInOrder()
    {
        await using LoopbackSmtpServer server = Server("ok-starttls-auth.smtp");
        var seen = new System.Collections.Concurrent.ConcurrentQueue<SmtpStage>();
        SmtpProbeRequest request = Pinned(server, EncryptionMode.StartTls, credentials: true);
        SmtpConnectionTestResult result = await OnOwnThread(() => SmtpConfig.Diagnostics.ConnectionProbe.Run(request, default, seen.Enqueue));
        await server.Completion.WaitAsync(Patience);

        AssertSucceeded(result);
        SmtpStage[] expected = { SmtpStage.Resolve, SmtpStage.Connect, SmtpStage.Banner, SmtpStage.Ehlo, SmtpStage.StartTls, SmtpStage.Authenticate, SmtpStage.Quit };
        Assert.Equal(expected, result.Stages.Select(s => s.Name).ToArray());
        Assert.True(result.Authenticated);
        Assert.False(string.IsNullOrEmpty(result.TlsProtocol));
        Assert.StartsWith("Tls", result.TlsProtocol, StringComparison.Ordinal);
        Assert.NotNull(result.Certificate);
        Assert.Equal(server.Certificate!.Thumbprint, result.Certificate!.Thumbprint);
        Assert.Equal("127.0.0.1", result.RemoteAddress);
        Assert.Contains("fake.test ESMTP ready", result.Banner, StringComparison.Ordinal);
        Assert.Contains("PLAIN", result.AuthenticationMechanisms);
        Assert.Empty(server.Mismatches);
        Assert.Empty(server.Errors);
        Assert.True(result.Duration < TimeSpan.FromSeconds(5));
        Assert.Contains(SmtpStage.Authenticate, seen);
        AssertNoSecret(result);
    }

    [Fact]
    public async Task StartTlsAuth_WithSenderAndRecipients_ProbesEnvelope_RsetNoData()
    {
        await using LoopbackSmtpServer server = Server("probe-starttls-auth-envelope.smtp");
        SmtpProbeRequest request = Pinned(server, EncryptionMode.StartTls, credentials: true);
        request.From = "Sender <sender@fake.test>";
        request.Recipients = new[] { "rcpt1@fake.test", "rcpt2@fake.test" };
        SmtpConnectionTestResult result = await RunAsync(server, request);

        AssertSucceeded(result);
        SmtpStage[] expected = { SmtpStage.Resolve, SmtpStage.Connect, SmtpStage.Banner, SmtpStage.Ehlo, SmtpStage.StartTls, SmtpStage.Authenticate, SmtpStage.MailFrom, SmtpStage.RcptTo, SmtpStage.Quit };
        Assert.Equal(expected, result.Stages.Select(s => s.Name).ToArray());
        string client = server.ClientText;
        Assert.Contains("RCPT TO:<rcpt2@fake.test>\r\nRSET\r\nQUIT\r\n", client, StringComparison.Ordinal);
        Assert.DoesNotContain("DATA", client, StringComparison.Ordinal);
        Assert.Empty(server.Messages);
        Assert.Empty(server.Mismatches);
    }

    [Fact]
    public async Task ImplicitTls_Pinned_Succeeds_WithTlsStage()
    {
        await using LoopbackSmtpServer server = Server("probe-ok-noauth.smtp", implicitTls: true);
        SmtpConnectionTestResult result = await RunAsync(server, Pinned(server, EncryptionMode.Ssl));

        AssertSucceeded(result);
        SmtpStage[] expected = { SmtpStage.Resolve, SmtpStage.Connect, SmtpStage.Tls, SmtpStage.Banner, SmtpStage.Ehlo, SmtpStage.Quit };
        Assert.Equal(expected, result.Stages.Select(s => s.Name).ToArray());
        Assert.False(result.Authenticated);
        Assert.False(string.IsNullOrEmpty(result.TlsProtocol));
        Assert.Equal(server.Certificate!.Thumbprint, result.Certificate!.Thumbprint);
        Assert.Empty(server.Mismatches);
    }

    [Fact]
    public async Task PlainAuth_NoTls_Succeeds_WithoutTlsFacts()
    {
        await using LoopbackSmtpServer server = Server("ok-auth.smtp");
        SmtpConnectionTestResult result = await RunAsync(server, Request(server, credentials: true));

        AssertSucceeded(result);
        SmtpStage[] expected = { SmtpStage.Resolve, SmtpStage.Connect, SmtpStage.Banner, SmtpStage.Ehlo, SmtpStage.Authenticate, SmtpStage.Quit };
        Assert.Equal(expected, result.Stages.Select(s => s.Name).ToArray());
        Assert.True(result.Authenticated);
        Assert.Null(result.Certificate);
        Assert.Empty(server.Mismatches);
    }
}
