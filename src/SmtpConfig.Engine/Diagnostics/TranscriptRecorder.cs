using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using MailKit;

namespace SmtpConfig.Diagnostics;

/// <summary>
/// MailKit protocol logger that keeps the SMTP dialogue as lines with elapsed time and direction, follows which
/// command is in flight (so a failure can be pinned on its stage), keeps the last complete server reply, and redacts
/// every AUTH payload before it is stored: the secret never reaches the transcript in any encoding.
/// </summary>
internal sealed class TranscriptRecorder : IProtocolLogger
{
    internal const string Redacted = "********";
    private const int MaxLines = 500;

    private readonly Stopwatch _clock;
    private readonly List<string> _lines = new();
    private readonly Decoder _clientDecoder = Encoding.UTF8.GetDecoder();
    private readonly Decoder _serverDecoder = Encoding.UTF8.GetDecoder();
    private readonly StringBuilder _clientPartial = new();
    private readonly StringBuilder _serverPartial = new();
    private readonly List<string> _replyLines = new();
    private bool _inAuthExchange;
    private readonly List<(string? Command, TimeSpan At)> _replyTimes = new();
    private bool _inData;
    private int _dataLines;

    public TranscriptRecorder(Stopwatch clock) => _clock = clock;

    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; } = NoSecrets.Instance;

    /// <summary>The verb of the last command the client sent (EHLO, STARTTLS, AUTH, MAIL...), or null before any.</summary>
    public string? LastCommand { get; private set; }

    /// <summary>The first complete server reply (the greeting), or null.</summary>
    public string? Greeting { get; private set; }

    /// <summary>The last complete server reply, all its lines joined by newlines.</summary>
    public string? LastReply { get; private set; }

    /// <summary>The lines of the last complete reply to EHLO.</summary>
    public IReadOnlyList<string> LastEhloReply { get; private set; } = Array.Empty<string>();

    /// <summary>The text of the last 334 challenge during AUTH (e.g. XOAUTH2's base64 JSON error status).</summary>
    public string? LastChallenge { get; private set; }

    /// <summary>Whether the client sent STARTTLS.</summary>
    public bool SentStartTls { get; private set; }

    /// <summary>Whether the server sent anything at all.</summary>
    public bool ServerSpoke { get; private set; }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToArray();
            }
        }
    }

    public void Note(string text) => Add("*", text);

    public void LogConnect(Uri uri) => Add("*", $"connected to {uri}");

    public void LogClient(byte[] buffer, int offset, int count)
    {
        Decode(_clientDecoder, buffer, offset, count, _clientPartial);
        foreach (string line in TakeLines(_clientPartial))
        {
            if (_inData)
            {
                // Message content is summarised, not copied: the transcript is about the dialogue.
                if (line == ".")
                {
                    _inData = false;
                    Add("C", $"[message content: {_dataLines} lines]");
                    Add("C", ".");
                }
                else
                {
                    _dataLines++;
                }

                continue;
            }

            Add("C", RedactClientLine(line));
        }
    }

    public void LogServer(byte[] buffer, int offset, int count)
    {
        ServerSpoke = true;
        Decode(_serverDecoder, buffer, offset, count, _serverPartial);
        foreach (string line in TakeLines(_serverPartial))
        {
            Add("S", line);
            _replyLines.Add(line);
            bool final = line.Length < 4 || line[3] != '-';
            if (!final)
            {
                continue;
            }

            LastReply = string.Join("\n", _replyLines);
            _replyTimes.Add((LastCommand, _clock.Elapsed));
            Greeting ??= LastReply;
            if (LastCommand is "EHLO" or "HELO")
            {
                LastEhloReply = _replyLines.ToArray();
            }

            if (LastCommand == "DATA" && line.StartsWith("354", StringComparison.Ordinal))
            {
                _inData = true;
                _dataLines = 0;
            }

            if (_inAuthExchange && line.StartsWith("334", StringComparison.Ordinal))
            {
                LastChallenge = line.Length > 4 ? line.Substring(4) : string.Empty;
            }

            // A 334 continues an AUTH exchange; anything else ends it.
            _inAuthExchange = _inAuthExchange && line.StartsWith("334", StringComparison.Ordinal);
            _replyLines.Clear();
        }
    }

    /// <summary>When the reply to a command completed (null: the greeting); the first or the last such reply.</summary>
    public TimeSpan? ReplyTime(string? command, bool first = false)
    {
        var matches = _replyTimes.Where(r => r.Command == command).Select(r => (TimeSpan?)r.At);
        return first ? matches.FirstOrDefault() : matches.LastOrDefault();
    }

    public void Dispose()
    {
    }

    private static void Decode(Decoder decoder, byte[] buffer, int offset, int count, StringBuilder into)
    {
        // One decoder per direction: a character split across two reads is joined, not garbled.
        char[] chars = new char[decoder.GetCharCount(buffer, offset, count)];
        int length = decoder.GetChars(buffer, offset, count, chars, 0);
        into.Append(chars, 0, length);
    }

    private static string Printable(string text)
    {
        // Binary garbage is shown escaped, never as raw control bytes.
        var printable = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (char.IsControl(c) && c != '\t')
            {
                printable.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                printable.Append(c);
            }
        }

        return printable.ToString();
    }

    private static IEnumerable<string> TakeLines(StringBuilder partial)
    {
        string text = partial.ToString();
        int start = 0;
        int newline;
        var lines = new List<string>();
        while ((newline = text.IndexOf('\n', start)) >= 0)
        {
            lines.Add(text.Substring(start, newline - start).TrimEnd('\r'));
            start = newline + 1;
        }

        partial.Remove(0, start);
        return lines;
    }

    private string RedactClientLine(string line)
    {
        if (_inAuthExchange)
        {
            // A SASL continuation (LOGIN user/password, PLAIN/XOAUTH2 response, or '*' to cancel).
            return line == "*" ? line : Redacted;
        }

        int space = line.IndexOf(' ');
        string verb = (space < 0 ? line : line.Substring(0, space)).ToUpperInvariant();
        if (!IsCommandVerb(verb))
        {
            return line;
        }

        LastCommand = verb;
        SentStartTls |= verb == "STARTTLS";
        if (verb != "AUTH")
        {
            return line;
        }

        _inAuthExchange = true;
        string[] parts = line.Split(new[] { ' ' }, 3, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 3 ? $"{parts[0]} {parts[1]} {Redacted}" : line;
    }

    private static bool IsCommandVerb(string verb) => verb is "EHLO" or "HELO" or "STARTTLS" or "AUTH" or "MAIL" or "RCPT" or "RSET" or "QUIT" or "NOOP" or "VRFY" or "BDAT" or "DATA";

    private void Add(string direction, string text)
    {
        string line = string.Format(CultureInfo.InvariantCulture, "{0,8:0.000}s {1}: {2}", _clock.Elapsed.TotalSeconds, direction, Printable(text));
        lock (_lines)
        {
            if (_lines.Count < MaxLines)
            {
                _lines.Add(line);
            }
        }
    }

    /// <summary>We redact by protocol state ourselves, so MailKit's detector is not needed.</summary>
    private sealed class NoSecrets : IAuthenticationSecretDetector
    {
        public static readonly NoSecrets Instance = new();

        public IList<AuthenticationSecret> DetectSecrets(byte[] buffer, int offset, int count) => Array.Empty<AuthenticationSecret>();
    }
}
