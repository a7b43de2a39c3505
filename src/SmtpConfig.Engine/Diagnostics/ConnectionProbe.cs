using System;
using System.Threading;
using SmtpConfig.Mail;

namespace SmtpConfig.Diagnostics;

/// <summary>
/// Runs an SMTP session stage by stage (Resolve, Connect, Tls, Banner, Ehlo, StartTls, Authenticate, MailFrom,
/// RcptTo, Quit) and turns whatever happens into a <see cref="SmtpConnectionTestResult"/>: SMTP trouble never throws.
/// The whole test is bounded by the request's timeout from the first DNS query; the caller's token cancels at once.
/// </summary>
public sealed class ConnectionProbe
{
    /// <summary>Tests the server as the request describes; sends no mail.</summary>
    public static SmtpConnectionTestResult Run(SmtpProbeRequest request, CancellationToken cancellationToken, Action<SmtpStage>? onStage = null) =>
        RunSession(request, null, onStage, cancellationToken);

    /// <summary>The same session, ending with a message sent instead of an envelope probe.</summary>
    internal static SmtpConnectionTestResult RunSession(SmtpProbeRequest request, MailPlan? mail, Action<SmtpStage>? onStage, CancellationToken cancellationToken)
    {
        var session = new ProbeSession(request, onStage, mail);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(request.TimeoutSec));
        // Blocking socket I/O does not watch tokens: closing the socket is what makes a timeout or Ctrl+C immediate.
        using CancellationTokenRegistration abort = deadline.Token.Register(session.Abort);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            session.Execute(deadline.Token);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
        {
            // Ctrl+C closed the socket under a blocking call: report it as the cancellation it is.
            throw new OperationCanceledException("The SMTP test was cancelled.", ex, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // MailKit's own read timeout can fire a few milliseconds before the deadline: both are the timeout.
            session.Fail(ex, timedOut: deadline.IsCancellationRequested || ex is TimeoutException || session.DeadlinePassed);
        }
        finally
        {
            session.Dispose();
        }

        cancellationToken.ThrowIfCancellationRequested();
        return session.Finish();
    }
}
