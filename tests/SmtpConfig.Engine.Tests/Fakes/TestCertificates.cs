using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmtpConfig.Tests.Fakes;

/// <summary>
/// In-memory server certificates for <see cref="LoopbackSmtpServer"/>. Every certificate returned carries its
/// private key in a form SslStream can use as a server on Linux (re-imported from PKCS#12).
/// Keys are ECDSA P-256 (fast to make).
/// </summary>
public static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> SharedLocalhost = new(() => CreateSelfSigned());

    /// <summary>A cached valid self-signed certificate for localhost/127.0.0.1/::1. Do not dispose it.</summary>
    public static X509Certificate2 Localhost => SharedLocalhost.Value;

    /// <summary>
    /// A self-signed server certificate. Defaults: subject <c>CN=localhost</c>, DNS name <c>localhost</c>,
    /// IP addresses 127.0.0.1 and ::1, valid from one day ago for 30 days.
    /// </summary>
    public static X509Certificate2 CreateSelfSigned(
        string commonName = "localhost",
        IEnumerable<string>? dnsNames = null,
        IEnumerable<IPAddress>? ipAddresses = null,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest request = ServerRequest(key, commonName, dnsNames ?? ["localhost"], ipAddresses ?? [IPAddress.Loopback, IPAddress.IPv6Loopback]);
        (DateTimeOffset from, DateTimeOffset to) = Validity(notBefore, notAfter);
        using X509Certificate2 certificate = request.CreateSelfSigned(from, to);
        return Reimport(certificate);
    }

    /// <summary>A certificate that expired yesterday (valid from 30 days ago).</summary>
    public static X509Certificate2 CreateExpired(string commonName = "localhost") =>
        CreateSelfSigned(commonName, notBefore: DateTimeOffset.UtcNow.AddDays(-30), notAfter: DateTimeOffset.UtcNow.AddDays(-1));

    /// <summary>A certificate that becomes valid tomorrow.</summary>
    public static X509Certificate2 CreateNotYetValid(string commonName = "localhost") =>
        CreateSelfSigned(commonName, notBefore: DateTimeOffset.UtcNow.AddDays(1), notAfter: DateTimeOffset.UtcNow.AddDays(30));

    /// <summary>A valid certificate for another host name only (no localhost, no loopback IPs).</summary>
    public static X509Certificate2 CreateWrongName(string dnsName = "wrong.example") =>
        CreateSelfSigned(dnsName, dnsNames: [dnsName], ipAddresses: []);

    /// <summary>A self-signed certificate authority (with private key) for <see cref="CreateSigned"/>.</summary>
    public static X509Certificate2 CreateAuthority(
        string commonName = "SmtpConfig Test CA",
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + commonName), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        (DateTimeOffset from, DateTimeOffset to) = Validity(notBefore ?? DateTimeOffset.UtcNow.AddDays(-2), notAfter ?? DateTimeOffset.UtcNow.AddDays(365));
        using X509Certificate2 certificate = request.CreateSelfSigned(from, to);
        return Reimport(certificate);
    }

    /// <summary>
    /// A server certificate signed by <paramref name="issuer"/> (which must have a private key; the validity
    /// must lie within the issuer's). Same defaults as <see cref="CreateSelfSigned"/>.
    /// </summary>
    public static X509Certificate2 CreateSigned(
        X509Certificate2 issuer,
        string commonName = "localhost",
        IEnumerable<string>? dnsNames = null,
        IEnumerable<IPAddress>? ipAddresses = null,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest request = ServerRequest(key, commonName, dnsNames ?? ["localhost"], ipAddresses ?? [IPAddress.Loopback, IPAddress.IPv6Loopback]);
        (DateTimeOffset from, DateTimeOffset to) = Validity(notBefore, notAfter);
        byte[] serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7f;
        using X509Certificate2 publicOnly = request.Create(issuer, from, to, serial);
        using X509Certificate2 withKey = publicOnly.CopyWithPrivateKey(key);
        return Reimport(withKey);
    }

    private static CertificateRequest ServerRequest(ECDsa key, string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> ipAddresses)
    {
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + commonName), key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        bool any = false;
        foreach (string name in dnsNames)
        {
            san.AddDnsName(name);
            any = true;
        }

        foreach (IPAddress address in ipAddresses)
        {
            san.AddIpAddress(address);
            any = true;
        }

        if (any)
        {
            request.CertificateExtensions.Add(san.Build());
        }

        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    private static (DateTimeOffset From, DateTimeOffset To) Validity(DateTimeOffset? notBefore, DateTimeOffset? notAfter)
    {
        DateTimeOffset from = notBefore ?? DateTimeOffset.UtcNow.AddDays(-1);
        DateTimeOffset to = notAfter ?? DateTimeOffset.UtcNow.AddDays(30);
        return (from, to);
    }

    /// <summary>SslStream on Linux needs a PKCS#12-backed key, not the ephemeral one CertificateRequest made.</summary>
    private static X509Certificate2 Reimport(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
}
