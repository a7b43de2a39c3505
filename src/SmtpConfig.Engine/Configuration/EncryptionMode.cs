namespace SmtpConfig;

/// <summary>How the connection to the SMTP server is protected.</summary>
public enum EncryptionMode
{
    /// <summary>Plain text; only when asked for explicitly.</summary>
    None = 0,

    /// <summary>Implicit TLS: TLS from the first byte (usually port 465).</summary>
    Ssl = 1,

    /// <summary>A plain connection upgraded with STARTTLS before anything else is sent (usually port 587); required, never optional.</summary>
    StartTls = 2,
}
