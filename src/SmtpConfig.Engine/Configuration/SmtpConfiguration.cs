using System;

namespace SmtpConfig;

/// <summary>
/// A saved SMTP profile as shown to the user. It never carries the secret: <see cref="HasSecret"/> only says whether
/// one is stored.
/// </summary>
public sealed class SmtpConfiguration
{
    internal SmtpConfiguration(SmtpProfileRecord record)
    {
        Name = record.Name;
        Server = record.Server;
        Port = record.Port;
        Encryption = record.Encryption;
        From = record.From;
        Authentication = record.Authentication;
        UserName = record.UserName;
        HasSecret = record.ProtectedSecret is not null;
        TimeoutSec = record.TimeoutSec;
        OAuthTenantId = record.OAuth?.TenantId;
        OAuthClientId = record.OAuth?.ClientId;
        OAuthScope = record.OAuth?.Scope;
        OAuthAuthority = record.OAuth?.Authority;
        OAuthCertificateThumbprint = record.OAuth?.CertificateThumbprint;
        OAuthCertificatePath = record.OAuth?.CertificatePath;
        SkipCertificateCheck = record.SkipCertificateCheck;
        CertificateThumbprint = record.CertificateThumbprint;
        LastValidation = record.LastValidation;
        ModifiedAt = record.ModifiedAt;
    }

    /// <summary>The profile's name (case-insensitive).</summary>
    public string Name { get; }

    /// <summary>The SMTP server's host name or IP address.</summary>
    public string Server { get; }

    /// <summary>The TCP port.</summary>
    public int Port { get; }

    /// <summary>How the connection is protected.</summary>
    public EncryptionMode Encryption { get; }

    /// <summary>The address every mail is sent as.</summary>
    public string From { get; }

    /// <summary>How the profile authenticates.</summary>
    public AuthenticationKind Authentication { get; }

    /// <summary>The login name, or null.</summary>
    public string? UserName { get; }

    /// <summary>Whether a protected secret is stored for this profile. The secret itself is never output.</summary>
    public bool HasSecret { get; }

    /// <summary>OAuth2: the directory (tenant) id, or null.</summary>
    public string? OAuthTenantId { get; }

    /// <summary>OAuth2: the application (client) id, or null.</summary>
    public string? OAuthClientId { get; }

    /// <summary>OAuth2: the scope, or null.</summary>
    public string? OAuthScope { get; }

    /// <summary>OAuth2: the authority, or null.</summary>
    public string? OAuthAuthority { get; }

    /// <summary>OAuth2 certificate credential: the certificate's thumbprint in CurrentUser\My, or null.</summary>
    public string? OAuthCertificateThumbprint { get; }

    /// <summary>OAuth2 certificate credential: the PFX file, or null.</summary>
    public string? OAuthCertificatePath { get; }

    /// <summary>The bound, in seconds, of a validation or test of this profile.</summary>
    public int TimeoutSec { get; }

    /// <summary>Whether certificate validation is switched off for this profile (a warning is written every time).</summary>
    public bool SkipCertificateCheck { get; }

    /// <summary>The pinned server certificate's SHA-1 thumbprint, or null.</summary>
    public string? CertificateThumbprint { get; }

    /// <summary>The outcome of the check that ran after the last change, or null.</summary>
    public SmtpValidationRecord? LastValidation { get; }

    /// <summary>When the profile last changed (UTC).</summary>
    public DateTimeOffset ModifiedAt { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        string login = Authentication switch
        {
            AuthenticationKind.OAuth2 => $"OAuth2 app {OAuthClientId} as {UserName ?? From}",
            _ => UserName is null ? "no login" : $"as {UserName}",
        };
        return $"{Name}: {Server}:{Port} {Encryption}, from {From}, {login}";
    }
}
