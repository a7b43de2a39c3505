using System;
using System.Buffers;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace SmtpConfig.DemoServer;

/// <summary>Writes each accepted message as <c>&lt;dir&gt;/&lt;timestamp&gt;-&lt;n&gt;.eml</c> and logs a RECEIVED line.</summary>
internal sealed class MaildirMessageStore : IMessageStore
{
    private static readonly ReadOnlyMemory<byte> LineEnd = new byte[] { (byte)'\r', (byte)'\n' };

    private readonly string _directory;
    private int _count;

    /// <summary>Initializes a new instance of the <see cref="MaildirMessageStore"/> class.</summary>
    /// <param name="directory">The directory to write messages to; it is created when missing.</param>
    public MaildirMessageStore(string directory)
    {
        _directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(_directory);
    }

    /// <inheritdoc />
    public async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);

        var number = Interlocked.Increment(ref _count);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var path = Path.Combine(_directory, $"{stamp}-{number}.eml");

        // Written under a temporary name, then renamed: a watcher never sees a half-written .eml.
        var partial = path + ".partial";
        await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            foreach (var segment in buffer)
            {
                await file.WriteAsync(segment, cancellationToken);
            }

            // The library hands over the dot-unstuffed data without the CRLF that ends its last line (it takes
            // that CRLF as the start of the CRLF.CRLF terminator); putting it back gives the bytes as sent.
            await file.WriteAsync(LineEnd, cancellationToken);
        }

        File.Move(partial, path);

        var from = transaction.From is null ? string.Empty : transaction.From.AsAddress() ?? string.Empty;
        var to = string.Join(",", transaction.To.Select(mailbox => mailbox.AsAddress()));
        ConsoleLog.Out($"RECEIVED {path} from={from} to={to}");
        return SmtpResponse.Ok;
    }
}
