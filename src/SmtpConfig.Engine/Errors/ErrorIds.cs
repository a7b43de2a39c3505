namespace SmtpConfig;

/// <summary>
/// The stable FullyQualifiedErrorId prefixes of every failure the module reports. They never change meaning and never
/// carry data, so scripts can catch them by id.
/// </summary>
public static class ErrorIds
{
    /// <summary>A profile name that is empty, too long or holds wildcard or control characters.</summary>
    public const string InvalidProfileName = "InvalidProfileName";

    /// <summary>No profile of that name exists.</summary>
    public const string ProfileNotFound = "ProfileNotFound";

    /// <summary>A new profile was given no server.</summary>
    public const string ServerRequired = "ServerRequired";

    /// <summary>A new profile was given no From address.</summary>
    public const string FromRequired = "FromRequired";

    /// <summary>The server is not a host name or IP address.</summary>
    public const string InvalidServer = "InvalidServer";

    /// <summary>The port is outside 1-65535.</summary>
    public const string InvalidPort = "InvalidPort";

    /// <summary>The From address is not exactly one valid mailbox.</summary>
    public const string InvalidFromAddress = "InvalidFromAddress";

    /// <summary>A recipient address is not exactly one valid mailbox.</summary>
    public const string InvalidRecipientAddress = "InvalidRecipientAddress";

    /// <summary>A value holds CR, LF or another control character.</summary>
    public const string ControlCharacterInValue = "ControlCharacterInValue";

    /// <summary>A user name was given without a password.</summary>
    public const string UserNameWithoutPassword = "UserNameWithoutPassword";

    /// <summary>Authentication Password was asked for (e.g. by a preset) but no credentials were given.</summary>
    public const string CredentialRequired = "CredentialRequired";

    /// <summary>A password was given without a user name.</summary>
    public const string PasswordWithoutUserName = "PasswordWithoutUserName";

    /// <summary>The timeout is outside its range.</summary>
    public const string InvalidTimeout = "InvalidTimeout";

    /// <summary>The certificate thumbprint is not 40 (SHA-1) or 64 (SHA-256) hex digits.</summary>
    public const string InvalidCertificateThumbprint = "InvalidCertificateThumbprint";

    /// <summary>The store file is damaged or of an unknown schema.</summary>
    public const string StoreDamaged = "StoreDamaged";

    /// <summary>The store cannot be read or written (I/O, lock).</summary>
    public const string StoreUnavailable = "StoreUnavailable";

    /// <summary>The store folder or a file in it can be read by group or others.</summary>
    public const string StoreInsecurePermissions = "StoreInsecurePermissions";

    /// <summary>A stored secret cannot be decrypted: tampered, or another user's key.</summary>
    public const string SecretUnreadable = "SecretUnreadable";

    /// <summary>OAuth2 settings that are missing, incomplete or mixed with a password.</summary>
    public const string InvalidOAuthSettings = "InvalidOAuthSettings";

    /// <summary>An OAuth authority over plain http to another machine.</summary>
    public const string OAuthAuthorityInsecure = "OAuthAuthorityInsecure";

    /// <summary>An unknown provider preset or region.</summary>
    public const string InvalidPreset = "InvalidPreset";

    /// <summary>The check after saving failed; the profile stays saved.</summary>
    public const string SmtpValidationFailed = "SmtpValidationFailed";

    /// <summary>A connection test failed (only with -ErrorOnFailure style use; a failed test is otherwise a result).</summary>
    public const string SmtpTestFailed = "SmtpTestFailed";
}
