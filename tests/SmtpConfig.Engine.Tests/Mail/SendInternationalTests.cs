using System;
using System.Linq;
using System.Threading.Tasks;
using MimeKit;
using SmtpConfig.Tests.Fakes;
using Xunit;
using static SmtpConfig.Tests.Mail.SendKit;

namespace SmtpConfig.Tests.Mail;

/// <summary>International addresses: SMTPUTF8 where the server offers it, IDNA for domains, a clear stop otherwise.</summary>
public sealed class SendInternationalTests
{
    [Fact]
    public async Task NonAsciiRecipientLocalPart_WithoutSmtpUtf8_FailsAtRcptTo_NothingSent()
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-no-smtputf8-stop.smtp");
        SmtpTestMailResult result = await SendAsync(server, Request(server, From, "jörg@example.test"));
        string context = Describe(result);

        Assert.False(result.Succeeded, context);
        Assert.Equal(SmtpStage.RcptTo, result.FailedStage);
        Assert.Contains("jörg@example.test", result.Error, StringComparison.Ordinal);
        Assert.Contains("SMTPUTF8", result.Error, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(result.Hint), context);
        Assert.Null(result.SmtpStatusCode);
        Assert.DoesNotContain("MAIL FROM", server.ClientText, StringComparison.OrdinalIgnoreCase);
        AssertNoData(server);
        AssertScriptFollowed(server, result);
    }

    [Fact]
    public async Task NonAsciiSenderLocalPart_WithoutSmtpUtf8_FailsAtMailFrom_NothingSent()
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-no-smtputf8-stop.smtp");
        SmtpTestMailResult result = await SendAsync(server, Request(server, "jörg@example.test", Alice));
        string context = Describe(result);

        Assert.False(result.Succeeded, context);
        Assert.Equal(SmtpStage.MailFrom, result.FailedStage);
        Assert.Contains("jörg@example.test", result.Error, StringComparison.Ordinal);
        Assert.Contains("SMTPUTF8", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("MAIL FROM", server.ClientText, StringComparison.OrdinalIgnoreCase);
        AssertNoData(server);
        AssertScriptFollowed(server, result);
    }

    [Fact]
    public async Task NonAsciiLocalPart_WithSmtpUtf8_MailFromCarriesSmtpUtf8_AndSucceeds()
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-smtputf8-ok.smtp");
        SmtpTestMailResult result = await SendAsync(server, Request(server, From, "jörg@example.test"));
        string context = Describe(result) + "\n" + Describe(server);

        AssertScriptFollowed(server, result);
        Assert.True(result.Succeeded, context);
        Assert.Matches("MAIL FROM:<sender@example.com>[^\r\n]* SMTPUTF8", server.ClientText);
        Assert.Contains("RCPT TO:<jörg@example.test>", server.ClientText, StringComparison.Ordinal);
        Assert.Equal(new[] { "jörg@example.test" }, result.AcceptedRecipients);
        Assert.Equal("5AbC", result.QueueId);
        MimeMessage message = Parse(Assert.Single(server.Messages));
        Assert.Equal("jörg@example.test", Assert.Single(message.To.Mailboxes).Address);
    }

    [Fact]
    public async Task NonAsciiDomain_WithoutSmtpUtf8_GoesOutAsIdna()
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-idna-ok.smtp");
        SmtpTestMailResult result = await SendAsync(server, Request(server, From, "user@bücher.example"));
        string context = Describe(result) + "\n" + Describe(server);

        AssertScriptFollowed(server, result);
        Assert.True(result.Succeeded, context);
        Assert.Contains("RCPT TO:<user@xn--bcher-kva.example>\r\n", server.ClientText, StringComparison.Ordinal);
        Assert.DoesNotContain("SMTPUTF8", server.ClientText, StringComparison.Ordinal);
        // Without SMTPUTF8 the message itself must be 7-bit clean: the To header carries the IDNA form too.
        string payload = Assert.Single(server.Messages);
        Assert.All(payload, c => Assert.True(c < 128, $"non-ASCII character U+{(int)c:X4} in the message sent without SMTPUTF8"));
        Assert.Contains("xn--bcher-kva.example", RawHeader(payload, "To"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonAsciiSenderDomain_WithoutSmtpUtf8_GoesOutAsIdna_MessageIdIncluded()
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-idna-sender-ok.smtp");
        SmtpTestMailResult result = await SendAsync(server, Request(server, "sender@bücher.example", Alice));
        string context = Describe(result) + "\n" + Describe(server);

        AssertScriptFollowed(server, result);
        Assert.True(result.Succeeded, context);
        string payload = Assert.Single(server.Messages);
        Assert.All(payload, c => Assert.True(c < 128, $"non-ASCII character U+{(int)c:X4} in the message sent without SMTPUTF8:\n{payload}"));
        Assert.EndsWith("@xn--bcher-kva.example>", RawHeader(payload, "Message-Id"), StringComparison.Ordinal);
    }
}
