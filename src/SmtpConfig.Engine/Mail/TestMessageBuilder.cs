using System;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace SmtpConfig.Mail;

/// <summary>Builds the traceable test message: a short unique TestId in the subject and a header, a Message-Id in the From domain, a text body with an HTML alternative that says where it came from.</summary>
internal static class TestMessageBuilder
{
    public const string TestIdHeader = "X-SmtpConfig-TestId";
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>Eight characters from an unambiguous alphabet: easy to read aloud and to search for.</summary>
    public static string NewTestId()
    {
        byte[] random = new byte[8];
        using (var rng = RandomNumberGenerator.Create())
        {
            rng.GetBytes(random);
        }

        var id = new StringBuilder(8);
        foreach (byte b in random)
        {
            id.Append(Alphabet[b % Alphabet.Length]);
        }

        return id.ToString();
    }

    public static MimeMessage Build(SmtpTestMailRequest request, string testId, MailboxAddress from, MailboxAddress[] to, string? tlsProtocol)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.AddRange(to);
        message.Subject = request.Subject ?? $"SmtpConfig test message {testId}";
        message.Date = now;
        // IDNA: the header must stay 7-bit when the server does not speak SMTPUTF8.
        message.MessageId = $"smtpconfig.{testId}.{now.ToUnixTimeSeconds()}@{new IdnMapping().GetAscii(from.Domain)}";
        message.Headers.Add(TestIdHeader, testId);

        SmtpProbeRequest c = request.Connection;
        string version = typeof(TestMessageBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "unknown";
        string[,] facts =
        {
            { "Test id", testId },
            { "Sent by", $"{request.UserName} on {request.ComputerName}" },
            { "Module", $"SmtpConfig {version}" },
            { "Profile", c.ProfileName ?? "(unsaved settings)" },
            { "Server", $"{c.Server}:{c.Port.ToString(CultureInfo.InvariantCulture)}" },
            { "Encryption", c.Encryption.ToString() },
            { "TLS", tlsProtocol ?? "none" },
            { "Time (UTC)", now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) },
        };

        var text = new StringBuilder();
        var html = new StringBuilder("<html><body>");
        string intro = request.Body ?? "This is a test message sent by SmtpConfig.";
        text.AppendLine(intro).AppendLine();
        html.Append("<p>").Append(WebUtility.HtmlEncode(intro).Replace("\n", "<br>")).Append("</p><table>");

        for (int i = 0; i < facts.GetLength(0); i++)
        {
            text.Append(facts[i, 0]).Append(": ").AppendLine(facts[i, 1]);
            html.Append("<tr><th align=\"left\">").Append(WebUtility.HtmlEncode(facts[i, 0])).Append("</th><td>").Append(WebUtility.HtmlEncode(facts[i, 1])).Append("</td></tr>");
        }

        html.Append("</table></body></html>");
        var body = new BodyBuilder { TextBody = text.ToString(), HtmlBody = html.ToString() };
        message.Body = body.ToMessageBody();
        return message;
    }
}
