using System;
using System.Linq;
using System.Threading;
using MimeKit;
using SmtpConfig.Diagnostics;

namespace SmtpConfig;

/// <summary>
/// Sends the traceable test message through the same staged session as Test-SmtpConnection: an SMTP failure is a
/// result with its stage, codes and hint; bad input is refused before anything connects.
/// </summary>
public static class TestMailSender
{
    /// <summary>Refuses bad addresses and header injection before anything connects.</summary>
    public static void Check(SmtpTestMailRequest request)
    {
        SmtpSettingsRules.CheckMailbox(request.From, ErrorIds.InvalidFromAddress, "From");
        if (request.To.Count == 0)
        {
            throw new SmtpConfigException(ErrorIds.InvalidRecipientAddress, FailureKind.InvalidArgument, "No recipient was given.", "Give at least one address with -To.", null);
        }

        foreach (string to in request.To)
        {
            SmtpSettingsRules.CheckMailbox(to, ErrorIds.InvalidRecipientAddress, "recipient");
        }

        SmtpSettingsRules.CheckNoControlCharacters(request.Subject, "Subject");
        if (request.Body is not null && request.Body.Any(c => char.IsControl(c) && c != '\r' && c != '\n' && c != '\t'))
        {
            throw new SmtpConfigException(ErrorIds.ControlCharacterInValue, FailureKind.InvalidArgument, "Body holds a control character other than line breaks and tabs.", "Remove control characters from -Body.", "Body");
        }
    }

    /// <summary>Sends one message to every recipient over one connection and reports what the server said.</summary>
    public static SmtpTestMailResult Send(SmtpTestMailRequest request, CancellationToken cancellationToken, Action<SmtpStage>? onStage = null)
    {
        Check(request);
        string testId = Mail.TestMessageBuilder.NewTestId();
        MailboxAddress from = MailboxAddress.Parse(request.From);
        MailboxAddress[] to = request.To.Select(MailboxAddress.Parse).ToArray();
        var plan = new Mail.MailPlan(from, to, tls => Mail.TestMessageBuilder.Build(request, testId, from, to, tls));
        SmtpConnectionTestResult session = ConnectionProbe.RunSession(request.Connection, plan, onStage, cancellationToken);
        return new SmtpTestMailResult(session, testId, plan.MessageId, from.Address, to.Select(t => t.Address).ToList())
        {
            AcceptedRecipients = plan.Accepted.ToList(),
            RejectedRecipients = plan.Rejected.ToList(),
            // On success the reply to DATA; on a refusal the reply that refused (e.g. 552 at the end of DATA).
            ServerResponse = plan.DataResponse ?? session.ServerResponse,
            QueueId = QueueIdParser.Parse(plan.DataResponse),
        };
    }
}
