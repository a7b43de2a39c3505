using System;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using MimeKit;
using SmtpConfig.Tests.Fakes;
using Xunit;
using static SmtpConfig.Tests.Mail.SendKit;

namespace SmtpConfig.Tests.Mail;

/// <summary>A successful send: one message, one connection, every recipient, and the server's own words.</summary>
public sealed class SendSuccessTests
{
    [Fact]
    public async Task TwoRecipients_OneConnection_OneMessage_Succeeded()
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-ok-two-rcpt.smtp");
        SmtpTestMailResult result = await SendAsync(server, Request(server, From, Alice, Bob));
        string context = Describe(result);

        AssertScriptFollowed(server, result);
        Assert.True(result.Succeeded, context);
        Assert.Equal(1, server.ConnectionCount);
        Assert.Single(server.Messages);
        Assert.Equal(new[] { Alice, Bob }, result.AcceptedRecipients);
        Assert.Empty(result.RejectedRecipients);
        Assert.Equal(new[] { Alice, Bob }, result.To);
        Assert.Equal(From, result.From);
        Assert.Null(result.FailedStage);
        Assert.Null(result.Error);
        Assert.Null(result.SmtpStatusCode);
    }

    [Fact]
    public async Task Success_ReportsTheFullEndOfDataReply_QueueId_Stages_AndAcceptedIsNotDelivered()
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-ok-two-rcpt.smtp");
        SmtpTestMailResult result = await SendAsync(server, Request(server, From, Alice, Bob));
        string context = Describe(result);

        Assert.True(result.Succeeded, context);
        Assert.Equal("250 2.0.0 Ok: queued as 4XyZ", result.ServerResponse);
        Assert.Equal("4XyZ", result.QueueId);
        Assert.Equal(SmtpTestMailResult.AcceptedIsNotDelivered, result.Hint);
        foreach (SmtpStage stage in new[] { SmtpStage.Resolve, SmtpStage.Connect, SmtpStage.Banner, SmtpStage.Ehlo, SmtpStage.MailFrom, SmtpStage.RcptTo, SmtpStage.Data, SmtpStage.Quit })
        {
            Assert.True(result.Stages.Any(s => s.Name == stage && s.Succeeded), $"{stage} missing or failed\n{context}");
        }

        Assert.All(result.Stages, s => Assert.True(s.Succeeded, context));
        Assert.Contains("4XyZ", result.ToString(), StringComparison.Ordinal);
        Assert.Contains(result.TestId, result.ToString(), StringComparison.Ordinal);
        Assert.Equal("Relay-Profile", result.Name);
        Assert.Equal(server.Port, result.Port);
        Assert.Equal(EncryptionMode.None, result.Encryption);
    }

    [Fact]
    public async Task Envelope_MailFromIsTheFromAddress_AndEveryRecipientIsInRcptTo()
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-ok-two-rcpt.smtp");
        SmtpTestMailResult result = await SendAsync(server, Request(server, "SmtpConfig Alerts <sender@example.com>", Alice, Bob));

        AssertScriptFollowed(server, result);
        Assert.True(result.Succeeded, Describe(result));
        string sent = server.ClientText;
        Assert.Contains("MAIL FROM:<sender@example.com>\r\n", sent, StringComparison.Ordinal);
        Assert.Contains("RCPT TO:<alice@example.net>\r\n", sent, StringComparison.Ordinal);
        Assert.Contains("RCPT TO:<bob@example.net>\r\n", sent, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(sent, "^DATA\r$", RegexOptions.Multiline));
        Assert.Equal(From, result.From);
    }

    [Fact]
    public async Task Message_IsTraceable_SubjectTestIdHeaderDateMessageIdFromTo()
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-ok-two-rcpt.smtp");
        SmtpTestMailResult result = await SendAsync(server, Request(server, From, Alice, Bob));
        Assert.True(result.Succeeded, Describe(result));
        string payload = Assert.Single(server.Messages);
        MimeMessage message = Parse(payload);

        Assert.Matches("^[A-Za-z0-9]{8}$", result.TestId);
        Assert.Equal($"SmtpConfig test message {result.TestId}", message.Subject);
        Assert.Equal(result.TestId, message.Headers["X-SmtpConfig-TestId"]);
        Assert.NotNull(RawHeader(payload, "Date"));
        Assert.True(message.Date > DateTimeOffset.UtcNow.AddMinutes(-5) && message.Date < DateTimeOffset.UtcNow.AddMinutes(5), $"Date {message.Date}");
        string? messageId = RawHeader(payload, "Message-Id");
        Assert.NotNull(messageId);
        Assert.StartsWith("<", messageId, StringComparison.Ordinal);
        Assert.EndsWith("@example.com>", messageId, StringComparison.Ordinal);
        Assert.Equal(message.MessageId, result.MessageId);
        Assert.Equal(From, Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal(new[] { Alice, Bob }, message.To.Mailboxes.Select(m => m.Address));
    }

    [Fact]
    public async Task Message_HasTextAndHtmlAlternatives_DescribingWhereItCameFrom()
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-ok-two-rcpt.smtp");
        SmtpTestMailResult result = await SendAsync(server, Request(server, From, Alice, Bob));
        Assert.True(result.Succeeded, Describe(result));
        MimeMessage message = Parse(Assert.Single(server.Messages));

        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Contains(alternative, p => p.ContentType.IsMimeType("text", "plain"));
        Assert.Contains(alternative, p => p.ContentType.IsMimeType("text", "html"));
        string? text = message.TextBody;
        string? html = message.HtmlBody;
        Assert.NotNull(text);
        Assert.NotNull(html);
        string utcMinute = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        foreach (string body in new[] { text!, html! })
        {
            Assert.Contains(result.TestId, body, StringComparison.Ordinal);
            Assert.Contains("BUILD-PC-17", body, StringComparison.Ordinal); // computer
            Assert.Contains("tester-jane", body, StringComparison.Ordinal); // user
            Assert.Contains("Relay-Profile", body, StringComparison.Ordinal); // profile
            Assert.Contains("127.0.0.1", body, StringComparison.Ordinal); // server
            Assert.Contains(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), body, StringComparison.Ordinal); // port
            Assert.Contains("None", body, StringComparison.Ordinal); // encryption mode
            Assert.Contains("TLS", body, StringComparison.Ordinal); // TLS protocol line ("none" here)
            Assert.Contains("UTC", body, StringComparison.Ordinal);
            Assert.Contains(utcMinute, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TestId_DiffersBetweenTwoSends()
    {
        await using LoopbackSmtpServer first = LoopbackSmtpServer.FromResource("send-ok-two-rcpt.smtp");
        await using LoopbackSmtpServer second = LoopbackSmtpServer.FromResource("send-ok-two-rcpt.smtp");
        SmtpTestMailResult a = await SendAsync(first, Request(first, From, Alice, Bob));
        SmtpTestMailResult b = await SendAsync(second, Request(second, From, Alice, Bob));

        Assert.True(a.Succeeded, Describe(a));
        Assert.True(b.Succeeded, Describe(b));
        Assert.Equal(8, a.TestId.Length);
        Assert.Equal(8, b.TestId.Length);
        Assert.NotEqual(a.TestId, b.TestId);
        Assert.NotEqual(a.MessageId, b.MessageId);
        Assert.Contains(a.TestId, Assert.Single(first.Messages), StringComparison.Ordinal);
        Assert.Contains(b.TestId, Assert.Single(second.Messages), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomSubjectAndMultiLineBody_AreSent_TestIdHeaderStays()
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-ok-one-rcpt.smtp");
        SmtpTestMailRequest request = Request(server, From, Alice);
        request.Subject = "Quarterly relay check";
        request.Body = "Line one\r\nLine two\n\tindented";
        SmtpTestMailResult result = await SendAsync(server, request);

        AssertScriptFollowed(server, result);
        Assert.True(result.Succeeded, Describe(result));
        MimeMessage message = Parse(Assert.Single(server.Messages));
        Assert.Equal("Quarterly relay check", message.Subject);
        Assert.Equal(result.TestId, message.Headers["X-SmtpConfig-TestId"]);
        Assert.Contains("Line one", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Line two", message.TextBody, StringComparison.Ordinal);
        Assert.Equal("1rAbCd-0001Xy-3Z", result.QueueId);
        Assert.Equal("250 OK id=1rAbCd-0001Xy-3Z", result.ServerResponse);
    }

    [Fact]
    public void TestIds_AreEightUnambiguousCharacters_AndUnique()
    {
        var ids = Enumerable.Range(0, 500).Select(_ => SmtpConfig.Mail.TestMessageBuilder.NewTestId()).ToList();
        Assert.All(ids, id => Assert.Matches("^[A-HJ-NP-Z2-9]{8}$", id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task BodyWithALoneDotLine_IsDotStuffed_NoCommandSmuggling()
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-ok-one-rcpt.smtp");
        SmtpTestMailRequest request = Request(server, From, Alice);
        request.Body = "before\r\n.\r\nMAIL FROM:<evil@example.org>\r\n..two dots";
        SmtpTestMailResult result = await SendAsync(server, request);

        AssertScriptFollowed(server, result);
        Assert.True(result.Succeeded, Describe(result));
        MimeMessage message = Parse(Assert.Single(server.Messages));
        Assert.Contains("before\n.\nMAIL FROM:<evil@example.org>\n..two dots", message.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        // The lone "." went over the wire dot-stuffed, so the server never saw an early end of DATA.
        Assert.Contains("\r\n..\r\nMAIL FROM:<evil@example.org>\r\n...two dots\r\n", server.ClientText, StringComparison.Ordinal);
    }
}
