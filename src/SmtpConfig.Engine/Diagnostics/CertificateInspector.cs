using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmtpConfig.Diagnostics;

/// <summary>
/// The certificate policy of a test: strict validation by default, a revocation status that cannot be determined is
/// a warning (never a failure, never a stall), -SkipCertificateCheck accepts anything with a warning, and a pinned
/// thumbprint accepts exactly one certificate. It records the certificate's facts and why it was refused.
/// </summary>
internal sealed class CertificateInspector
{
    private static readonly TimeSpan RevocationLookupBound = TimeSpan.FromSeconds(2);
    private readonly string _server;
    private readonly bool _skipCheck;
    private readonly string? _pinnedThumbprint;

    public CertificateInspector(string server, bool skipCheck, string? pinnedThumbprint)
    {
        _server = server;
        _skipCheck = skipCheck;
        _pinnedThumbprint = pinnedThumbprint;
    }

    /// <summary>The facts of the last certificate seen.</summary>
    public SmtpCertificateInfo? Certificate { get; private set; }

    /// <summary>Why the certificate was refused, or null if it was accepted (or none was seen).</summary>
    public string? Rejection { get; private set; }

    /// <summary>What to do about the refusal.</summary>
    public string? RejectionHint { get; private set; }

    /// <summary>Warnings about an accepted certificate.</summary>
    public List<string> Warnings { get; } = new();

    /// <summary>The SslStream/MailKit validation callback.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            Rejection = "The server presented no certificate.";
            RejectionHint = "The server's TLS setup is incomplete; ask its administrator.";
            return false;
        }

        var cert = new X509Certificate2(certificate);
        IReadOnlyList<string> chainStatus = chain?.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}").ToList() ?? new List<string>();
        Certificate = Describe(cert, chainStatus);

        if (Certificate.DaysUntilExpiry is >= 0 and < 30)
        {
            Warnings.Add($"The server certificate expires in {Certificate.DaysUntilExpiry} days ({Certificate.NotAfter:yyyy-MM-dd}).");
        }

        if (_skipCheck)
        {
            Warnings.Add("Certificate validation was skipped (-SkipCertificateCheck): the server's identity was not verified.");
            return true;
        }

        if (_pinnedThumbprint is not null)
        {
            if (string.Equals(_pinnedThumbprint, Certificate.Thumbprint, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(_pinnedThumbprint, Certificate.ThumbprintSha256, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            Rejection = $"The server's certificate {Certificate.Thumbprint} is not the pinned certificate {_pinnedThumbprint}.";
            RejectionHint = "If the server's certificate was renewed, pin the new thumbprint (Certificate.Thumbprint of this result) after checking it.";
            return false;
        }

        if (errors == SslPolicyErrors.None)
        {
            CheckRevocation(cert, chain);
            return true;
        }

        Explain(cert, errors, chain);
        return false;
    }

    private void Explain(X509Certificate2 cert, SslPolicyErrors errors, X509Chain? chain)
    {
        var reasons = new List<string>();
        var hints = new List<string>();
        DateTime now = DateTime.Now;
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            string names = Certificate!.SubjectAlternativeNames.Count > 0 ? string.Join(", ", Certificate.SubjectAlternativeNames) : cert.GetNameInfo(X509NameType.SimpleName, false);
            reasons.Add($"the certificate is issued for {names}, not for '{_server}'");
            hints.Add($"Connect with one of the names the certificate holds ({names}) as -Server.");
        }

        X509ChainStatusFlags flags = chain?.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (a, s) => a | s.Status) ?? X509ChainStatusFlags.NoError;
        if (cert.NotAfter < now)
        {
            reasons.Add($"the certificate expired on {cert.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC");
            hints.Add("The server's administrator must renew the certificate.");
        }
        else if (cert.NotBefore > now)
        {
            reasons.Add($"the certificate is not valid before {cert.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} UTC");
            hints.Add("Check this computer's clock, or wait until the certificate is valid.");
        }

        if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
        {
            reasons.Add($"it is issued by '{cert.Issuer}', which this computer does not trust");
            hints.Add("Install the issuing CA in the trusted root store (on Linux: the system CA bundle or SSL_CERT_FILE), or pin the certificate with -CertificateThumbprint after checking it.");
        }

        if ((flags & X509ChainStatusFlags.Revoked) != 0)
        {
            reasons.Add("the certificate has been revoked");
            hints.Add("Do not trust this server until its administrator installs a new certificate.");
        }

        if (reasons.Count == 0)
        {
            reasons.Add($"validation failed ({errors}; {string.Join("; ", Certificate!.ChainStatus)})");
            hints.Add("Check the certificate chain the server sends (intermediate certificates included).");
        }

        Rejection = "The server's certificate was refused: " + string.Join("; ", reasons) + ".";
        RejectionHint = string.Join(" ", hints);
    }

    private void CheckRevocation(X509Certificate2 cert, X509Chain? original)
    {
        // SslStream validated without revocation (a private CA without CRL must not fail or stall). Check it here, bounded.
        if (!NamesRevocationSource(cert))
        {
            // Nothing to ask: no chain build (it costs about a millisecond per connection), just the honest warning.
            Warnings.Add("The certificate names no CRL or OCSP responder, so its revocation status could not be determined; it was accepted.");
            return;
        }

        try
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.RevocationMode = X509RevocationMode.Online;
            chain.ChainPolicy.RevocationFlag = X509RevocationFlag.ExcludeRoot;
            chain.ChainPolicy.UrlRetrievalTimeout = RevocationLookupBound;
            if (original is not null)
            {
                foreach (X509ChainElement element in original.ChainElements)
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }

            chain.Build(cert);
            X509ChainStatusFlags flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (a, s) => a | s.Status);
            if ((flags & X509ChainStatusFlags.Revoked) != 0)
            {
                Warnings.Add("The server certificate is reported as REVOKED by its issuer.");
            }
            else if ((flags & (X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation)) != 0)
            {
                Warnings.Add("The certificate's revocation status could not be determined (no reachable CRL or OCSP responder); it was accepted.");
            }
        }
        catch (CryptographicException)
        {
            Warnings.Add("The certificate's revocation status could not be determined; it was accepted.");
        }
    }

    private static bool NamesRevocationSource(X509Certificate2 cert) =>
        cert.Extensions.Cast<X509Extension>().Any(e => e.Oid?.Value is "2.5.29.31" or "1.3.6.1.5.5.7.1.1");

    private static SmtpCertificateInfo Describe(X509Certificate2 cert, IReadOnlyList<string> chainStatus)
    {
        string sha256;
        using (var hash = SHA256.Create())
        {
            sha256 = string.Concat(hash.ComputeHash(cert.RawData).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        }

        return new SmtpCertificateInfo(cert.Subject, cert.Issuer, SubjectAlternativeNames(cert), cert.NotBefore.ToUniversalTime(), cert.NotAfter.ToUniversalTime(), cert.Thumbprint, sha256, chainStatus);
    }

    private static IReadOnlyList<string> SubjectAlternativeNames(X509Certificate2 cert)
    {
        X509Extension? extension = cert.Extensions.Cast<X509Extension>().FirstOrDefault(e => e.Oid?.Value == "2.5.29.17");
        if (extension is null)
        {
            return Array.Empty<string>();
        }

        // Format() differs by platform: "DNS:a, IP Address:1.2.3.4" (OpenSSL) or "DNS Name=a, IP Address=1.2.3.4" (Windows).
        return extension.Format(false)
            .Split(new[] { ',', '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Trim())
            .Select(part =>
            {
                int separator = part.IndexOfAny(new[] { ':', '=' });
                return separator < 0 ? part : part.Substring(separator + 1).Trim();
            })
            .Where(part => part.Length > 0)
            .ToList();
    }
}
