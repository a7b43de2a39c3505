using System;
using System.Collections.Generic;

namespace SmtpConfig;

/// <summary>
/// The outcome of Send-SmtpTestMail: what the server accepted, in its own words. "Accepted" means the server took
/// responsibility for the message (its queue id says where to look); it is not proof of delivery to an inbox.
/// </summary>
public sealed class SmtpTestMailResult
{
    /// <summary>What a successful result does and does not prove.</summary>
    public const string AcceptedIsNotDelivered =
        "Accepted by the server is not delivered to the inbox. If the message does not arrive: look in the spam folder, search the server's queue and log for the QueueId, and check SPF/DKIM/DMARC for the From domain.";

    internal SmtpTestMailResult(SmtpConnectionTestResult session, string testId, string? messageId, string from, IReadOnlyList<string> to)
    {
        Session = session;
        TestId = testId;
        MessageId = messageId;
        From = from;
        To = to;
    }

    /// <summary>Every recipient was accepted and the server accepted the message data.</summary>
    public bool Succeeded => Session.Succeeded && RejectedRecipients.Count == 0 && ServerResponse is not null && Session.FailedStage is null;

    /// <summary>The short id in the subject and the X-SmtpConfig-TestId header: search the inbox for it.</summary>
    public string TestId { get; }

    /// <summary>The Message-Id header of the test message.</summary>
    public string? MessageId { get; }

    /// <summary>The profile used, or null for unsaved values.</summary>
    public string? Name => Session.Name;

    /// <summary>The sender (envelope and From header).</summary>
    public string From { get; }

    /// <summary>The recipients asked for.</summary>
    public IReadOnlyList<string> To { get; }

    /// <summary>The recipients the server accepted.</summary>
    public IReadOnlyList<string> AcceptedRecipients { get; internal set; } = Array.Empty<string>();

    /// <summary>The recipients the server refused, each with its code and reply.</summary>
    public IReadOnlyList<SmtpRecipientRejection> RejectedRecipients { get; internal set; } = Array.Empty<SmtpRecipientRejection>();

    /// <summary>The server's full reply to the end of DATA, e.g. "250 2.0.0 Ok: queued as 4XyZ" (on a refusal, the refusing reply).</summary>
    public string? ServerResponse { get; internal set; }

    /// <summary>The queue id parsed from <see cref="ServerResponse"/>, where the reply carries one.</summary>
    public string? QueueId { get; internal set; }

    /// <summary>The server.</summary>
    public string Server => Session.Server;

    /// <summary>The port.</summary>
    public int Port => Session.Port;

    /// <summary>The encryption mode.</summary>
    public EncryptionMode Encryption => Session.Encryption;

    /// <summary>The negotiated TLS version.</summary>
    public string? TlsProtocol => Session.TlsProtocol;

    /// <summary>The stages of the session.</summary>
    public IReadOnlyList<SmtpStageResult> Stages => Session.Stages;

    /// <summary>The stage that failed, or null.</summary>
    public SmtpStage? FailedStage => Session.FailedStage ?? (RejectedRecipients.Count > 0 ? SmtpStage.RcptTo : null);

    /// <summary>The status code of the reply that decided the outcome.</summary>
    public int? SmtpStatusCode => Session.SmtpStatusCode ?? (RejectedRecipients.Count > 0 ? RejectedRecipients[0].StatusCode : null);

    /// <summary>The enhanced status code of that reply.</summary>
    public string? EnhancedStatusCode => Session.EnhancedStatusCode ?? (RejectedRecipients.Count > 0 ? RejectedRecipients[0].EnhancedStatusCode : null);

    /// <summary>What went wrong, or null.</summary>
    public string? Error => Session.Error ?? (RejectedRecipients.Count > 0 ? "The server refused " + string.Join("; ", RejectedRecipients) : null);

    /// <summary>What to do about it; on success, what "accepted" does not prove.</summary>
    public string? Hint => Session.Hint ?? (RejectedRecipients.Count > 0
        ? Diagnostics.FailureHints.ForRecipient(Diagnostics.SmtpReply.Parse($"{RejectedRecipients[0].StatusCode} {RejectedRecipients[0].Response}"))
        : Succeeded ? AcceptedIsNotDelivered : null);

    /// <summary>Things that worked but deserve attention.</summary>
    public IReadOnlyList<string> Warnings => Session.Warnings;

    /// <summary>The whole send's duration.</summary>
    public TimeSpan Duration => Session.Duration;

    /// <summary>The SMTP dialogue (AUTH redacted, message content summarised).</summary>
    public IReadOnlyList<string> Transcript => Session.Transcript;

    private SmtpConnectionTestResult Session { get; }

    /// <inheritdoc />
    public override string ToString() => Succeeded
        ? $"Test message {TestId} accepted by {Server}:{Port} for {string.Join(", ", AcceptedRecipients)}{(QueueId is null ? string.Empty : $" (queue id {QueueId})")}"
        : $"Test message {TestId} to {Server}:{Port} failed at {FailedStage}: {Error}";
}
