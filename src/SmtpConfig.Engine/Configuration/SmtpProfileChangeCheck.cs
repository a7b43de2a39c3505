namespace SmtpConfig;

/// <summary>The field-by-field checks of a change, run before anything is read or written.</summary>
internal static class SmtpProfileChangeCheck
{
    public static void CheckFields(SmtpProfileChange change)
    {
        SmtpSettingsRules.CheckProfileName(change.Name);
        if (change.Server is not null)
        {
            change.Server = SmtpSettingsRules.CheckServer(change.Server);
        }

        if (change.Port is int port)
        {
            SmtpSettingsRules.CheckPort(port);
        }

        if (change.From is not null)
        {
            change.From = SmtpSettingsRules.CheckMailbox(change.From, ErrorIds.InvalidFromAddress, "From");
        }

        SmtpSettingsRules.CheckNoControlCharacters(change.UserName, "UserName");
        if (change.UserName is not null && change.UserName.Trim().Length == 0)
        {
            throw new SmtpConfigException(ErrorIds.UserNameWithoutPassword, FailureKind.InvalidArgument, "The user name is empty.", "Give the login name, or -NoCredential to remove the stored login.", change.Name);
        }

        SmtpSettingsRules.CheckNoControlCharacters(change.OAuthTenantId, "OAuthTenantId");
        SmtpSettingsRules.CheckNoControlCharacters(change.OAuthClientId, "OAuthClientId");
        SmtpSettingsRules.CheckNoControlCharacters(change.OAuthScope, "OAuthScope");
        bool certificate = change.OAuthCertificateThumbprint is not null || change.OAuthCertificatePath is not null;
        if (certificate && change.OAuthClientSecret is not null)
        {
            throw new SmtpConfigException(ErrorIds.InvalidOAuthSettings, FailureKind.InvalidArgument, "Both a client secret and a certificate were given.", "An app proves itself with one credential: give -OAuthClientSecret, or -OAuthCertificateThumbprint / -OAuthCertificatePath.", change.Name);
        }

        if (change.OAuthCertificateThumbprint is not null && change.OAuthCertificatePath is not null)
        {
            throw new SmtpConfigException(ErrorIds.InvalidOAuthSettings, FailureKind.InvalidArgument, "Both a certificate thumbprint and a certificate file were given.", "Give -OAuthCertificateThumbprint (a certificate in CurrentUser\\My) or -OAuthCertificatePath (a PFX file), not both.", change.Name);
        }

        if (!string.IsNullOrEmpty(change.OAuthCertificateThumbprint))
        {
            change.OAuthCertificateThumbprint = SmtpSettingsRules.CheckThumbprint(change.OAuthCertificateThumbprint!);
        }

        if (change.OAuthCertificatePath is not null)
        {
            SmtpSettingsRules.CheckNoControlCharacters(change.OAuthCertificatePath, "OAuthCertificatePath");
            change.OAuthCertificatePath = System.IO.Path.GetFullPath(change.OAuthCertificatePath);
            if (!System.IO.File.Exists(change.OAuthCertificatePath))
            {
                throw new SmtpConfigException(ErrorIds.InvalidOAuthSettings, FailureKind.InvalidArgument, $"The certificate file '{change.OAuthCertificatePath}' does not exist.", "Give the path of a PFX (PKCS#12) file that holds the app's certificate and private key.", change.OAuthCertificatePath);
            }
        }

        if (change.OAuthAuthority is not null)
        {
            change.OAuthAuthority = OAuthSettings.CheckAuthority(change.OAuthAuthority);
        }

        if (change.TimeoutSec is int timeout)
        {
            SmtpSettingsRules.CheckTimeout(timeout);
        }

        if (!string.IsNullOrEmpty(change.CertificateThumbprint))
        {
            change.CertificateThumbprint = SmtpSettingsRules.CheckThumbprint(change.CertificateThumbprint!);
        }
    }
}
