using System;
using System.IO;
using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace SmtpConfig.Diagnostics;

/// <summary>Turns whatever went wrong into a stage, an error in the server's words where there are any, and a hint.</summary>
internal sealed partial class ProbeSession
{
    public void Fail(Exception ex, bool timedOut)
    {
        if (_failureRecorded)
        {
            return;
        }

        SmtpReply? reply = SmtpReply.Parse(_transcript.LastReply);
        (SmtpStage stage, string error, string hint, bool useReply) = Classify(ex, timedOut, reply);
        if (_stage == SmtpStage.Banner && stage > SmtpStage.Banner)
        {
            // The failure came inside MailKit's Connect after the greeting: list the stages that did pass.
            PassGreetingStages(stage);
        }

        RecordFailure(stage, error, hint, useReply ? reply : null);
    }

    private void PassGreetingStages(SmtpStage failed)
    {
        TimeSpan? greeting = _transcript.ReplyTime(null);
        if (greeting is null)
        {
            return;
        }

        _result.Banner = StripCode(_transcript.Greeting);
        Pass(SmtpStage.Banner, greeting.Value - _stageStart, _result.Banner);
        TimeSpan? ehlo = _transcript.ReplyTime("EHLO", first: true);
        if (failed == SmtpStage.StartTls && ehlo is not null)
        {
            Pass(SmtpStage.Ehlo, ehlo.Value - greeting.Value, "before STARTTLS");
        }

        _stageStart = ehlo ?? greeting.Value;
    }

    private (SmtpStage Stage, string Error, string Hint, bool UseReply) Classify(Exception ex, bool timedOut, SmtpReply? reply)
    {
        SmtpStage stage = _stage;
        if (_stage is SmtpStage.Banner)
        {
            stage = StageWithinGreeting(ex);
        }

        if (_certificates.Rejection is not null && stage is SmtpStage.Tls or SmtpStage.StartTls)
        {
            return (stage, _certificates.Rejection, _certificates.RejectionHint!, false);
        }

        if (stage == SmtpStage.Banner && timedOut && !_transcript.ServerSpoke && _request.Encryption != EncryptionMode.Ssl)
        {
            // Silence until the timeout: the classic sign of a port that waits for a TLS handshake.
            string hint = _request.Port is 465 or 2465 ? FailureHints.NoBannerOnImplicitTlsPort(_request.Port) : FailureHints.NoBanner;
            return (stage, $"Timed out after {_request.TimeoutSec} s: no banner arrived.", hint, false);
        }

        if (timedOut)
        {
            string hint = stage == SmtpStage.Connect ? FailureHints.ConnectTimeout(_request.Port) : FailureHints.Timeout(_request.TimeoutSec, stage);
            return (stage, $"Timed out after {_request.TimeoutSec} s in stage {stage}.", hint, false);
        }

        switch (ex)
        {
            case ProbeStoppedException:
                return (stage, _result.Error ?? "Stopped.", _result.Hint ?? string.Empty, false);
            case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } when stage == SmtpStage.Resolve:
                return (stage, $"DNS: '{_request.Server}' was not found ({((SocketException)ex).SocketErrorCode}).", FailureHints.DnsNotFound(_request.Server), false);
            case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                return (SmtpStage.Connect, $"Connection refused by {_result.RemoteAddress}:{_request.Port}.", FailureHints.ConnectionRefused(_request.Server, _request.Port), false);
            case SocketException socket when stage == SmtpStage.Connect:
                return (stage, $"The connection to {_result.RemoteAddress}:{_request.Port} failed: {socket.SocketErrorCode}.", FailureHints.ConnectTimeout(_request.Port), false);
            case NotSupportedException when stage == SmtpStage.StartTls || _request.Encryption == EncryptionMode.StartTls && !_transcript.SentStartTls:
                return (SmtpStage.StartTls, "The server does not offer STARTTLS, which this profile requires.", FailureHints.StartTlsNotOffered, false);
            case MailKit.Security.AuthenticationException when stage == SmtpStage.Authenticate:
                return (stage, $"Authentication as '{_request.UserName}' failed: {StripCode(reply?.Text) ?? ex.Message}", FailureHints.ForAuthentication(reply), true);
            case SmtpCommandException command when stage == SmtpStage.Authenticate:
                return (stage, $"Authentication as '{_request.UserName}' failed: {command.Message}", FailureHints.ForAuthentication(reply), true);
        }

        if (stage == SmtpStage.Tls)
        {
            string first = _firstBytes?.FirstText ?? string.Empty;
            if (first.StartsWith("220", StringComparison.Ordinal) || first.StartsWith("554", StringComparison.Ordinal) || first.StartsWith("421", StringComparison.Ordinal))
            {
                return (stage, $"The TLS handshake failed: the server sent a plain-text SMTP banner ('{FirstLine(first)}').", FailureHints.SslOnPlainPort(_request.Port), false);
            }

            return (stage, $"The TLS handshake failed: {Innermost(ex).Message}", "The server did not complete a TLS handshake on this port; check the port and -Encryption, and the TLS versions the server allows.", false);
        }

        if (stage == SmtpStage.StartTls && ex is SslHandshakeException or System.Security.Authentication.AuthenticationException)
        {
            return (stage, $"The TLS handshake after STARTTLS failed: {Innermost(ex).Message}", "The server offered STARTTLS but the handshake failed; check the TLS versions and ciphers the server allows.", false);
        }

        if (ex is SmtpCommandException smtp)
        {
            string hint = stage switch
            {
                SmtpStage.Banner or SmtpStage.Ehlo => FailureHints.GreetingRefused,
                _ when (int)smtp.StatusCode is >= 400 and < 500 => FailureHints.Temporary,
                _ => FailureHints.NotSmtp,
            };
            return (stage, $"The server refused: {(int)smtp.StatusCode} {smtp.Message}", hint, true);
        }

        if (ex is SmtpProtocolException or IOException or ObjectDisposedException)
        {
            bool garbage = ex.Message.IndexOf("invalid", StringComparison.OrdinalIgnoreCase) >= 0 || ex.Message.IndexOf("unexpected response", StringComparison.OrdinalIgnoreCase) >= 0 ||
                ex.Message.IndexOf("parse", StringComparison.OrdinalIgnoreCase) >= 0;
            if (stage == SmtpStage.Banner && reply is { Code: 421 or 554 })
            {
                return (stage, $"The server refused the session: {reply.Text}", FailureHints.GreetingRefused, true);
            }

            return garbage
                ? (stage, $"The server's answer is not SMTP: {ex.Message}", FailureHints.NotSmtp, false)
                : (stage, $"The server closed the connection during {stage}: {Innermost(ex).Message}", FailureHints.ConnectionDropped, false);
        }

        return (stage, $"{ex.GetType().Name}: {ex.Message}", FailureHints.ConnectionDropped, false);
    }

    private SmtpStage StageWithinGreeting(Exception ex)
    {
        if (!_transcript.ServerSpoke)
        {
            return SmtpStage.Banner;
        }

        if (ex is SslHandshakeException || _transcript.SentStartTls && _transcript.LastCommand is "STARTTLS")
        {
            return SmtpStage.StartTls;
        }

        return _transcript.LastCommand switch
        {
            "EHLO" or "HELO" => SmtpStage.Ehlo,
            "STARTTLS" => SmtpStage.StartTls,
            null => SmtpStage.Banner,
            _ => SmtpStage.Ehlo,
        };
    }
}
