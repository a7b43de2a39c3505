using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SmtpConfig.Tests.Fakes;
using Xunit;
using static SmtpConfig.Tests.Mail.SendKit;

namespace SmtpConfig.Tests.Mail;

/// <summary>Bad input is refused by TestMailSender.Check before anything connects.</summary>
public sealed class SendInputTests
{
    public static IEnumerable<object[]> BadRecipients() => new[]
    {
        new object[] { "alice@example.net, bob@example.net", ErrorIds.InvalidRecipientAddress },
        new object[] { "alice@example.net; bob@example.net", ErrorIds.InvalidRecipientAddress },
        new object[] { "alice", ErrorIds.InvalidRecipientAddress },
        new object[] { "alice@", ErrorIds.InvalidRecipientAddress },
        new object[] { "", ErrorIds.InvalidRecipientAddress },
        new object[] { "   ", ErrorIds.InvalidRecipientAddress },
        new object[] { "Team: alice@example.net, bob@example.net;", ErrorIds.InvalidRecipientAddress },
        new object[] { "alice@example.net\r\nBcc: victim@example.org", ErrorIds.ControlCharacterInValue },
        new object[] { "alice@example.net\nBcc: victim@example.org", ErrorIds.ControlCharacterInValue },
        new object[] { "ali\rce@example.net", ErrorIds.ControlCharacterInValue },
    };

    [Theory]
    [MemberData(nameof(BadRecipients))]
    public async Task BadRecipient_IsRefusedBeforeConnecting(string to, string errorId)
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-ok-one-rcpt.smtp");
        SmtpTestMailRequest request = Request(server, From, Alice, to);

        AssertRefused(server, request, errorId);
    }

    [Theory]
    [InlineData("alice@example.net, bob@example.net", ErrorIds.InvalidFromAddress)]
    [InlineData("sender", ErrorIds.InvalidFromAddress)]
    [InlineData("", ErrorIds.InvalidFromAddress)]
    [InlineData("sender@example.com\r\nBcc: victim@example.org", ErrorIds.ControlCharacterInValue)]
    public async Task BadSender_IsRefusedBeforeConnecting(string from, string errorId)
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-ok-one-rcpt.smtp");
        AssertRefused(server, Request(server, from, Alice), errorId);
    }

    [Fact]
    public async Task NoRecipient_IsRefusedBeforeConnecting()
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-ok-one-rcpt.smtp");
        AssertRefused(server, Request(server, From), ErrorIds.InvalidRecipientAddress);
    }

    [Theory]
    [InlineData("Hello\r\nBcc: victim@example.org")]
    [InlineData("Hello\nBcc: victim@example.org")]
    [InlineData("Hello\rBcc: victim@example.org")]
    [InlineData("Hello\u0000")]
    public async Task ControlCharacterInSubject_IsRefused_HeaderInjection(string subject)
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-ok-one-rcpt.smtp");
        SmtpTestMailRequest request = Request(server, From, Alice);
        request.Subject = subject;

        AssertRefused(server, request, ErrorIds.ControlCharacterInValue);
    }

    [Theory]
    [InlineData("Ring the bell\u0007")]
    [InlineData("Escape \u001b[31m red")]
    [InlineData("Null \u0000 byte")]
    [InlineData("Delete \u007f")]
    public async Task ControlCharacterInBody_IsRefused(string body)
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-ok-one-rcpt.smtp");
        SmtpTestMailRequest request = Request(server, From, Alice);
        request.Body = body;

        AssertRefused(server, request, ErrorIds.ControlCharacterInValue);
    }

    [Fact]
    public void LineBreaksAndTabsInBody_AreAllowed()
    {
        var request = new SmtpTestMailRequest(new SmtpProbeRequest("127.0.0.1", 25, EncryptionMode.None), From, new[] { Alice })
        {
            Body = "First line\r\nSecond line\nThird\tcolumn\rFourth",
            Subject = "Plain subject",
        };

        TestMailSender.Check(request);
    }

    [Fact]
    public void DisplayNameAddresses_AreAllowed()
    {
        var request = new SmtpTestMailRequest(new SmtpProbeRequest("127.0.0.1", 25, EncryptionMode.None), "\"Alerts, Ops\" <sender@example.com>", new[] { "Alice <alice@example.net>" });

        TestMailSender.Check(request);
    }

    /// <summary>
    /// Check and Send must agree on what one mailbox is: an address Check lets through must not blow up in Send with a
    /// MimeKit ParseException (an unhandled error instead of a result); either Check refuses it or the message is sent.
    /// </summary>
    [Theory]
    [InlineData("alice@example.net,", false)]
    [InlineData("sender@example.com,", true)]
    [InlineData("alice@example.net;", false)]
    public async Task AddressCheckLetsThrough_IsNotRefusedLaterByAParseException(string address, bool asSender)
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-ok-one-rcpt.smtp");
        SmtpTestMailRequest request = asSender ? Request(server, address, Alice) : Request(server, From, address);

        Exception? check = Record.Exception(() => TestMailSender.Check(request));
        if (check is not null)
        {
            Assert.IsType<SmtpConfigException>(check);
            Assert.Equal(0, server.ConnectionCount);
            return;
        }

        Exception? send = await Record.ExceptionAsync(() => SendAsync(server, request));
        Assert.True(send is null, $"Check accepted '{address}', but Send threw {send?.GetType().FullName}: {send?.Message}");
    }

    private static void AssertRefused(LoopbackSmtpServer server, SmtpTestMailRequest request, string errorId)
    {
        var check = Assert.Throws<SmtpConfigException>(() => TestMailSender.Check(request));
        Assert.Equal(errorId, check.ErrorId);
        Assert.Equal(FailureKind.InvalidArgument, check.Kind);

        var send = Assert.Throws<SmtpConfigException>(() => TestMailSender.Send(request, CancellationToken.None));
        Assert.Equal(errorId, send.ErrorId);
        Assert.Equal(0, server.ConnectionCount);
    }
}
