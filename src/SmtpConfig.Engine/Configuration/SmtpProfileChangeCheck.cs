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
