using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpConfig.Tests.Fakes;

/// <summary>
/// Server-side line reader over a swappable stream (plain, then TLS). Every byte it reads is handed to
/// <c>record</c>, so the server sees exactly what the client sent (decrypted). At most one read is pending
/// at a time; a read left pending by an interrupted stall is joined by the next call.
/// </summary>
internal sealed class SmtpLineReader
{
    private readonly Action<ReadOnlySpan<byte>> record;
    private readonly byte[] chunk = new byte[8192];
    private readonly List<byte> buffer = [];
    private Task<bool>? fill;
    private bool eof;

    public SmtpLineReader(Stream stream, Action<ReadOnlySpan<byte>> record)
    {
        Stream = stream;
        this.record = record;
    }

    /// <summary>The stream currently read from.</summary>
    public Stream Stream { get; private set; }

    /// <summary>True once the client closed its side.</summary>
    public bool IsEndOfStream => eof && buffer.Count == 0;

    /// <summary>Bytes read but not yet consumed as lines.</summary>
    public int Buffered => buffer.Count;

    /// <summary>Switches to a new stream (after a TLS upgrade); drops any buffered plaintext.</summary>
    public void Replace(Stream stream)
    {
        buffer.Clear();
        Stream = stream;
    }

    /// <summary>
    /// Reads one more chunk into the buffer; false at end of stream. If an earlier call is still pending
    /// (e.g. a stall stopped waiting for it), the same read is returned rather than a second one started.
    /// </summary>
    public Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (fill is null || fill.IsCompleted)
        {
            fill = FillCoreAsync(cancellationToken);
        }

        return fill;
    }

    private async Task<bool> FillCoreAsync(CancellationToken cancellationToken)
    {
        if (eof)
        {
            return false;
        }

        int n;
        try
        {
            n = await Stream.ReadAsync(chunk.AsMemory(), cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException && !cancellationToken.IsCancellationRequested)
        {
            // Reset or torn-down connection: for the script that is the client hanging up.
            n = 0;
        }

        if (n == 0)
        {
            eof = true;
            return false;
        }

        record(chunk.AsSpan(0, n));
        buffer.AddRange(chunk.AsSpan(0, n).ToArray());
        return true;
    }

    /// <summary>Makes sure a read abandoned when the connection ends can never raise an unobserved exception.</summary>
    public void ObserveAbandonedRead() =>
        fill?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    /// <summary>Reads one line without its CRLF; null when the client closed first.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            int lf = buffer.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                string line = Encoding.UTF8.GetString(buffer.GetRange(0, lf).ToArray()).TrimEnd('\r');
                buffer.RemoveRange(0, lf + 1);
                return line;
            }

            if (!await FillAsync(cancellationToken))
            {
                return null;
            }
        }
    }
}
