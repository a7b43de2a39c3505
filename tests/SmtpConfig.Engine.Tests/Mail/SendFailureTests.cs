using System;
using System.Threading.Tasks;
using SmtpConfig.Diagnostics;
using SmtpConfig.Tests.Fakes;
using Xunit;
using static SmtpConfig.Tests.Mail.SendKit;

namespace SmtpConfig.Tests.Mail;

/// <summary>Every way the server refuses the message lands on its stage, with its codes and the right hint.</summary>
public sealed class SendFailureTests
{
    [Fact]
    public async Task Sender553_FailsAtMailFrom_SenderRefused_NoData()
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-mail-553.smtp");
        SmtpTestMailResult result = await SendAsync(server, Request(server, From, Alice));

        AssertFailed(result, SmtpStage.MailFrom, FailureHints.SenderRefused, 553);
        Assert.Equal("5.7.1", result.EnhancedStatusCode);
        Assert.Contains("Sender address rejected", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.AcceptedRecipients);
        Assert.Null(result.QueueId);
        AssertNoData(server);
        Assert.DoesNotContain("RCPT TO", server.ClientText, StringComparison.OrdinalIgnoreCase);
        AssertScriptFollowed(server, result);
    }

    [Fact]
    public async Task OneOfTwoRecipients550_MessageStillSentToTheOther_ReportedAsRejected()
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-rcpt-550-one-of-two.smtp");
        SmtpTestMailResult result = await SendAsync(server, Request(server, From, Alice, "nobody@example.net"));
        string context = Describe(result);

        AssertScriptFollowed(server, result);
        Assert.False(result.Succeeded, context);
        Assert.Single(server.Messages);
        Assert.Equal(new[] { Alice }, result.AcceptedRecipients);
        SmtpRecipientRejection rejected = Assert.Single(result.RejectedRecipients);
        Assert.Equal("nobody@example.net", rejected.Address);
        Assert.Equal(550, rejected.StatusCode);
        Assert.Equal("5.1.1", rejected.EnhancedStatusCode);
        Assert.Contains("User unknown", rejected.Response, StringComparison.Ordinal);
        Assert.Equal(SmtpStage.RcptTo, result.FailedStage);
        Assert.Equal(550, result.SmtpStatusCode);
        Assert.Equal("5.1.1", result.EnhancedStatusCode);
        Assert.Equal(FailureHints.RecipientUnknown, result.Hint);
        Assert.Contains("nobody@example.net", result.Error, StringComparison.Ordinal);
        // The message did go out: the end-of-DATA reply and its queue id are still reported.
        Assert.Equal("250 2.0.0 Ok: queued as 4XyZ", result.ServerResponse);
        Assert.Equal("4XyZ", result.QueueId);
        Assert.Contains(result.Stages, s => s.Name == SmtpStage.Data && s.Succeeded);
        Assert.Contains(result.Stages, s => s.Name == SmtpStage.RcptTo && !s.Succeeded);
    }

    [Fact]
    public async Task AllRecipientsRefused_FailsAtRcptTo_NoData()
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-rcpt-all-refused.smtp");
        SmtpTestMailResult result = await SendAsync(server, Request(server, From, "nobody@example.net", "ghost@example.net"));

        AssertFailed(result, SmtpStage.RcptTo, FailureHints.RecipientUnknown, 550);
        Assert.Equal("5.1.1", result.EnhancedStatusCode);
        Assert.Empty(result.AcceptedRecipients);
        Assert.Equal(2, result.RejectedRecipients.Count);
        Assert.Contains("nobody@example.net", result.Error, StringComparison.Ordinal);
        Assert.Contains("ghost@example.net", result.Error, StringComparison.Ordinal);
        Assert.StartsWith("550 ", result.ServerResponse, StringComparison.Ordinal); // the refusing reply, not MailKit's own 554
        AssertNoData(server);
        AssertScriptFollowed(server, result);
    }

    [Fact]
    public async Task MessageTooLarge552_FailsAtData_MessageTooLarge()
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-data-552.smtp");
        SmtpTestMailResult result = await SendAsync(server, Request(server, From, Alice));

        AssertFailed(result, SmtpStage.Data, FailureHints.MessageTooLarge, 552);
        Assert.Equal("5.3.4", result.EnhancedStatusCode);
        Assert.Contains("message file too big", result.Error, StringComparison.Ordinal);
        Assert.Null(result.QueueId);
        Assert.Single(server.Messages);
        Assert.Contains(result.Stages, s => s.Name == SmtpStage.MailFrom && s.Succeeded);
        Assert.Contains(result.Stages, s => s.Name == SmtpStage.RcptTo && s.Succeeded);
        AssertScriptFollowed(server, result);
    }

    [Theory]
    [InlineData("send-mail-451.smtp", SmtpStage.MailFrom, 451)]
    [InlineData("send-rcpt-451.smtp", SmtpStage.RcptTo, 451)]
    [InlineData("send-data-451.smtp", SmtpStage.Data, 451)]
    [InlineData("send-mail-421.smtp", SmtpStage.MailFrom, 421)]
    [InlineData("send-rcpt-421.smtp", SmtpStage.RcptTo, 421)]
    [InlineData("send-data-421.smtp", SmtpStage.Data, 421)]
    public async Task TemporaryFailure_LandsOnItsStage_WithTheTemporaryHint(string transcript, SmtpStage stage, int code)
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource(transcript);
        SmtpTestMailResult result = await SendAsync(server, Request(server, From, Alice));

        AssertFailed(result, stage, FailureHints.Temporary, code);
        Assert.Equal("4.3.2", result.EnhancedStatusCode);
        Assert.Null(result.QueueId);
        AssertScriptFollowed(server, result);
        if (stage != SmtpStage.Data)
        {
            AssertNoData(server);
        }
    }

    [Theory]
    [InlineData("send-drop-after-data.smtp")]
    [InlineData("send-drop-during-data.smtp")]
    public async Task DropDuringData_FailsAtData_ConnectionDropped(string transcript)
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource(transcript);
        SmtpTestMailResult result = await SendAsync(server, Request(server, From, Alice));

        AssertFailed(result, SmtpStage.Data, FailureHints.ConnectionDropped, null);
        Assert.Null(result.ServerResponse);
        Assert.Null(result.QueueId);
        Assert.Equal(1, server.ConnectionCount);
    }
}
