namespace SmtpConfig;

/// <summary>The stages of an SMTP session, in the order they happen.</summary>
public enum SmtpStage
{
    /// <summary>DNS resolution of the server name.</summary>
    Resolve = 0,

    /// <summary>The TCP connection.</summary>
    Connect = 1,

    /// <summary>The implicit TLS handshake (encryption Ssl).</summary>
    Tls = 2,

    /// <summary>The server's 220 greeting.</summary>
    Banner = 3,

    /// <summary>EHLO (or HELO) and the server's capabilities.</summary>
    Ehlo = 4,

    /// <summary>The STARTTLS command and its TLS handshake (encryption StartTls).</summary>
    StartTls = 5,

    /// <summary>SASL authentication.</summary>
    Authenticate = 6,

    /// <summary>MAIL FROM: the server's verdict on the sender address.</summary>
    MailFrom = 7,

    /// <summary>RCPT TO: the server's verdict on each recipient.</summary>
    RcptTo = 8,

    /// <summary>DATA: the message itself.</summary>
    Data = 9,

    /// <summary>QUIT.</summary>
    Quit = 10,
}
