using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MailKit.Net.Smtp;
using MimeKit;
using SmtpConfig.Mail;

namespace SmtpConfig.Diagnostics;

/// <summary>The end of a session: the MAIL FROM / RCPT TO probe that sends nothing, or the test message.</summary>
internal sealed partial class ProbeSession
{
    private void ProbeEnvelope(CancellationToken token)
    {
        if (_request.From is null && _request.Recipients.Count == 0)
        {
            return;
        }

        string from = _request.From is null ? string.Empty : MailboxAddress.Parse(_request.From).Address;
        Begin(SmtpStage.MailFrom);
        _client!.Timeout = RemainingMilliseconds();
        SmtpResponse mail = _client.Command($"MAIL FROM:<{from}>\r\n", token);
        if ((int)mail.StatusCode >= 400)
        {
            SmtpReply? reply = SmtpReply.Parse(_transcript.LastReply);
            RecordFailure(SmtpStage.MailFrom, $"The server refused the sender <{from}>: {mail.Response}", FailureHints.ForMailFrom(reply), reply);
            SendQuietly("RSET", token);
            throw new ProbeStoppedException();
        }

        Pass($"<{from}> accepted");
        if (_request.Recipients.Count > 0)
        {
            Begin(SmtpStage.RcptTo);
            var refused = new List<string>();
            SmtpReply? firstRefusal = null;
            foreach (string recipient in _request.Recipients)
            {
                string address = MailboxAddress.Parse(recipient).Address;
                SmtpResponse rcpt = _client.Command($"RCPT TO:<{address}>\r\n", token);
                if ((int)rcpt.StatusCode >= 400)
                {
                    firstRefusal ??= SmtpReply.Parse(_transcript.LastReply);
                    refused.Add($"<{address}>: {(int)rcpt.StatusCode} {rcpt.Response}");
                }
            }

            SendQuietly("RSET", token);
            if (refused.Count > 0)
            {
                RecordFailure(SmtpStage.RcptTo, "The server refused " + string.Join("; ", refused), FailureHints.ForRecipient(firstRefusal), firstRefusal);
                QuitQuietly(token);
                throw new ProbeStoppedException();
            }

            Pass($"{_request.Recipients.Count} recipient(s) accepted; RSET sent, nothing was mailed");
        }
        else
        {
            SendQuietly("RSET", token);
        }
    }

    private void SendMail(MailPlan mail, CancellationToken token)
    {
        bool smtpUtf8 = _client!.Capabilities.HasFlag(SmtpCapabilities.UTF8);
        foreach (MailboxAddress address in new[] { mail.Sender }.Concat(mail.Recipients))
        {
            if (!smtpUtf8 && address.LocalPart.Any(c => c > 127))
            {
                Begin(address == mail.Sender ? SmtpStage.MailFrom : SmtpStage.RcptTo);
                RecordFailure(_stage, $"<{address.Address}> has a non-ASCII local part, and the server does not offer SMTPUTF8.", "Use an ASCII address with this server (international domain names are sent as IDNA and work everywhere), or a server that offers SMTPUTF8.", null);
                throw new ProbeStoppedException();
            }
        }

        Begin(SmtpStage.MailFrom);
        MimeMessage message = mail.Build(_result.TlsProtocol);
        mail.MessageId = message.MessageId;
        _client.Plan = mail;
        _client.Timeout = RemainingMilliseconds();
        try
        {
            _client.Send(FormatOptions.Default, message, mail.Sender, mail.Recipients, token);
        }
        catch (SmtpCommandException ex)
        {
            SmtpReply? reply = SmtpReply.Parse($"{(int)ex.StatusCode} {ex.Message}") ?? SmtpReply.Parse(_transcript.LastReply);
            (SmtpStage stage, string hint) = ex.ErrorCode switch
            {
                SmtpErrorCode.SenderNotAccepted => (SmtpStage.MailFrom, FailureHints.ForMailFrom(reply)),
                SmtpErrorCode.RecipientNotAccepted => (SmtpStage.RcptTo, FailureHints.ForRecipient(reply)),
                _ when mail.Accepted.Count == 0 && mail.Rejected.Count > 0 => (SmtpStage.RcptTo, FailureHints.ForRecipient(SmtpReply.Parse($"{mail.Rejected[0].StatusCode} {mail.Rejected[0].Response}"))),
                _ => (SmtpStage.Data, FailureHints.ForData(reply)),
            };
            if (stage == SmtpStage.RcptTo && mail.Rejected.Count > 0)
            {
                // MailKit reports "no recipients accepted" as its own 554: the server's words are the refusals.
                reply = SmtpReply.Parse($"{mail.Rejected[0].StatusCode} {mail.Rejected[0].Response}");
            }

            PassMailStages(mail, stage);
            string error = stage == SmtpStage.RcptTo && mail.Rejected.Count > 0
                ? "The server refused every recipient: " + string.Join("; ", mail.Rejected)
                : $"The server refused the message at {stage}: {(int)ex.StatusCode} {ex.Message}";
            RecordFailure(stage, error, hint, reply);
            QuitQuietly(token);
            throw new ProbeStoppedException();
        }
        catch (Exception ex) when (ex is IOException or SmtpProtocolException)
        {
            SmtpStage stage = _transcript.LastCommand == "DATA" || mail.Accepted.Count > 0 ? SmtpStage.Data : SmtpStage.MailFrom;
            PassMailStages(mail, stage);
            RecordFailure(stage, $"The server closed the connection during {stage}: {Innermost(ex).Message}", FailureHints.ConnectionDropped, null);
            throw new ProbeStoppedException();
        }

        PassMailStages(mail, null);
        mail.DataResponse = _transcript.LastReply;
        Pass(SmtpStage.Data, _clock.Elapsed - _stageStart, mail.DataResponse);
    }

    private void PassMailStages(MailPlan mail, SmtpStage? failed)
    {
        if (failed is SmtpStage.MailFrom)
        {
            return;
        }

        Pass(SmtpStage.MailFrom, TimeSpan.Zero, $"<{mail.Sender.Address}> accepted");
        if (failed is SmtpStage.RcptTo)
        {
            return;
        }

        string detail = $"{mail.Accepted.Count} accepted" + (mail.Rejected.Count > 0 ? $", {mail.Rejected.Count} refused: {string.Join("; ", mail.Rejected)}" : string.Empty);
        _result.AddStage(new SmtpStageResult(SmtpStage.RcptTo, mail.Rejected.Count == 0, TimeSpan.Zero, detail));
    }
}
