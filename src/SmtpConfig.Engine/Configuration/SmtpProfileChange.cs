using System.Security;

namespace SmtpConfig;

/// <summary>
/// What Set-SmtpConfiguration asks to change. A null property means "leave as it is"; a new profile needs
/// <see cref="Server"/> and <see cref="From"/>.
/// </summary>
public sealed class SmtpProfileChange
{
    /// <summary>Creates a change for the named profile.</summary>
    public SmtpProfileChange(string name) => Name = name;

    /// <summary>The profile to create or change.</summary>
    public string Name { get; }

    /// <summary>The server's host name or IP address.</summary>
    public string? Server { get; set; }

    /// <summary>The TCP port.</summary>
    public int? Port { get; set; }

    /// <summary>The encryption mode.</summary>
    public EncryptionMode? Encryption { get; set; }

    /// <summary>The From address.</summary>
    public string? From { get; set; }

    /// <summary>The login name.</summary>
    public string? UserName { get; set; }

    /// <summary>The password; protected before it is stored and never kept in plain text.</summary>
    public SecureString? Password { get; set; }

    /// <summary>Removes the stored user name and secret.</summary>
    public bool RemoveCredential { get; set; }

    /// <summary>Copies the stored secret of this other profile (pipeline copy) when no password is given.</summary>
    public string? CopySecretFrom { get; set; }

    /// <summary>How the profile authenticates; inferred from the credentials given when null.</summary>
    public AuthenticationKind? Authentication { get; set; }

    /// <summary>OAuth2: the directory (tenant) id.</summary>
    public string? OAuthTenantId { get; set; }

    /// <summary>OAuth2: the application (client) id.</summary>
    public string? OAuthClientId { get; set; }

    /// <summary>OAuth2: the client secret, protected like a password.</summary>
    public SecureString? OAuthClientSecret { get; set; }

    /// <summary>OAuth2 certificate credential: the thumbprint of a certificate in CurrentUser\My.</summary>
    public string? OAuthCertificateThumbprint { get; set; }

    /// <summary>OAuth2 certificate credential: a PFX file with the private key.</summary>
    public string? OAuthCertificatePath { get; set; }

    /// <summary>OAuth2 certificate credential: the PFX file's password, protected like a password.</summary>
    public SecureString? OAuthCertificatePassword { get; set; }

    /// <summary>OAuth2: the scope (default https://outlook.office365.com/.default).</summary>
    public string? OAuthScope { get; set; }

    /// <summary>OAuth2: the authority (default https://login.microsoftonline.com).</summary>
    public string? OAuthAuthority { get; set; }

    /// <summary>The bound of a validation or test, in seconds.</summary>
    public int? TimeoutSec { get; set; }

    /// <summary>Switches certificate validation off (true) or back on (false).</summary>
    public bool? SkipCertificateCheck { get; set; }

    /// <summary>Pins a certificate by thumbprint; an empty string removes the pin.</summary>
    public string? CertificateThumbprint { get; set; }
}
