namespace SmtpConfig.Diagnostics;

/// <summary>What to do next for each way an SMTP session fails: the classifier behind every Hint.</summary>
internal static class FailureHints
{
    public static string DnsNotFound(string server) =>
        $"The name '{server}' does not resolve. Check its spelling, and that this computer's DNS can resolve it (Resolve-DnsName / nslookup {server}).";

    public static string ConnectionRefused(string server, int port) =>
        $"Nothing accepts connections on {server}:{port}: the port is wrong or the mail service is down. Usual ports: 587 (StartTls), 465 (Ssl), 25.";

    public static string ConnectTimeout(int port) =>
        $"No answer to the TCP connection on port {port}: a firewall or the provider probably blocks it (port 25 is often blocked outbound). Try port 587, or 2525 if the provider offers it.";

    public static string SslOnPlainPort(int port) =>
        $"The server answered with a plain SMTP banner instead of a TLS handshake: port {port} expects STARTTLS. Use -Encryption StartTls (or -Encryption Ssl with port 465).";

    public static string NoBannerOnImplicitTlsPort(int port) =>
        $"No banner arrived: port {port} usually speaks TLS from the first byte and waits for a handshake. Use -Encryption Ssl.";

    public const string NoBanner =
        "The server accepted the connection but sent no greeting in time. If this port speaks TLS from the first byte, use -Encryption Ssl; otherwise the server is overloaded or filtering this client.";

    public const string GreetingRefused =
        "The server refused the session at its greeting (often a temporary overload, 421, or a block of this client's IP address, 554). Try again later or ask the server's administrator.";

    public const string StartTlsNotOffered =
        "The server does not offer STARTTLS, so the session was stopped before anything was sent in clear text (no credentials were sent). Use the server's TLS port (587 with StartTls or 465 with Ssl), or -Encryption None only for a trusted relay on a private network.";

    public const string AuthNotOffered =
        "Credentials were given but the server offers no AUTH on this connection. Some servers offer AUTH only after STARTTLS or only on the submission port 587; a relay that accepts mail without a login needs no credentials (-NoCredential).";

    public const string BadCredentials =
        "The server refused the user name or password. Check both; for Microsoft 365 and Google the password may not be the account password (app password or OAuth2).";

    public const string GmailAppPassword =
        "Google refuses the account password here (534 5.7.9): create an app password (2-Step Verification must be on) or use OAuth2.";

    public const string Microsoft365BasicAuthDisabled =
        "Microsoft 365 refuses basic authentication for this mailbox or tenant (SMTP AUTH disabled): enable SMTP AUTH for the mailbox, or use OAuth2.";

    public const string AuthRequired =
        "The server requires authentication before accepting mail: give -Credential (or -UserName and -Password).";

    public const string SenderRefused =
        "The server does not allow this account to send as this From address. The From address must be one the account owns or is authorised to send as (send-as rights, a verified identity).";

    public const string RecipientUnknown =
        "The server does not know this recipient: check the address for typos, or whether the server relays to this domain for this account.";

    public const string RelayDenied =
        "The server refuses to relay to this recipient's domain for this client: authenticate, or ask the administrator to allow relaying from this host.";

    public const string Temporary =
        "A temporary failure (4xx): the server is busy or rate-limiting. Try again later; if it persists, ask the server's administrator.";

    public const string ConnectionDropped =
        "The server closed the connection in the middle of the dialogue. It may be rate-limiting, blocking this client, or expecting a different encryption mode.";

    public const string NotSmtp =
        "The server did not answer in SMTP. Check the port: another service (HTTP, IMAP, a TLS-only port) is listening there.";

    public static string Timeout(int timeoutSec, SmtpStage stage) =>
        $"The {stage} stage did not complete within the {timeoutSec} s timeout. The server is slow or silent; check the encryption mode for this port, or raise -TimeoutSec.";

    public static string ForAuthentication(SmtpReply? reply)
    {
        if (reply is null)
        {
            return BadCredentials;
        }

        if (reply.Code == 534 && reply.Is("5.7.9"))
        {
            return GmailAppPassword;
        }

        if ((reply.Code == 535 && (reply.Is("5.7.139") || reply.Is("5.7.3"))) || reply.Text.Contains("basic authentication is disabled"))
        {
            return Microsoft365BasicAuthDisabled;
        }

        if (reply.Code == 530)
        {
            return AuthRequired;
        }

        return reply.Code >= 400 && reply.Code < 500 ? Temporary : BadCredentials;
    }

    public const string MessageTooLarge =
        "The server refused the message as too large (552): send a smaller message, or ask for the size limit (the SIZE keyword in the EHLO reply).";

    public static string ForData(SmtpReply? reply) => reply switch
    {
        { Code: 552 } or { Code: 554 } when reply.Is("5.3.4") => MessageTooLarge,
        { Code: 552 } => MessageTooLarge,
        { Code: >= 400 and < 500 } => Temporary,
        _ => "The server refused the message content (often a content or spam filter, or a policy on the From address): read ServerResponse for the reason.",
    };

    public static string ForMailFrom(SmtpReply? reply) => reply switch
    {
        { Code: >= 400 and < 500 } => Temporary,
        { Code: 530 } => AuthRequired,
        _ => SenderRefused,
    };

    public static string ForRecipient(SmtpReply? reply) => reply switch
    {
        { Code: >= 400 and < 500 } => Temporary,
        { Code: 530 } => AuthRequired,
        { Code: 554 or 550 or 551 } when reply.Is("5.7.1") || reply.Text.IndexOf("relay", System.StringComparison.OrdinalIgnoreCase) >= 0 => RelayDenied,
        _ => RecipientUnknown,
    };
}
