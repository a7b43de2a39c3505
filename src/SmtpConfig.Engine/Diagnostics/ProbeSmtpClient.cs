using System.Threading;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;
using SmtpConfig.Mail;

namespace SmtpConfig.Diagnostics;

/// <summary>
/// MailKit's client with its protected SendCommand opened up (MAIL FROM / RCPT TO / RSET probes that send nothing),
/// and recipient verdicts recorded instead of thrown, so a message still goes to the recipients that were accepted.
/// </summary>
internal sealed class ProbeSmtpClient : SmtpClient
{
    public ProbeSmtpClient(IProtocolLogger logger)
        : base(logger)
    {
    }

    public MailPlan? Plan { get; set; }

    public SmtpResponse Command(string command, CancellationToken cancellationToken) => SendCommand(command, cancellationToken);

    protected override void OnRecipientAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        Plan?.Accepted.Add(mailbox.Address);

    protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
    {
        if (Plan is null)
        {
            base.OnRecipientNotAccepted(message, mailbox, response);
            return;
        }

        SmtpReply? reply = SmtpReply.Parse($"{(int)response.StatusCode} {response.Response}");
        Plan.Rejected.Add(new SmtpRecipientRejection(mailbox.Address, (int)response.StatusCode, reply?.EnhancedCode, response.Response));
    }
}
