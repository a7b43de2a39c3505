using System;
using System.Collections.Generic;
using System.Linq;
using System.Security;
using SmtpConfig.Protection;

namespace SmtpConfig;

/// <summary>The credential half of a change: password, OAuth2 (secret or certificate), or none, and their secrets.</summary>
public sealed partial class SmtpConfigurationStore
{
    private Credentials ResolveCredentials(List<SmtpProfileRecord> profiles, SmtpProfileRecord? existing, SmtpProfileChange change, bool protectSecrets)
    {
        AuthenticationKind existingKind = existing?.Authentication ?? AuthenticationKind.None;
        bool oauthGiven = change.OAuthTenantId is not null || change.OAuthClientId is not null || change.OAuthClientSecret is not null || change.OAuthScope is not null || change.OAuthAuthority is not null ||
            change.OAuthCertificateThumbprint is not null || change.OAuthCertificatePath is not null || change.OAuthCertificatePassword is not null;
        AuthenticationKind? wanted = change.RemoveCredential ? AuthenticationKind.None : change.Authentication ??
            (oauthGiven ? AuthenticationKind.OAuth2 : change.Password is not null ? AuthenticationKind.Password : null);

        if (wanted == AuthenticationKind.None)
        {
            if (change.Password is not null)
            {
                // The login is being removed, so the password would belong to no user.
                throw new SmtpConfigException(ErrorIds.PasswordWithoutUserName, FailureKind.InvalidArgument, "A password was given while the login is being removed (Authentication None).", "Leave out -Authentication None (or -NoCredential), or the password.", change.Name);
            }

            if (oauthGiven)
            {
                throw new SmtpConfigException(ErrorIds.InvalidOAuthSettings, FailureKind.InvalidArgument, "Authentication None was asked for together with OAuth settings.", "Leave out -Authentication None (or -NoCredential), or the -OAuth* parameters.", change.Name);
            }

            return new Credentials(AuthenticationKind.None, null, null, null, existing?.ProtectedSecret is not null);
        }

        if (wanted == AuthenticationKind.OAuth2)
        {
            return ResolveOAuth(profiles, existing, change, protectSecrets);
        }

        if (oauthGiven)
        {
            throw new SmtpConfigException(ErrorIds.InvalidOAuthSettings, FailureKind.InvalidArgument, "OAuth settings were given with -Authentication Password.", "Use -Authentication OAuth2 with the -OAuth* parameters, or a password without them.", change.Name);
        }

        // Password, or no change of kind: keep an OAuth2 profile's settings when nothing about them changes.
        if (wanted is null && existingKind == AuthenticationKind.OAuth2)
        {
            return new Credentials(AuthenticationKind.OAuth2, change.UserName ?? existing!.UserName, existing!.ProtectedSecret, existing.OAuth, false);
        }

        string? userName = change.UserName ?? existing?.UserName;
        string? secret = existingKind == AuthenticationKind.Password ? existing?.ProtectedSecret : null;
        bool secretChanged = existingKind == AuthenticationKind.OAuth2;
        if (change.Password is not null)
        {
            if (userName is null)
            {
                throw new SmtpConfigException(ErrorIds.PasswordWithoutUserName, FailureKind.InvalidArgument, "A password was given without a user name.", "Give -Credential, or -UserName with -Password.", change.Name);
            }

            secret = Protect(profiles, change.Password, change.Name, protectSecrets);
            secretChanged = true;
        }
        else if ((change.UserName is not null || wanted == AuthenticationKind.Password) && secret is null)
        {
            if (change.CopySecretFrom is not null && !NameEquals(change.CopySecretFrom, change.Name))
            {
                secret = CopySecret(profiles, change.CopySecretFrom, change.Name, protectSecrets);
                secretChanged = secret is not null;
            }

            if (secret is null && userName is null)
            {
                throw new SmtpConfigException(ErrorIds.CredentialRequired, FailureKind.InvalidArgument, $"Profile '{change.Name}' authenticates with a password, but none was given.", "Add -Credential (Get-Credential), or -UserName with -Password (a SecureString).", change.Name);
            }

            if (secret is null)
            {
                throw new SmtpConfigException(ErrorIds.UserNameWithoutPassword, FailureKind.InvalidArgument, $"User name '{userName}' was given without a password.", "Give -Credential (Get-Credential), or -UserName with -Password (a SecureString).", change.Name);
            }
        }

        return secret is null
            ? new Credentials(AuthenticationKind.None, null, null, null, secretChanged)
            : new Credentials(AuthenticationKind.Password, userName, secret, null, secretChanged);
    }

    private Credentials ResolveOAuth(List<SmtpProfileRecord> profiles, SmtpProfileRecord? existing, SmtpProfileChange change, bool protectSecrets)
    {
        if (change.Password is not null)
        {
            throw new SmtpConfigException(ErrorIds.InvalidOAuthSettings, FailureKind.InvalidArgument, "A password was given for an OAuth2 profile.", "An OAuth2 profile authenticates with -OAuthClientSecret (or a token given to Test-/Send- with -AccessToken), not a password.", change.Name);
        }

        OAuthSettings? previous = existing?.Authentication == AuthenticationKind.OAuth2 ? existing.OAuth : null;
        string? tenant = change.OAuthTenantId ?? previous?.TenantId;
        string? clientId = change.OAuthClientId ?? previous?.ClientId;
        if (string.IsNullOrWhiteSpace(tenant) || string.IsNullOrWhiteSpace(clientId))
        {
            throw new SmtpConfigException(ErrorIds.InvalidOAuthSettings, FailureKind.InvalidArgument, "An OAuth2 profile needs a tenant id and a client id.", "Add -OAuthTenantId <directory (tenant) id> -OAuthClientId <application (client) id> -OAuthClientSecret <SecureString>.", change.Name);
        }

        // Secret-and-certificate and thumbprint-and-file conflicts are refused earlier, with the other field checks.
        bool newCertificate = change.OAuthCertificateThumbprint is not null || change.OAuthCertificatePath is not null;

        // A new credential replaces the old kind: a secret clears the certificate, a certificate the secret.
        bool keepCertificate = !newCertificate && change.OAuthClientSecret is null && previous?.UsesCertificate == true;
        var settings = new OAuthSettings(
            tenant!,
            clientId!,
            change.OAuthScope ?? previous?.Scope ?? OAuthSettings.DefaultScope,
            OAuthSettings.CheckAuthority(change.OAuthAuthority ?? previous?.Authority ?? OAuthSettings.DefaultAuthority))
        {
            CertificateThumbprint = newCertificate ? change.OAuthCertificateThumbprint : keepCertificate ? previous!.CertificateThumbprint : null,
            CertificatePath = newCertificate ? change.OAuthCertificatePath : keepCertificate ? previous!.CertificatePath : null,
        };

        string? secret = previous is not null ? existing!.ProtectedSecret : null;
        bool secretChanged = existing?.Authentication is AuthenticationKind.Password;
        if (settings.UsesCertificate)
        {
            // The secret of a certificate profile is the PFX password (none for a store certificate).
            if (newCertificate || change.OAuthCertificatePassword is not null)
            {
                secret = change.OAuthCertificatePassword is null ? null : Protect(profiles, change.OAuthCertificatePassword, change.Name, protectSecrets);
                secretChanged = true;
            }
        }
        else if (change.OAuthClientSecret is not null)
        {
            secret = Protect(profiles, change.OAuthClientSecret, change.Name, protectSecrets);
            secretChanged = true;
        }
        else if (secret is null && change.CopySecretFrom is not null && !NameEquals(change.CopySecretFrom, change.Name))
        {
            secret = CopySecret(profiles, change.CopySecretFrom, change.Name, protectSecrets);
            secretChanged = secret is not null;
        }

        if (change.OAuthCertificatePassword is not null && settings.CertificatePath is null)
        {
            throw new SmtpConfigException(ErrorIds.InvalidOAuthSettings, FailureKind.InvalidArgument, "-OAuthCertificatePassword was given, but the profile uses no PFX file.", "Give it with -OAuthCertificatePath (a certificate in CurrentUser\\My needs no password).", change.Name);
        }

        if (secret is null && !settings.UsesCertificate)
        {
            throw new SmtpConfigException(ErrorIds.InvalidOAuthSettings, FailureKind.InvalidArgument, "An OAuth2 profile needs a client secret or a certificate.", "Add -OAuthClientSecret (a SecureString), or -OAuthCertificateThumbprint / -OAuthCertificatePath.", change.Name);
        }

        return new Credentials(AuthenticationKind.OAuth2, change.UserName ?? existing?.UserName, secret, settings, secretChanged);
    }

    private string Protect(List<SmtpProfileRecord> profiles, SecureString secret, string profileName, bool protectSecrets)
    {
        if (!protectSecrets)
        {
            return "(pending)";
        }

        GuardAgainstLostKey(profiles, profileName);
        return ProtectNew(secret, profileName);
    }

    private void GuardAgainstLostKey(List<SmtpProfileRecord> profiles, string profileName)
    {
        // A missing key file with secrets still stored means the key was lost: a new key would make those secrets
        // unreadable for good, and restoring the old key would then break this one. Refuse instead.
        if (_protector is KeyFileSecretProtector keyFile && !keyFile.KeyExists &&
            profiles.Any(p => p.ProtectedSecret is not null && !NameEquals(p.Name, profileName)))
        {
            throw new SmtpConfigException(ErrorIds.SecretUnreadable, FailureKind.SecurityError, $"The key file '{keyFile.KeyPath}' is missing while other profiles still hold secrets encrypted with it.", "Restore the key file from a backup, or remove the profiles whose secrets cannot be read (Remove-SmtpConfiguration) and set their passwords again.", keyFile.KeyPath);
        }
    }

    /// <summary>The credential part of a profile after a change.</summary>
    private sealed record Credentials(AuthenticationKind Kind, string? UserName, string? Secret, OAuthSettings? OAuth, bool SecretChanged);

    private string ProtectNew(SecureString password, string profileName)
    {
        byte[] plain = SecretText.ToUtf8(password);
        try
        {
            return _protector.Protect(plain, SecretContext.ForProfile(profileName));
        }
        finally
        {
            Array.Clear(plain, 0, plain.Length);
        }
    }

    private string? CopySecret(List<SmtpProfileRecord> profiles, string sourceName, string targetName, bool protectSecrets)
    {
        SmtpProfileRecord? source = profiles.FirstOrDefault(p => NameEquals(p.Name, sourceName));
        if (source?.ProtectedSecret is null)
        {
            return null;
        }

        if (!protectSecrets)
        {
            return "(pending)";
        }

        // The ciphertext is bound to its profile: decrypt and protect again for the copy.
        byte[] plain = UnprotectFor(source);
        try
        {
            return _protector.Protect(plain, SecretContext.ForProfile(targetName));
        }
        finally
        {
            Array.Clear(plain, 0, plain.Length);
        }
    }
}
