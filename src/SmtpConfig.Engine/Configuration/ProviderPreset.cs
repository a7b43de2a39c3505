namespace SmtpConfig;

/// <summary>Providers whose documented submission settings Set-SmtpConfiguration -Preset fills in.</summary>
public enum ProviderPreset
{
    /// <summary>Microsoft 365 / Exchange Online: smtp.office365.com, 587, STARTTLS, OAuth2 (client credentials).</summary>
    Microsoft365,

    /// <summary>Gmail / Google Workspace: smtp.gmail.com, 587, STARTTLS, an app password.</summary>
    Gmail,

    /// <summary>Amazon SES: email-smtp.REGION.amazonaws.com, 587, STARTTLS, SES SMTP credentials.</summary>
    AmazonSES,
}
