using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpConfig.Diagnostics;

/// <summary>
/// Passes reads and writes through and keeps the first bytes the server sent, so a failed implicit-TLS handshake can
/// tell "the server answered with a plain SMTP banner" (a STARTTLS port) from any other TLS failure.
/// </summary>
internal sealed class FirstBytesStream : Stream
{
    private const int Keep = 64;
    private readonly Stream _inner;
    private readonly byte[] _first = new byte[Keep];
    private int _kept;

    public FirstBytesStream(Stream inner) => _inner = inner;

    public string FirstText => System.Text.Encoding.ASCII.GetString(_first, 0, _kept);

    public override bool CanRead => _inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => _inner.CanWrite;

    public override bool CanTimeout => _inner.CanTimeout;

    public override int ReadTimeout { get => _inner.ReadTimeout; set => _inner.ReadTimeout = value; }

    public override int WriteTimeout { get => _inner.WriteTimeout; set => _inner.WriteTimeout = value; }

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Remember(buffer, offset, _inner.Read(buffer, offset, count));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Remember(buffer, offset, await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false));

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Remember(byte[] buffer, int offset, int read)
    {
        int take = Math.Min(read, Keep - _kept);
        if (take > 0)
        {
            Buffer.BlockCopy(buffer, offset, _first, _kept, take);
            _kept += take;
        }

        return read;
    }
}
