using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpConfig.Tests.Fakes;

/// <summary>
/// An in-memory SMTP server for <c>SmtpClient.Connect(Stream, host, port, SecureSocketOptions.None)</c>:
/// replays an <see cref="SmtpDialogue"/> synchronously and deterministically. Supports <c>S:</c>, <c>C:</c>,
/// <c>! disconnect</c>, <c>! close-before-greeting</c>, <c>! garbage</c> and <c>! data</c>
/// (not <c>! starttls</c>, <c>! stall</c> or <c>! wait-close</c>: use <see cref="LoopbackSmtpServer"/>).
/// </summary>
public sealed class ScriptedSmtpStream : Stream
{
    private const string UnexpectedReply = "500 5.5.2 fake: unexpected command\r\n";

    private readonly object gate = new();
    private readonly SmtpDialogue dialogue;
    private readonly MemoryStream clientBytes = new();
    private readonly List<byte> input = [];
    private readonly List<SmtpMismatch> mismatches = [];
    private readonly List<string> messages = [];
    private byte[] output = [];
    private int outputOffset;
    private int index;
    private bool serverClosed;
    private bool closeAfterOutput;
    private bool disposed;

    /// <summary>Creates a stream replaying <paramref name="dialogue"/>.</summary>
    /// <exception cref="NotSupportedException">The dialogue uses a directive that needs a real socket.</exception>
    public ScriptedSmtpStream(SmtpDialogue dialogue)
    {
        ArgumentNullException.ThrowIfNull(dialogue);
        foreach (SmtpStep step in dialogue.Steps)
        {
            if (step.Kind is SmtpStepKind.StartTls or SmtpStepKind.Stall or SmtpStepKind.WaitClose)
            {
                throw new NotSupportedException($"{dialogue.Name} line {step.LineNumber}: {step.Describe()} needs LoopbackSmtpServer.");
            }
        }

        this.dialogue = dialogue;
    }

    /// <summary>Creates a stream replaying an embedded transcript.</summary>
    public static ScriptedSmtpStream FromResource(string fileName) => new(SmtpDialogue.FromResource(fileName));

    /// <summary>Everything the client wrote, as raw bytes.</summary>
    public byte[] ClientBytes
    {
        get { lock (gate) { return clientBytes.ToArray(); } }
    }

    /// <summary>Everything the client wrote, decoded as UTF-8.</summary>
    public string ClientText => Encoding.UTF8.GetString(ClientBytes);

    /// <summary>Mismatches between the script and what the client did.</summary>
    public IReadOnlyList<SmtpMismatch> Mismatches
    {
        get { lock (gate) { return mismatches.ToArray(); } }
    }

    /// <summary>DATA payloads recorded by <c>! data</c> (dot-unstuffed, without the final <c>.</c> line).</summary>
    public IReadOnlyList<string> Messages
    {
        get { lock (gate) { return messages.ToArray(); } }
    }

    /// <summary>True once every step of the script has been played.</summary>
    public bool IsComplete
    {
        get { lock (gate) { return index >= dialogue.Steps.Count; } }
    }

    /// <inheritdoc/>
    public override bool CanRead => !disposed;

    /// <inheritdoc/>
    public override bool CanWrite => !disposed;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanTimeout => true;

    /// <inheritdoc/>
    public override int ReadTimeout { get; set; } = Timeout.Infinite;

    /// <inheritdoc/>
    public override int WriteTimeout { get; set; } = Timeout.Infinite;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (buffer.IsEmpty)
            {
                return 0;
            }

            if (outputOffset >= output.Length)
            {
                Advance();
            }

            int n = Math.Min(buffer.Length, output.Length - outputOffset);
            output.AsSpan(outputOffset, n).CopyTo(buffer);
            outputOffset += n;
            return n;
        }
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            clientBytes.Write(buffer);
            if (!serverClosed && !closeAfterOutput)
            {
                input.AddRange(buffer.ToArray());
            }
        }
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        lock (gate)
        {
            if (!disposed && !serverClosed && !closeAfterOutput)
            {
                // The client hung up: anything the script still expects from it is a mismatch.
                ClientGone("<connection closed by client>");
            }

            disposed = true;
        }

        base.Dispose(disposing);
    }

    /// <summary>Plays steps until there is output for the client, or the server closes.</summary>
    private void Advance()
    {
        output = [];
        outputOffset = 0;
        while (!serverClosed)
        {
            if (closeAfterOutput || index >= dialogue.Steps.Count)
            {
                serverClosed = true;
                return;
            }

            SmtpStep step = dialogue.Steps[index];
            switch (step.Kind)
            {
                case SmtpStepKind.Send:
                case SmtpStepKind.Garbage:
                    index++;
                    output = step.Kind == SmtpStepKind.Send ? step.SendBytes() : step.GarbageBytes();
                    if (index < dialogue.Steps.Count && dialogue.Steps[index].Kind == SmtpStepKind.Disconnect)
                    {
                        // The server hangs up right after this output: the client sees it, then end of stream.
                        index++;
                        closeAfterOutput = true;
                    }

                    return;

                case SmtpStepKind.Disconnect:
                case SmtpStepKind.CloseBeforeGreeting:
                    index++;
                    serverClosed = true;
                    return;

                case SmtpStepKind.Expect:
                {
                    string? line = TakeLine();
                    if (line is null)
                    {
                        Mismatch(step, "<nothing: the client is waiting for a reply>");
                        return;
                    }

                    if (!step.Matches(line))
                    {
                        Mismatch(step, "'" + line + "'");
                        return;
                    }

                    index++;
                    break;
                }

                case SmtpStepKind.Data:
                {
                    string? payload = TakeData();
                    if (payload is null)
                    {
                        Mismatch(step, "<nothing: the DATA payload did not end with a '.' line>");
                        return;
                    }

                    messages.Add(payload);
                    index++;
                    break;
                }

                default:
                    throw new NotSupportedException(step.ToString());
            }
        }
    }

    private void Mismatch(SmtpStep step, string actual)
    {
        mismatches.Add(new SmtpMismatch(dialogue.Name, 1, step.LineNumber, step.Describe(), actual));
        output = Encoding.ASCII.GetBytes(UnexpectedReply);
        closeAfterOutput = true;
    }

    private void ClientGone(string actual)
    {
        for (int i = index; i < dialogue.Steps.Count; i++)
        {
            SmtpStep step = dialogue.Steps[i];
            if (step.Kind is SmtpStepKind.Disconnect or SmtpStepKind.CloseBeforeGreeting)
            {
                return;
            }

            if (step.Kind is SmtpStepKind.Expect or SmtpStepKind.Data)
            {
                mismatches.Add(new SmtpMismatch(dialogue.Name, 1, step.LineNumber, step.Describe(), actual));
                return;
            }
        }
    }

    private string? TakeLine()
    {
        int lf = input.IndexOf((byte)'\n');
        if (lf < 0)
        {
            return null;
        }

        string line = Encoding.UTF8.GetString(input.GetRange(0, lf).ToArray()).TrimEnd('\r');
        input.RemoveRange(0, lf + 1);
        return line;
    }

    private string? TakeData()
    {
        var lines = new List<string>();
        int consumed = 0;
        while (true)
        {
            int lf = input.IndexOf((byte)'\n', consumed);
            if (lf < 0)
            {
                return null;
            }

            string line = Encoding.UTF8.GetString(input.GetRange(consumed, lf - consumed).ToArray()).TrimEnd('\r');
            consumed = lf + 1;
            if (line == ".")
            {
                input.RemoveRange(0, consumed);
                return lines.Count == 0 ? string.Empty : string.Join("\r\n", lines) + "\r\n";
            }

            lines.Add(line.StartsWith("..", StringComparison.Ordinal) ? line[1..] : line);
        }
    }
}
