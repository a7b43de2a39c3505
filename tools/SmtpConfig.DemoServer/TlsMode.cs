namespace SmtpConfig.DemoServer;

/// <summary>How the demo server brings TLS into a session.</summary>
internal enum TlsMode
{
    /// <summary>Plain 220 banner; the client must issue STARTTLS before AUTH and MAIL.</summary>
    StartTls,

    /// <summary>Implicit TLS: the TLS handshake starts with the first byte of the connection.</summary>
    Ssl,
}
