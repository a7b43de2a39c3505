using System;
using System.IO;
using System.Linq;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using SmtpConfig.Protection;

namespace SmtpConfig.OAuth;

/// <summary>
/// The certificate credential of the client-credentials flow: a short-lived JWT (RS256, x5t header) signed with the
/// app's certificate, sent as client_assertion instead of a client secret.
/// </summary>
internal static class ClientAssertion
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>Loads the certificate with its private key, from CurrentUser\My by thumbprint or from a PFX file.</summary>
    public static X509Certificate2 LoadCertificate(OAuthSettings settings, SecureString? pfxPassword)
    {
        if (settings.CertificatePath is not null)
        {
            if (!File.Exists(settings.CertificatePath))
            {
                throw new OAuthTokenException($"The certificate file '{settings.CertificatePath}' does not exist.", null, null, null) { IsCertificateProblem = true };
            }

            try
            {
                string? password = pfxPassword is null ? null : SecretText.Reveal(pfxPassword);
                return new X509Certificate2(settings.CertificatePath, password, X509KeyStorageFlags.UserKeySet);
            }
            catch (CryptographicException ex)
            {
                throw new OAuthTokenException($"The certificate file '{settings.CertificatePath}' cannot be opened (wrong password or not a PFX file): {ex.Message}", null, null, null, ex) { IsCertificateProblem = true };
            }
        }

        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadOnly);
        // A SHA-1 (40 digits) or SHA-256 (64 digits) thumbprint, as -CertificateThumbprint accepts both.
        X509Certificate2? found = store.Certificates.Cast<X509Certificate2>().FirstOrDefault(c =>
            string.Equals(c.Thumbprint, settings.CertificateThumbprint, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(Sha256(c), settings.CertificateThumbprint, StringComparison.OrdinalIgnoreCase));
        return found ?? throw new OAuthTokenException($"No certificate with thumbprint {settings.CertificateThumbprint} is in the current user's certificate store (CurrentUser\\My).", null, null, null) { IsCertificateProblem = true };
    }

    /// <summary>Builds and signs the assertion for the token endpoint.</summary>
    public static string Create(OAuthSettings settings, X509Certificate2 certificate)
    {
        using RSA rsa = certificate.GetRSAPrivateKey()
            ?? throw new OAuthTokenException($"The certificate {certificate.Thumbprint} has no RSA private key here (the Microsoft identity platform needs RS256).", null, null, null) { IsCertificateProblem = true };
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string header = Json(w =>
        {
            w.WriteString("alg", "RS256");
            w.WriteString("typ", "JWT");
            w.WriteString("x5t", Base64Url(certificate.GetCertHash()));
        });
        string payload = Json(w =>
        {
            w.WriteString("aud", settings.TokenEndpoint.AbsoluteUri);
            w.WriteString("iss", settings.ClientId);
            w.WriteString("sub", settings.ClientId);
            w.WriteString("jti", Guid.NewGuid().ToString());
            w.WriteNumber("nbf", now);
            w.WriteNumber("exp", now + 600);
        });
        string signingInput = Base64Url(Encoding.UTF8.GetBytes(header)) + "." + Base64Url(Encoding.UTF8.GetBytes(payload));
        byte[] signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    private static string Sha256(X509Certificate2 certificate)
    {
        using var sha = SHA256.Create();
        return string.Concat(sha.ComputeHash(certificate.RawData).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
