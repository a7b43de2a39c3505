using System;
using System.Collections.Generic;
using System.Security;

namespace SmtpConfig;

/// <summary>What to test: a server with its settings, optionally credentials and a sender/recipients to probe.</summary>
public sealed class SmtpProbeRequest
{
    /// <summary>Creates a request.</summary>
    public SmtpProbeRequest(string server, int port, EncryptionMode encryption)
    {
        Server = server;
        Port = port;
        Encryption = encryption;
    }

    /// <summary>A request for a saved profile with its decrypted secret.</summary>
    public static SmtpProbeRequest ForProfile(SmtpConfiguration profile, SecureString? secret)
    {
        var request = new SmtpProbeRequest(profile.Server, profile.Port, profile.Encryption)
        {
            ProfileName = profile.Name,
            TimeoutSec = profile.TimeoutSec,
            SkipCertificateCheck = profile.SkipCertificateCheck,
            CertificateThumbprint = profile.CertificateThumbprint,
            OAuthUserName = profile.UserName ?? MimeKit.MailboxAddress.Parse(profile.From).Address,
        };
        if (profile.Authentication == AuthenticationKind.OAuth2)
        {
            request.OAuth = new OAuthSettings(profile.OAuthTenantId!, profile.OAuthClientId!, profile.OAuthScope!, profile.OAuthAuthority!)
            {
                CertificateThumbprint = profile.OAuthCertificateThumbprint,
                CertificatePath = profile.OAuthCertificatePath,
            };
            request.OAuthClientSecret = secret;
        }
        else if (secret is not null)
        {
            request.UserName = profile.UserName;
            request.Password = secret;
        }

        return request;
    }

    /// <summary>A caller-supplied OAuth2 access token (XOAUTH2); wins over any stored credentials.</summary>
    public SecureString? AccessToken { get; set; }

    /// <summary>The client-credentials flow that fetches the token (OAuth2 profiles).</summary>
    public OAuthSettings? OAuth { get; set; }

    /// <summary>The client secret for <see cref="OAuth"/> (with a certificate credential: the PFX password, if any).</summary>
    public SecureString? OAuthClientSecret { get; set; }

    /// <summary>The XOAUTH2 user: the profile's user name, else its From address.</summary>
    public string? OAuthUserName { get; set; }

    /// <summary>The profile's name, when testing a saved profile.</summary>
    public string? ProfileName { get; set; }

    /// <summary>The server's host name or IP address.</summary>
    public string Server { get; }

    /// <summary>The TCP port.</summary>
    public int Port { get; }

    /// <summary>The encryption mode.</summary>
    public EncryptionMode Encryption { get; }

    /// <summary>The login name; with <see cref="Password"/> the test authenticates.</summary>
    public string? UserName { get; set; }

    /// <summary>The password.</summary>
    public SecureString? Password { get; set; }

    /// <summary>A sender to check with MAIL FROM (nothing is sent).</summary>
    public string? From { get; set; }

    /// <summary>Recipients to check with RCPT TO (nothing is sent; the session ends with RSET and QUIT).</summary>
    public IReadOnlyList<string> Recipients { get; set; } = Array.Empty<string>();

    /// <summary>The bound of the whole test from the first DNS query, in seconds.</summary>
    public int TimeoutSec { get; set; } = SmtpSettingsRules.DefaultTimeoutSec;

    /// <summary>Accepts any certificate (a warning is added every time).</summary>
    public bool SkipCertificateCheck { get; set; }

    /// <summary>Accepts only the certificate with this SHA-1 or SHA-256 thumbprint.</summary>
    public string? CertificateThumbprint { get; set; }
}
