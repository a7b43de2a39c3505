using System;
using System.Text;
using System.Text.RegularExpressions;

namespace SmtpConfig.Tests.Fakes;

/// <summary>One step of an <see cref="SmtpDialogue"/>, with the script line it came from.</summary>
public sealed class SmtpStep
{
    private readonly Regex? pattern;

    internal SmtpStep(SmtpStepKind kind, int lineNumber, string text, TimeSpan duration = default)
    {
        Kind = kind;
        LineNumber = lineNumber;
        Text = text;
        Duration = duration;
        if (kind == SmtpStepKind.Expect)
        {
            pattern = BuildPattern(text);
        }
    }

    /// <summary>What the step does.</summary>
    public SmtpStepKind Kind { get; }

    /// <summary>1-based line number in the script (first line for merged <c>S:</c> lines).</summary>
    public int LineNumber { get; }

    /// <summary>
    /// <see cref="SmtpStepKind.Send"/>: the lines joined by CRLF (no final CRLF);
    /// <see cref="SmtpStepKind.Expect"/>: the pattern; directives: the argument (may be empty).
    /// </summary>
    public string Text { get; }

    /// <summary>How long a <see cref="SmtpStepKind.Stall"/> lasts.</summary>
    public TimeSpan Duration { get; }

    /// <summary>How the step reads in a mismatch message.</summary>
    public string Describe() => Kind switch
    {
        SmtpStepKind.Send => "S: " + Text,
        SmtpStepKind.Expect => "C: " + Text,
        SmtpStepKind.Data => "! data (DATA payload ending with '.')",
        _ => "! " + Kind,
    };

    /// <summary>True when <paramref name="line"/> (without CRLF) matches an <c>C:</c> pattern.</summary>
    public bool Matches(string line) => pattern is not null && pattern.IsMatch(line);

    /// <summary>The bytes of a <see cref="SmtpStepKind.Send"/> step, CRLF-terminated.</summary>
    internal byte[] SendBytes() => Encoding.UTF8.GetBytes(Text + "\r\n");

    /// <summary>The bytes a <see cref="SmtpStepKind.Garbage"/> step sends.</summary>
    internal byte[] GarbageBytes()
    {
        const string Http = "HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: 11\r\nConnection: close\r\n\r\nBad Request";
        byte[] binary = [0x16, 0x03, 0x01, 0x00, 0x2a, 0x00, 0xff, 0xfe, 0x80, 0x1b, 0x7f, 0x00, 0x0d, 0x0a];
        return Text.Trim().ToLowerInvariant() switch
        {
            "binary" => binary,
            _ => Encoding.ASCII.GetBytes(Http),
        };
    }

    private static Regex BuildPattern(string text)
    {
        // The verb (first word) is compared case-insensitively, the rest exactly; '*' matches anything.
        int space = text.IndexOf(' ', StringComparison.Ordinal);
        string verb = space < 0 ? text : text[..space];
        string rest = space < 0 ? string.Empty : text[space..];
        string regex = "^(?i:" + Glob(verb) + ")" + Glob(rest) + "$";
        return new Regex(regex, RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
    }

    private static string Glob(string part) => Regex.Escape(part).Replace(@"\*", ".*", StringComparison.Ordinal);

    /// <inheritdoc/>
    public override string ToString() => $"line {LineNumber}: {Describe()}";
}
