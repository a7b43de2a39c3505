using System;
using System.Text.RegularExpressions;

namespace SmtpConfig.Diagnostics;

/// <summary>A server reply split into its status code, enhanced status code and text.</summary>
internal sealed class SmtpReply
{
    private static readonly Regex Enhanced = new(@"^[245]\.\d{1,3}\.\d{1,3}\b", RegexOptions.CultureInvariant);

    private SmtpReply(int code, string? enhancedCode, string text)
    {
        Code = code;
        EnhancedCode = enhancedCode;
        Text = text;
    }

    public int Code { get; }

    public string? EnhancedCode { get; }

    /// <summary>The whole reply, all lines.</summary>
    public string Text { get; }

    public static SmtpReply? Parse(string? reply)
    {
        if (reply is null || reply.Length < 3 || !int.TryParse(reply.Substring(0, 3), out int code))
        {
            return null;
        }

        string lastLine = reply.Substring(reply.LastIndexOf('\n') + 1);
        string rest = lastLine.Length > 4 ? lastLine.Substring(4) : string.Empty;
        Match match = Enhanced.Match(rest);
        return new SmtpReply(code, match.Success ? match.Value : null, reply);
    }

    public bool Is(string enhancedPrefix) => EnhancedCode is not null && EnhancedCode.StartsWith(enhancedPrefix, StringComparison.Ordinal);
}
