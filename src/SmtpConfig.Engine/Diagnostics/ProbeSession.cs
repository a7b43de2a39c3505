using System;
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
using SmtpConfig.Mail;

namespace SmtpConfig.Diagnostics;

/// <summary>
/// One test run: the stages in order, from DNS to QUIT, bounded by the request's deadline. Authentication, the end of
/// the session and the handling of failures are in the partial files beside this one.
/// </summary>
internal sealed partial class ProbeSession : IDisposable
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
