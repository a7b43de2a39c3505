using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpConfig.Tests.Fakes;

/// <summary>
/// A scripted SMTP server on 127.0.0.1 (ephemeral port, loopback only). Each accepted connection plays one
/// <see cref="SmtpDialogue"/>: the same dialogue for every connection, or the n-th of a list for the n-th
/// connection (extra connections are closed and reported as mismatches). Supports every directive, TLS
/// included. Background work never throws: failures become <see cref="Mismatches"/> or <see cref="Errors"/>.
/// </summary>
public sealed class LoopbackSmtpServer : IAsyncDisposable, IDisposable
{
    private const string UnexpectedReply = "500 5.5.2 fake: unexpected command\r\n";
    private static readonly TimeSpan DrainLimit = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan DisposeLimit = TimeSpan.FromSeconds(5);

    private readonly object gate = new();
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stop = new();
    private readonly SmtpDialogue[] dialogues;
    private readonly bool repeat;
    private readonly SslStreamCertificateContext? certificateContext;
    private readonly List<MemoryStream> logs = [];
    private readonly List<SmtpMismatch> mismatches = [];
    private readonly List<string> errors = [];
    private readonly List<string> messages = [];
    private readonly List<Task> connectionTasks = [];
    private readonly List<TcpClient> openClients = [];
    private readonly TaskCompletionSource completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task acceptLoop;
    private int connectionCount;
    private int finishedCount;
    private int disposed;

    /// <summary>Starts a server that plays <paramref name="dialogue"/> for every connection.</summary>
    /// <param name="dialogue">The script.</param>
    /// <param name="certificate">Server certificate for TLS; defaults to <see cref="TestCertificates.Localhost"/> when TLS is used.</param>
    /// <param name="implicitTls">Wrap each connection in TLS from the first byte (SMTPS, port 465 style).</param>
    public LoopbackSmtpServer(SmtpDialogue dialogue, X509Certificate2? certificate = null, bool implicitTls = false)
        : this([dialogue ?? throw new ArgumentNullException(nameof(dialogue))], repeat: true, certificate, implicitTls)
    {
    }

    /// <summary>Starts a server that plays <paramref name="dialogues"/>[n] for the n-th connection.</summary>
    public LoopbackSmtpServer(IEnumerable<SmtpDialogue> dialogues, X509Certificate2? certificate = null, bool implicitTls = false)
        : this((dialogues ?? throw new ArgumentNullException(nameof(dialogues))).ToArray(), repeat: false, certificate, implicitTls)
    {
    }

    private LoopbackSmtpServer(SmtpDialogue[] dialogues, bool repeat, X509Certificate2? certificate, bool implicitTls)
    {
        if (dialogues.Length == 0)
        {
            throw new ArgumentException("At least one dialogue is needed.", nameof(dialogues));
        }

        this.dialogues = dialogues;
        this.repeat = repeat;
        ImplicitTls = implicitTls;
        bool needsTls = implicitTls || dialogues.Any(d => d.Steps.Any(s => s.Kind == SmtpStepKind.StartTls));
        Certificate = certificate ?? (needsTls ? TestCertificates.Localhost : null);
        if (Certificate is not null)
        {
            certificateContext = SslStreamCertificateContext.Create(Certificate, additionalCertificates: null, offline: true);
        }

        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        EndPoint = (IPEndPoint)listener.LocalEndpoint;
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Starts a server playing an embedded transcript for every connection.</summary>
    public static LoopbackSmtpServer FromResource(string fileName, X509Certificate2? certificate = null, bool implicitTls = false) =>
        new(SmtpDialogue.FromResource(fileName), certificate, implicitTls);

    /// <summary>The listening end point (always 127.0.0.1).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The listening port.</summary>
    public int Port => EndPoint.Port;

    /// <summary>The host to connect to: <c>127.0.0.1</c>.</summary>
    public string Host => EndPoint.Address.ToString();

    /// <summary>True when every connection is TLS from the first byte.</summary>
    public bool ImplicitTls { get; }

    /// <summary>The server certificate (null when no dialogue uses TLS and none was given).</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>Connections accepted so far.</summary>
    public int ConnectionCount => Volatile.Read(ref connectionCount);

    /// <summary>Script mismatches, in the order they happened.</summary>
    public IReadOnlyList<SmtpMismatch> Mismatches
    {
        get { lock (gate) { return mismatches.ToArray(); } }
    }

    /// <summary>Server-side failures that are not mismatches (e.g. a TLS handshake the client aborted).</summary>
    public IReadOnlyList<string> Errors
    {
        get { lock (gate) { return errors.ToArray(); } }
    }

    /// <summary>DATA payloads recorded by <c>! data</c> (dot-unstuffed, without the final <c>.</c> line).</summary>
    public IReadOnlyList<string> Messages
    {
        get { lock (gate) { return messages.ToArray(); } }
    }

    /// <summary>Every byte any client sent and the server read (after TLS decryption), connection after connection.</summary>
    public byte[] ClientBytes
    {
        get
        {
            lock (gate)
            {
                return logs.SelectMany(l => l.ToArray()).ToArray();
            }
        }
    }

    /// <summary><see cref="ClientBytes"/> decoded as UTF-8.</summary>
    public string ClientText => Encoding.UTF8.GetString(ClientBytes);

    /// <summary>
    /// Completes (never faults) when the scripted connections have finished: the first connection for a single
    /// dialogue, all of them for a list; or when the server is disposed.
    /// </summary>
    public Task Completion => completion.Task;

    /// <inheritdoc/>
    public void Dispose()
    {
        Task[] pending = BeginShutdown();
        if (pending.Length == 0)
        {
            return;
        }

        try
        {
            Task.WaitAll(pending, DisposeLimit);
        }
        catch (Exception)
        {
            // Background tasks catch everything themselves; nothing to report here.
        }

        EndShutdown(pending);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Task[] pending = BeginShutdown();
        if (pending.Length == 0)
        {
            return;
        }

        try
        {
            await Task.WhenAll(pending).WaitAsync(DisposeLimit).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // As in Dispose.
        }

        EndShutdown(pending);
    }

    private Task[] BeginShutdown()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return [];
        }

        try
        {
            stop.Cancel();
        }
        catch (AggregateException)
        {
            // A continuation threw while being cancelled; the tasks themselves still end.
        }

        listener.Stop();
        lock (gate)
        {
            foreach (TcpClient client in openClients)
            {
                client.Dispose();
            }

            openClients.Clear();
            return [acceptLoop, .. connectionTasks];
        }
    }

    private void EndShutdown(Task[] pending)
    {
        completion.TrySetResult();
        if (pending.All(t => t.IsCompleted))
        {
            stop.Dispose();
        }
    }

    private async Task AcceptLoopAsync()
    {
        CancellationToken token = stop.Token;
        while (!token.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(token);
            }
            catch (Exception ex)
            {
                if (!token.IsCancellationRequested)
                {
                    AddError("accept: " + ex.Message);
                }

                return;
            }

            int number = Interlocked.Increment(ref connectionCount);
            var log = new MemoryStream();
            lock (gate)
            {
                if (token.IsCancellationRequested)
                {
                    client.Dispose();
                    return;
                }

                logs.Add(log);
                openClients.Add(client);
                connectionTasks.Add(Task.Run(() => RunConnectionAsync(client, number, log, token), CancellationToken.None));
            }
        }
    }

    private async Task RunConnectionAsync(TcpClient client, int number, MemoryStream log, CancellationToken token)
    {
        SmtpLineReader? reader = null;
        try
        {
            client.NoDelay = true;
            SmtpDialogue? dialogue = number <= dialogues.Length ? dialogues[number - 1] : repeat ? dialogues[^1] : null;
            if (dialogue is null)
            {
                AddMismatch(new SmtpMismatch("(no dialogue)", number, 0, $"at most {dialogues.Length} connection(s)", "<an extra connection>"));
                return;
            }

            reader = new SmtpLineReader(client.GetStream(), bytes => Record(log, bytes));
            bool closeFirst = dialogue.Steps.Count > 0 && dialogue.Steps[0].Kind == SmtpStepKind.CloseBeforeGreeting;
            if (ImplicitTls && !closeFirst)
            {
                reader.Replace(await AuthenticateAsync(reader.Stream, token));
            }

            await PlayAsync(dialogue, number, client, reader, token);
        }
        catch (Exception ex)
        {
            if (!token.IsCancellationRequested)
            {
                AddError($"connection {number}: {ex.GetType().Name}: {ex.Message}");
            }
        }
        finally
        {
            reader?.ObserveAbandonedRead();
            try
            {
                reader?.Stream.Dispose();
            }
            catch (Exception)
            {
                // Tearing down a broken TLS stream may throw; the socket is closed below regardless.
            }

            client.Dispose();
            lock (gate)
            {
                openClients.Remove(client);
            }

            int finished = Interlocked.Increment(ref finishedCount);
            if (finished >= (repeat ? 1 : dialogues.Length))
            {
                completion.TrySetResult();
            }
        }
    }

    private async Task PlayAsync(SmtpDialogue dialogue, int number, TcpClient client, SmtpLineReader reader, CancellationToken token)
    {
        IReadOnlyList<SmtpStep> steps = dialogue.Steps;
        for (int i = 0; i < steps.Count; i++)
        {
            SmtpStep step = steps[i];
            switch (step.Kind)
            {
                case SmtpStepKind.Send:
                case SmtpStepKind.Garbage:
                    byte[] bytes = step.Kind == SmtpStepKind.Send ? step.SendBytes() : step.GarbageBytes();
                    if (!await TrySendAsync(reader.Stream, bytes, token))
                    {
                        ClientGone(dialogue, number, i + 1, "<connection closed by client>");
                        return;
                    }

                    break;

                case SmtpStepKind.Expect:
                {
                    string? line = await reader.ReadLineAsync(token);
                    if (line is null)
                    {
                        AddMismatch(new SmtpMismatch(dialogue.Name, number, step.LineNumber, step.Describe(), "<connection closed by client>"));
                        return;
                    }

                    if (!step.Matches(line))
                    {
                        await RejectAsync(dialogue, number, step, "'" + line + "'", client, reader, token);
                        return;
                    }

                    break;
                }

                case SmtpStepKind.Data:
                {
                    string? payload = await ReadDataAsync(reader, token);
                    if (payload is null)
                    {
                        AddMismatch(new SmtpMismatch(dialogue.Name, number, step.LineNumber, step.Describe(), "<connection closed during DATA>"));
                        return;
                    }

                    lock (gate)
                    {
                        messages.Add(payload);
                    }

                    break;
                }

                case SmtpStepKind.Stall:
                    if (!await StallAsync(reader, step.Duration, token))
                    {
                        ClientGone(dialogue, number, i + 1, "<connection closed by client during stall>");
                        return;
                    }

                    break;

                case SmtpStepKind.StartTls:
                    if (reader.Buffered > 0)
                    {
                        // Plaintext pipelined after STARTTLS must never reach the TLS session (command injection).
                        AddMismatch(new SmtpMismatch(dialogue.Name, number, step.LineNumber, step.Describe(), $"<{reader.Buffered} plaintext byte(s) sent before the TLS handshake>"));
                        return;
                    }

                    reader.Replace(await AuthenticateAsync(reader.Stream, token));
                    break;

                case SmtpStepKind.WaitClose:
                {
                    string? line = await reader.ReadLineAsync(token);
                    if (line is not null)
                    {
                        await RejectAsync(dialogue, number, step, "'" + line + "'", client, reader, token);
                    }

                    return;
                }

                case SmtpStepKind.Disconnect:
                case SmtpStepKind.CloseBeforeGreeting:
                    await CloseGracefullyAsync(client, reader, token);
                    return;
            }
        }

        await CloseGracefullyAsync(client, reader, token);
    }

    private async Task RejectAsync(SmtpDialogue dialogue, int number, SmtpStep step, string actual, TcpClient client, SmtpLineReader reader, CancellationToken token)
    {
        AddMismatch(new SmtpMismatch(dialogue.Name, number, step.LineNumber, step.Describe(), actual));
        await TrySendAsync(reader.Stream, Encoding.ASCII.GetBytes(UnexpectedReply), token);
        await CloseGracefullyAsync(client, reader, token);
    }

    /// <summary>Sends FIN (after TLS close_notify), then reads what the client still sends for a short while.</summary>
    private static async Task CloseGracefullyAsync(TcpClient client, SmtpLineReader reader, CancellationToken token)
    {
        try
        {
            if (reader.Stream is SslStream ssl)
            {
                await ssl.ShutdownAsync();
            }

            client.Client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            return;
        }

        using var drain = CancellationTokenSource.CreateLinkedTokenSource(token);
        drain.CancelAfter(DrainLimit);
        try
        {
            while (await reader.FillAsync(drain.Token).WaitAsync(drain.Token))
            {
                // Recording is done by the reader; this only collects the client's last words.
            }
        }
        catch (OperationCanceledException)
        {
            // Drain window over.
        }
    }

    private async Task<SslStream> AuthenticateAsync(Stream inner, CancellationToken token)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = certificateContext,
                    ClientCertificateRequired = false,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                },
                token);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
    }

    private static async Task<bool> TrySendAsync(Stream stream, byte[] bytes, CancellationToken token)
    {
        try
        {
            await stream.WriteAsync(bytes, token);
            await stream.FlushAsync(token);
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException && !token.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Waits <paramref name="duration"/> while still reading; false if the client hung up first.</summary>
    private static async Task<bool> StallAsync(SmtpLineReader reader, TimeSpan duration, CancellationToken token)
    {
        Task delay = Task.Delay(duration, token);
        while (true)
        {
            Task<bool> fill = reader.FillAsync(token);
            if (await Task.WhenAny(delay, fill) == delay)
            {
                await delay;
                return true;
            }

            if (!await fill)
            {
                return false;
            }
        }
    }

    private static async Task<string?> ReadDataAsync(SmtpLineReader reader, CancellationToken token)
    {
        var payload = new StringBuilder();
        while (true)
        {
            string? line = await reader.ReadLineAsync(token);
            if (line is null)
            {
                return null;
            }

            if (line == ".")
            {
                return payload.ToString();
            }

            payload.Append(line.StartsWith("..", StringComparison.Ordinal) ? line[1..] : line).Append("\r\n");
        }
    }

    private void ClientGone(SmtpDialogue dialogue, int number, int from, string actual)
    {
        for (int i = from; i < dialogue.Steps.Count; i++)
        {
            SmtpStep step = dialogue.Steps[i];
            if (step.Kind is SmtpStepKind.Disconnect or SmtpStepKind.CloseBeforeGreeting or SmtpStepKind.WaitClose)
            {
                return;
            }

            if (step.Kind is SmtpStepKind.Expect or SmtpStepKind.Data)
            {
                AddMismatch(new SmtpMismatch(dialogue.Name, number, step.LineNumber, step.Describe(), actual));
                return;
            }
        }
    }

    private void Record(MemoryStream log, ReadOnlySpan<byte> bytes)
    {
        lock (gate)
        {
            log.Write(bytes);
        }
    }

    private void AddMismatch(SmtpMismatch mismatch)
    {
        lock (gate)
        {
            mismatches.Add(mismatch);
        }
    }

    private void AddError(string error)
    {
        lock (gate)
        {
            errors.Add(error);
        }
    }
}
