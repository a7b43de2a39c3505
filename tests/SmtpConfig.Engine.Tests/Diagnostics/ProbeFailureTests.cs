using System;
using System.Threading.Tasks;
using SmtpConfig.Diagnostics;
using SmtpConfig.Tests.Fakes;
using Xunit;
using static SmtpConfig.Tests.Diagnostics.ProbeKit;

namespace SmtpConfig.Tests.Diagnostics;

/// <summary>Every SMTP-level way a test fails lands on its stage, with the server's codes and the right hint.</summary>
public sealed class ProbeFailureTests
{
    [Fact]
    public async Task Greeting421_FailsAtBanner_GreetingRefused()
    {
        await using LoopbackSmtpServer server = Server("greeting-421.smtp");
        SmtpConnectionTestResult result = await RunAsync(server, Request(server));

        AssertFailed(result, SmtpStage.Banner, FailureHints.GreetingRefused, 421, "4.3.2");
        Assert.Contains("Service not available", result.ServerResponse, StringComparison.Ordinal);
        Assert.Equal(new[] { SmtpStage.Resolve, SmtpStage.Connect, SmtpStage.Banner }, Names(result));
    }

    [Fact]
    public async Task Greeting554_FailsAtBanner_GreetingRefused()
    {
        await using LoopbackSmtpServer server = Server("probe-greeting-554.smtp");
        SmtpConnectionTestResult result = await RunAsync(server, Request(server, credentials: true));

        AssertFailed(result, SmtpStage.Banner, FailureHints.GreetingRefused, 554, "5.7.1");
        Assert.Contains("blocked", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("AUTH", server.ClientText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EhloAndHeloRejected_FailsAtEhlo_WithTheHeloReply()
    {
        await using LoopbackSmtpServer server = Server("probe-ehlo-helo-rejected.smtp");
        SmtpConnectionTestResult result = await RunAsync(server, Request(server));

        // The server speaks SMTP and refuses this client's greeting: the session was refused, the port is right.
        AssertFailed(result, SmtpStage.Ehlo, FailureHints.GreetingRefused, 550, "5.7.1");
        Assert.Empty(server.Mismatches);
        Assert.Contains("EHLO ", server.ClientText, StringComparison.Ordinal);
        Assert.Contains("HELO ", server.ClientText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EhloRejected_HeloAccepted_Succeeds()
    {
        await using LoopbackSmtpServer server = Server("probe-ehlo-rejected-helo-ok.smtp");
        SmtpConnectionTestResult result = await RunAsync(server, Request(server));

        AssertSucceeded(result);
        Assert.Empty(server.Mismatches);
        Assert.Equal(new[] { SmtpStage.Resolve, SmtpStage.Connect, SmtpStage.Banner, SmtpStage.Ehlo, SmtpStage.Quit }, Names(result));
    }

    [Fact]
    public async Task StartTlsRequiredButNotOffered_FailsAtStartTls_AndSendsNoAuth()
    {
        await using LoopbackSmtpServer server = Server("probe-starttls-not-offered.smtp");
        SmtpConnectionTestResult result = await RunAsync(server, Request(server, EncryptionMode.StartTls, credentials: true));

        AssertFailed(result, SmtpStage.StartTls, FailureHints.StartTlsNotOffered);
        Assert.Contains("EHLO ", server.ClientText, StringComparison.Ordinal);
        Assert.DoesNotContain("AUTH", server.ClientText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("STARTTLS", server.ClientText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("MAIL", server.ClientText, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AuthNotOffered_WithCredentials_FailsAtAuthenticate()
    {
        await using LoopbackSmtpServer server = Server("probe-auth-not-offered.smtp");
        SmtpConnectionTestResult result = await RunAsync(server, Request(server, credentials: true));

        AssertFailed(result, SmtpStage.Authenticate, FailureHints.AuthNotOffered);
        Assert.False(result.Authenticated);
        Assert.DoesNotContain("AUTH", server.ClientText, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("probe-auth-535-578.smtp", 535, "5.7.8", nameof(FailureHints.BadCredentials))]
    [InlineData("probe-auth-534-579-gmail.smtp", 534, "5.7.9", nameof(FailureHints.GmailAppPassword))]
    [InlineData("probe-auth-535-57139-m365.smtp", 535, "5.7.139", nameof(FailureHints.Microsoft365BasicAuthDisabled))]
    [InlineData("probe-auth-535-573-m365.smtp", 535, "5.7.3", nameof(FailureHints.Microsoft365BasicAuthDisabled))]
    [InlineData("probe-auth-530.smtp", 530, "5.7.0", nameof(FailureHints.AuthRequired))]
    public async Task AuthRefused_FailsAtAuthenticate_WithTheMatchingHint(string transcript, int code, string enhanced, string hint)
    {
        await using LoopbackSmtpServer server = Server(transcript);
        SmtpConnectionTestResult result = await RunAsync(server, Request(server, credentials: true));

        AssertFailed(result, SmtpStage.Authenticate, Hint(hint), code, enhanced);
        Assert.False(result.Authenticated);
        Assert.Contains(User, result.Error, StringComparison.Ordinal);
        Assert.Empty(server.Mismatches);
        AssertNoSecret(result);
    }

    [Fact]
    public async Task Mail530_WithoutCredentials_FailsAtMailFrom_AuthRequired()
    {
        await using LoopbackSmtpServer server = Server("probe-mail-530.smtp");
        SmtpProbeRequest request = Request(server);
        request.From = "sender@fake.test";
        SmtpConnectionTestResult result = await RunAsync(server, request);

        AssertFailed(result, SmtpStage.MailFrom, FailureHints.AuthRequired, 530, "5.7.0");
        Assert.Contains("RSET\r\n", server.ClientText, StringComparison.Ordinal);
        Assert.DoesNotContain("DATA", server.ClientText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("probe-mail-550.smtp", 550, "5.7.60")]
    [InlineData("probe-mail-553.smtp", 553, "5.7.1")]
    public async Task MailFromRefused_FailsAtMailFrom_SenderRefused(string transcript, int code, string enhanced)
    {
        await using LoopbackSmtpServer server = Server(transcript);
        SmtpProbeRequest request = Request(server, credentials: true);
        request.From = "ceo@other.example";
        request.Recipients = new[] { "someone@fake.test" };
        SmtpConnectionTestResult result = await RunAsync(server, request);

        AssertFailed(result, SmtpStage.MailFrom, FailureHints.SenderRefused, code, enhanced);
        Assert.Contains("ceo@other.example", result.Error, StringComparison.Ordinal);
        Assert.Contains("MAIL FROM:<ceo@other.example>\r\n", server.ClientText, StringComparison.Ordinal);
        Assert.DoesNotContain("RCPT", server.ClientText, StringComparison.Ordinal);
        Assert.DoesNotContain("DATA", server.ClientText, StringComparison.Ordinal);
        Assert.Contains("RSET\r\n", server.ClientText, StringComparison.Ordinal);
        Assert.Empty(server.Mismatches);
    }

    [Fact]
    public async Task RcptUnknown_FailsAtRcptTo_RecipientUnknown_SendsRsetNotData()
    {
        await using LoopbackSmtpServer server = Server("probe-rcpt-550-511.smtp");
        SmtpProbeRequest request = Request(server, credentials: true);
        request.From = "sender@fake.test";
        request.Recipients = new[] { "nobody@fake.test" };
        SmtpConnectionTestResult result = await RunAsync(server, request);

        AssertFailed(result, SmtpStage.RcptTo, FailureHints.RecipientUnknown, 550, "5.1.1");
        Assert.Contains("nobody@fake.test", result.Error, StringComparison.Ordinal);
        Assert.Contains(result.Stages, s => s.Name == SmtpStage.MailFrom && s.Succeeded);
        string client = server.ClientText;
        Assert.Contains("RCPT TO:<nobody@fake.test>\r\nRSET\r\n", client, StringComparison.Ordinal);
        Assert.DoesNotContain("DATA", client, StringComparison.Ordinal);
        Assert.Empty(server.Mismatches);
    }

    [Theory]
    [InlineData("probe-mail-451.smtp", SmtpStage.MailFrom, 451, "4.3.0")]
    [InlineData("probe-mail-421.smtp", SmtpStage.MailFrom, 421, "4.7.0")]
    [InlineData("probe-rcpt-451.smtp", SmtpStage.RcptTo, 451, "4.7.1")]
    [InlineData("probe-rcpt-421.smtp", SmtpStage.RcptTo, 421, "4.7.0")]
    public async Task TemporaryRefusal_AtEnvelope_IsTemporary(string transcript, SmtpStage stage, int code, string enhanced)
    {
        await using LoopbackSmtpServer server = Server(transcript);
        SmtpProbeRequest request = Request(server, credentials: true);
        request.From = "sender@fake.test";
        request.Recipients = new[] { "someone@fake.test" };
        SmtpConnectionTestResult result = await RunAsync(server, request);

        AssertFailed(result, stage, FailureHints.Temporary, code, enhanced);
        Assert.DoesNotContain("DATA", server.ClientText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DropAfterEhlo_FailsAtEhlo_ConnectionDropped()
    {
        await using LoopbackSmtpServer server = Server("disconnect-after-ehlo.smtp");
        SmtpConnectionTestResult result = await RunAsync(server, Request(server));

        AssertFailed(result, SmtpStage.Ehlo, FailureHints.ConnectionDropped);
    }

    [Fact]
    public async Task DropDuringAuth_FailsAtAuthenticate_ConnectionDropped()
    {
        await using LoopbackSmtpServer server = Server("probe-drop-during-auth.smtp");
        SmtpConnectionTestResult result = await RunAsync(server, Request(server, credentials: true));

        AssertFailed(result, SmtpStage.Authenticate, FailureHints.ConnectionDropped);
        Assert.False(result.Authenticated);
        AssertNoSecret(result);
    }

    [Fact]
    public async Task DropAtMailFrom_FailsAtMailFrom_ConnectionDropped()
    {
        await using LoopbackSmtpServer server = Server("probe-drop-at-mail.smtp");
        SmtpProbeRequest request = Request(server, credentials: true);
        request.From = "sender@fake.test";
        SmtpConnectionTestResult result = await RunAsync(server, request);

        AssertFailed(result, SmtpStage.MailFrom, FailureHints.ConnectionDropped);
        Assert.True(result.Authenticated);
    }

    [Fact]
    public async Task CloseBeforeGreeting_FailsAtBanner_ConnectionDropped()
    {
        // Accept, then close at once: the server hung up (silence until the timeout would be NoBanner instead).
        await using LoopbackSmtpServer server = Server("close-before-greeting.smtp");
        SmtpConnectionTestResult result = await RunAsync(server, Request(server));

        AssertFailed(result, SmtpStage.Banner, FailureHints.ConnectionDropped);
        Assert.True(result.Duration < TimeSpan.FromSeconds(2), result.Duration.ToString());
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task GarbageInsteadOfBanner_FailsAtBanner_NotSmtp(string kind)
    {
        // Something answered, but not in SMTP: the port is wrong (NotSmtp), the connection was not dropped.
        await using LoopbackSmtpServer server = new(SmtpDialogue.Parse($"! garbage {kind}\n! wait-close\n", "garbage-" + kind));
        SmtpConnectionTestResult result = await RunAsync(server, Request(server));

        AssertFailed(result, SmtpStage.Banner, FailureHints.NotSmtp);
        Assert.True(result.Duration < TimeSpan.FromSeconds(2), result.Duration.ToString());
    }

    [Theory]
    [InlineData("disconnect-after-ehlo.smtp", EncryptionMode.None, SmtpStage.Ehlo)]
    [InlineData("probe-ehlo-helo-rejected.smtp", EncryptionMode.None, SmtpStage.Ehlo)]
    [InlineData("probe-starttls-not-offered.smtp", EncryptionMode.StartTls, SmtpStage.StartTls)]
    public async Task FailureAfterTheGreeting_ListsBannerAsPassed(string transcript, EncryptionMode encryption, SmtpStage failed)
    {
        await using LoopbackSmtpServer server = Server(transcript);
        SmtpConnectionTestResult result = await RunAsync(server, Request(server, encryption));

        Assert.Equal(failed, result.FailedStage);
        AssertStagesInOrder(result);
        AssertPassed(result, SmtpStage.Connect);
        AssertPassed(result, SmtpStage.Banner);
        Assert.Contains("fake.test", result.Banner, StringComparison.Ordinal);
        if (failed > SmtpStage.Ehlo)
        {
            // EHLO was answered with 250 before STARTTLS turned out to be missing.
            AssertPassed(result, SmtpStage.Ehlo);
        }
    }

    private static SmtpStage[] Names(SmtpConnectionTestResult result) => System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(result.Stages, s => s.Name));

    private static string Hint(string name) => (string)typeof(FailureHints).GetField(name)!.GetValue(null)!;
}
