namespace SmtpConfig.Protection;

/// <summary>Encrypts a secret for storage and decrypts it again, bound to a context (the profile) it was protected for.</summary>
internal interface ISecretProtector
{
    /// <summary>Returns a printable blob that holds the secret encrypted; the context is authenticated, not stored.</summary>
    string Protect(byte[] secret, string context);

    /// <summary>Returns the secret; throws <see cref="SmtpConfigException"/> (SecretUnreadable) when the blob was tampered with, or belongs to another key or context.</summary>
    byte[] Unprotect(string blob, string context);
}
