using System.Text.RegularExpressions;

namespace SmtpConfig;

/// <summary>Finds the queue id in a server's reply to the end of DATA, for the common servers' wordings.</summary>
internal static class QueueIdParser
{
    private static readonly Regex[] Patterns =
    {
        new(@"queued as ([A-Za-z0-9]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), // Postfix
        new(@"\bid=([A-Za-z0-9._-]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), // Exim
        new(@"<([^>@\s]+@[^>\s]+)>\s*\[InternalId", RegexOptions.CultureInvariant), // Microsoft 365
    };

    public static string? Parse(string? reply)
    {
        if (reply is null)
        {
            return null;
        }

        foreach (Regex pattern in Patterns)
        {
            Match match = pattern.Match(reply);
            if (match.Success)
            {
                return match.Groups[1].Value;
            }
        }

        return null;
    }
}
