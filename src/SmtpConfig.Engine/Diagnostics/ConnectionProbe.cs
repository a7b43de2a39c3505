using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SmtpConfig.Mail;
using SmtpConfig.Protection;

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

    /// <summary>The state of one test run.</summary>
    private sealed class ProbeSession : IDisposable
    {
        private readonly SmtpProbeRequest _request;
        private readonly Action<SmtpStage>? _onStage;
        private readonly MailPlan? _mail;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly SmtpConnectionTestResult _result;
        private readonly TranscriptRecorder _transcript;
        private readonly CertificateInspector _certificates;
        private SmtpStage _stage = SmtpStage.Resolve;
        private TimeSpan _stageStart;
        private Socket? _socket;
        private Stream? _stream;
        private FirstBytesStream? _firstBytes;
        private ProbeSmtpClient? _client;
        private bool _failureRecorded;

        public ProbeSession(SmtpProbeRequest request, Action<SmtpStage>? onStage, MailPlan? mail)
        {
            _request = request;
            _onStage = onStage;
            _mail = mail;
            _result = new SmtpConnectionTestResult(request.ProfileName, request.Server, request.Port, request.Encryption);
            _transcript = new TranscriptRecorder(_clock);
            _certificates = new CertificateInspector(request.Server, request.SkipCertificateCheck, request.CertificateThumbprint);
        }

        private TimeSpan Remaining => TimeSpan.FromSeconds(_request.TimeoutSec) - _clock.Elapsed;

        public bool DeadlinePassed => Remaining <= TimeSpan.FromMilliseconds(50);

        public void Execute(CancellationToken token)
        {
            IPAddress[] addresses = Resolve(token);
            Connect(addresses, token);
            Stream stream = new NetworkStream(_socket!, ownsSocket: false);
            if (_request.Encryption == EncryptionMode.Ssl)
            {
                stream = HandshakeImplicitTls(stream);
            }

            _stream = stream;
            Greet(stream, token);
            Authenticate(token);
            if (_mail is null)
            {
                ProbeEnvelope(token);
            }
            else
            {
                SendMail(_mail, token);
            }

            Quit(token);
            _result.Succeeded = true;
        }

        public void Abort()
        {
            try
            {
                _socket?.Dispose();
            }
            catch (ObjectDisposedException)
            {
                // Already closed: nothing left to abort.
            }
        }

        public void Dispose()
        {
            _transcript.Dispose();
            _firstBytes?.Dispose();
            _client?.Dispose();
            _stream?.Dispose();
            _socket?.Dispose();
        }

        public SmtpConnectionTestResult Finish()
        {
            _result.Duration = _clock.Elapsed;
            _result.Transcript = _transcript.Lines;
            _result.Certificate ??= _certificates.Certificate;
            foreach (string warning in _certificates.Warnings)
            {
                _result.AddWarning(warning);
            }

            return _result;
        }

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

        private void Begin(SmtpStage stage)
        {
            _stage = stage;
            _stageStart = _clock.Elapsed;
            _onStage?.Invoke(stage);
        }

        private void Pass(string? detail) => Pass(_stage, _clock.Elapsed - _stageStart, detail);

        private void Pass(SmtpStage stage, TimeSpan duration, string? detail) =>
            _result.AddStage(new SmtpStageResult(stage, true, duration < TimeSpan.Zero ? TimeSpan.Zero : duration, detail));

        private void RecordFailure(SmtpStage stage, string error, string hint, SmtpReply? reply)
        {
            _failureRecorded = true;
            _result.AddStage(new SmtpStageResult(stage, false, _clock.Elapsed - _stageStart, error));
            _result.FailedStage = stage;
            _result.Error = error;
            _result.Hint = hint;
            if (reply is not null)
            {
                _result.SmtpStatusCode = reply.Code;
                _result.EnhancedStatusCode = reply.EnhancedCode;
                _result.ServerResponse = reply.Text;
            }
        }

        private IPAddress[] Resolve(CancellationToken token)
        {
            Begin(SmtpStage.Resolve);
            string host = _request.Server.Trim('[', ']');
            if (IPAddress.TryParse(host, out IPAddress? literal))
            {
                Pass("an IP address: no DNS query");
                return new[] { literal };
            }

            Task<IPAddress[]> lookup = Dns.GetHostAddressesAsync(host);
            WaitFor(lookup, token);
            IPAddress[] addresses = lookup.Result;
            if (addresses.Length == 0)
            {
                throw new SocketException((int)SocketError.HostNotFound);
            }

            Pass(string.Join(", ", addresses.Select(a => a.ToString())));
            return addresses;
        }

        private void Connect(IPAddress[] addresses, CancellationToken token)
        {
            Begin(SmtpStage.Connect);
            SocketException? last = null;
            foreach (IPAddress address in addresses)
            {
                _result.RemoteAddress = address.ToString();
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                _socket = socket;
                try
                {
                    // A blocking connect: the deadline closes the socket under it, and no pool thread is tied up waiting.
                    token.ThrowIfCancellationRequested();
                    socket.Connect(address, _request.Port);
                    Pass($"{address}:{_request.Port}");
                    return;
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused && address != addresses[addresses.Length - 1])
                {
                    // Try the next address (e.g. IPv4 after IPv6).
                    last = ex;
                    socket.Dispose();
                }
            }

            throw last ?? new SocketException((int)SocketError.HostUnreachable);
        }

        private Stream HandshakeImplicitTls(Stream network)
        {
            Begin(SmtpStage.Tls);
            _firstBytes = new FirstBytesStream(network);
            var ssl = new SslStream(_firstBytes, leaveInnerStreamOpen: false, _certificates.Validate);
            ssl.ReadTimeout = ssl.WriteTimeout = RemainingMilliseconds();
            ssl.AuthenticateAsClient(_request.Server.Trim('[', ']'), null, SslProtocols.None, checkCertificateRevocation: false);
            _result.TlsProtocol = ssl.SslProtocol.ToString();
            _result.CipherSuite = CipherSuiteName(ssl) ?? $"{ssl.CipherAlgorithm} {ssl.CipherStrength}";
            _transcript.Note($"TLS {_result.TlsProtocol} {_result.CipherSuite}");
            Pass($"{_result.TlsProtocol} {_result.CipherSuite}");
            return ssl;
        }

        private void Greet(Stream stream, CancellationToken token)
        {
            Begin(SmtpStage.Banner);
            TimeSpan greetStart = _clock.Elapsed;
            _client = new ProbeSmtpClient(_transcript)
            {
                Timeout = RemainingMilliseconds(),
                CheckCertificateRevocation = false,
                ServerCertificateValidationCallback = _certificates.Validate,
            };
            SecureSocketOptions options = _request.Encryption == EncryptionMode.StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None;
            _client.Connect(stream, _request.Server.Trim('[', ']'), _request.Port, options, token);

            _result.Banner = StripCode(_transcript.Greeting);
            TimeSpan greeting = _transcript.ReplyTime(null) ?? greetStart;
            Pass(SmtpStage.Banner, greeting - greetStart, _result.Banner);
            TimeSpan firstEhlo = _transcript.ReplyTime("EHLO", first: true) ?? _transcript.ReplyTime("HELO", first: true) ?? greeting;
            _result.Capabilities = _transcript.LastEhloReply.Skip(1).Select(StripCode).Where(c => c.Length > 0).ToList();
            _result.AuthenticationMechanisms = _client.AuthenticationMechanisms.ToList();
            if (_request.Encryption == EncryptionMode.StartTls)
            {
                Pass(SmtpStage.Ehlo, firstEhlo - greeting, "before STARTTLS");
                _result.TlsProtocol = _client.SslProtocol.ToString();
                _result.CipherSuite = MailKitCipherSuite(_client) ?? $"{_client.SslCipherAlgorithm} {_client.SslCipherStrength}";
                Pass(SmtpStage.StartTls, _clock.Elapsed - firstEhlo, $"{_result.TlsProtocol} {_result.CipherSuite}");
            }
            else
            {
                Pass(SmtpStage.Ehlo, firstEhlo - greeting, string.Join(", ", _result.Capabilities));
            }
        }

        private void Authenticate(CancellationToken token)
        {
            bool oauth = _request.AccessToken is not null || (_request.OAuth is not null && (_request.OAuthClientSecret is not null || _request.OAuth.UsesCertificate));
            if (!oauth && (_request.UserName is null || _request.Password is null))
            {
                return;
            }

            Begin(SmtpStage.Authenticate);
            if (!_client!.Capabilities.HasFlag(SmtpCapabilities.Authentication) || _client.AuthenticationMechanisms.Count == 0)
            {
                RecordFailure(SmtpStage.Authenticate, "The server offers no AUTH on this connection, but credentials were given.", FailureHints.AuthNotOffered, null);
                throw new ProbeStoppedException();
            }

            if (oauth)
            {
                AuthenticateOAuth(token);
                return;
            }

            _client.Timeout = RemainingMilliseconds();
            _client.Authenticate(new NetworkCredential(_request.UserName, SecretText.Reveal(_request.Password!)), token);
            _result.Authenticated = true;
            Pass($"as {_request.UserName}");
        }

        private void AuthenticateOAuth(CancellationToken token)
        {
            string user = _request.OAuthUserName ?? _request.UserName ?? (_request.From is null ? string.Empty : MailboxAddress.Parse(_request.From).Address);
            if (!_client!.AuthenticationMechanisms.Contains("XOAUTH2"))
            {
                RecordFailure(SmtpStage.Authenticate, $"The server does not offer XOAUTH2 (it offers {string.Join(", ", _client.AuthenticationMechanisms)}).", "This server does not take OAuth2 tokens on this port: use a password profile, or the provider's OAuth-capable endpoint (Microsoft 365: smtp.office365.com:587).", null);
                throw new ProbeStoppedException();
            }

            string accessToken;
            string source;
            if (_request.AccessToken is not null)
            {
                accessToken = SecretText.Reveal(_request.AccessToken);
                source = "a caller-supplied token";
            }
            else
            {
                try
                {
                    accessToken = OAuth.ClientCredentialTokenSource.GetToken(_request.OAuth!, _request.OAuthClientSecret, Remaining, token);
                }
                catch (OAuth.OAuthTokenException ex)
                {
                    RecordFailure(SmtpStage.Authenticate, ex.Message + (ex.Description is null ? string.Empty : $" ({ex.Description.Trim()})"), OAuth.OAuthDiagnosis.HintForTokenError(ex, _request.OAuth!.UsesCertificate), null);
                    throw new ProbeStoppedException();
                }

                source = $"a token for app {_request.OAuth!.ClientId}";
            }

            _client.Timeout = RemainingMilliseconds();
            try
            {
                _client.Authenticate(new SaslMechanismOAuth2(user, accessToken), token);
            }
            catch (MailKit.Security.AuthenticationException)
            {
                SmtpReply? reply = SmtpReply.Parse(_transcript.LastReply);
                (string error, string hint) = OAuth.OAuthDiagnosis.ExplainRefusal(user, accessToken, _transcript.LastChallenge, reply?.Text);
                if (reply is { Code: >= 400 and < 500 })
                {
                    // A temporary refusal says nothing about the token: try again later, the facts stay in Error.
                    hint = FailureHints.Temporary;
                }

                RecordFailure(SmtpStage.Authenticate, error, hint, reply);
                throw new ProbeStoppedException();
            }

            _result.Authenticated = true;
            Pass($"XOAUTH2 as {user} with {source}");
        }

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

        private void Quit(CancellationToken token)
        {
            Begin(SmtpStage.Quit);
            _client!.Timeout = RemainingMilliseconds();
            _client.Disconnect(true, token);
            Pass(StripCode(_transcript.LastReply));
        }

        private void SendQuietly(string command, CancellationToken token)
        {
            try
            {
                _client!.Command(command + "\r\n", token);
            }
            catch (Exception ex) when (ex is IOException or SmtpProtocolException or SmtpCommandException)
            {
                // The verdict is already recorded; a failed RSET changes nothing about it.
            }
        }

        private void QuitQuietly(CancellationToken token)
        {
            try
            {
                _client!.Disconnect(true, token);
            }
            catch (Exception ex) when (ex is IOException or SmtpProtocolException or SmtpCommandException or MailKit.ServiceNotConnectedException)
            {
                // As above.
            }
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

        private void WaitFor(Task task, CancellationToken token)
        {
            try
            {
                if (!task.Wait(Math.Max(1, RemainingMilliseconds()), token))
                {
                    throw new OperationCanceledException(token);
                }
            }
            catch (AggregateException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            }
        }

        private int RemainingMilliseconds() => (int)Math.Max(1, Remaining.TotalMilliseconds);

        private static string? CipherSuiteName(SslStream ssl) =>
            typeof(SslStream).GetProperty("NegotiatedCipherSuite")?.GetValue(ssl)?.ToString();

        private static string? MailKitCipherSuite(SmtpClient client) =>
            typeof(SmtpClient).GetProperty("SslCipherSuite")?.GetValue(client)?.ToString();

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException is not null)
            {
                ex = ex.InnerException;
            }

            return ex;
        }

        private static string FirstLine(string text)
        {
            int end = text.IndexOfAny(new[] { '\r', '\n' });
            return end < 0 ? text : text.Substring(0, end);
        }

        private static string StripCode(string? reply)
        {
            if (reply is null)
            {
                return string.Empty;
            }

            return string.Join("\n", reply.Split('\n').Select(line => line.Length > 4 && char.IsDigit(line[0]) ? line.Substring(4) : line));
        }
    }

    /// <summary>Ends the run after a failure was already recorded with its own message and hint.</summary>
    private sealed class ProbeStoppedException : Exception
    {
        public ProbeStoppedException()
            : base("The probe stopped after recording a failure.")
        {
        }
    }
}
