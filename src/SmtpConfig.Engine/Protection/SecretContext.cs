namespace SmtpConfig.Protection;

/// <summary>The authenticated context a secret is bound to, so a ciphertext copied onto another profile fails to decrypt.</summary>
internal static class SecretContext
{
    public static string ForProfile(string profileName) => "SmtpConfig/v1/profile/" + profileName.ToUpperInvariant();
}
