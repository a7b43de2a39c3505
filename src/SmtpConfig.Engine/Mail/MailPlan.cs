using System;
using System.Collections.Generic;
using MimeKit;

namespace SmtpConfig.Mail;

/// <summary>A message to send at the end of a probe session, and what the server said about it.</summary>
internal sealed class MailPlan
{
    public MailPlan(MailboxAddress sender, IReadOnlyList<MailboxAddress> recipients, Func<string?, MimeMessage> build)
    {
        Sender = sender;
        Recipients = recipients;
        Build = build;
    }

    public MailboxAddress Sender { get; }

    public IReadOnlyList<MailboxAddress> Recipients { get; }

    /// <summary>Builds the message once the TLS protocol is known (the default body names it).</summary>
    public Func<string?, MimeMessage> Build { get; }

    public string? MessageId { get; set; }

    public List<string> Accepted { get; } = new();

    public List<SmtpRecipientRejection> Rejected { get; } = new();

    /// <summary>The server's reply to the end of DATA, code included.</summary>
    public string? DataResponse { get; set; }
}
