using System;
using System.Collections.Generic;

namespace SmtpConfig;

/// <summary>The facts of the server's certificate, as a person checking it would want them.</summary>
public sealed class SmtpCertificateInfo
{
    internal SmtpCertificateInfo(string subject, string issuer, IReadOnlyList<string> subjectAlternativeNames, DateTime notBefore, DateTime notAfter, string thumbprint, string thumbprintSha256, IReadOnlyList<string> chainStatus)
    {
        Subject = subject;
        Issuer = issuer;
        SubjectAlternativeNames = subjectAlternativeNames;
        NotBefore = notBefore;
        NotAfter = notAfter;
        Thumbprint = thumbprint;
        ThumbprintSha256 = thumbprintSha256;
        ChainStatus = chainStatus;
    }

    /// <summary>The subject distinguished name.</summary>
    public string Subject { get; }

    /// <summary>The issuer distinguished name.</summary>
    public string Issuer { get; }

    /// <summary>The DNS names and IP addresses the certificate is valid for.</summary>
    public IReadOnlyList<string> SubjectAlternativeNames { get; }

    /// <summary>Valid from (UTC).</summary>
    public DateTime NotBefore { get; }

    /// <summary>Valid until (UTC).</summary>
    public DateTime NotAfter { get; }

    /// <summary>Whole days left until <see cref="NotAfter"/> (negative once expired).</summary>
    public int DaysUntilExpiry => (int)Math.Floor((NotAfter - DateTime.UtcNow).TotalDays);

    /// <summary>The SHA-1 thumbprint (what -CertificateThumbprint pins).</summary>
    public string Thumbprint { get; }

    /// <summary>The SHA-256 thumbprint (also accepted by -CertificateThumbprint).</summary>
    public string ThumbprintSha256 { get; }

    /// <summary>The chain's problems as .NET reports them (empty when the chain is good).</summary>
    public IReadOnlyList<string> ChainStatus { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Subject} (issuer {Issuer}, until {NotAfter:yyyy-MM-dd}, {Thumbprint})";
}
