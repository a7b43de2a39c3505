using System;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using SmtpConfig.Tests.Fakes;
using Xunit;

namespace SmtpConfig.Tests.Harness;

public sealed class TestCertificatesTests
{
    [Fact]
    public void Certificates_HaveKeys_Validity_AndNames()
    {
        X509Certificate2 ok = TestCertificates.Localhost;
        Assert.True(ok.HasPrivateKey);
        Assert.True(ok.NotBefore < DateTime.Now && ok.NotAfter > DateTime.Now);
        Assert.True(ok.MatchesHostname("localhost"));
        Assert.True(ok.MatchesHostname("127.0.0.1"));

        using X509Certificate2 expired = TestCertificates.CreateExpired();
        Assert.True(expired.NotAfter < DateTime.Now);

        using X509Certificate2 future = TestCertificates.CreateNotYetValid();
        Assert.True(future.NotBefore > DateTime.Now);

        using X509Certificate2 wrong = TestCertificates.CreateWrongName();
        Assert.False(wrong.MatchesHostname("localhost"));
        Assert.False(wrong.MatchesHostname("127.0.0.1"));
        Assert.True(wrong.MatchesHostname("wrong.example"));
    }

    [Fact]
    public void CaSigned_ChainsToItsAuthority()
    {
        using X509Certificate2 ca = TestCertificates.CreateAuthority();
        using X509Certificate2 leaf = TestCertificates.CreateSigned(ca, dnsNames: ["localhost", "mail.fake.test"], ipAddresses: [IPAddress.Loopback]);
        Assert.True(leaf.HasPrivateKey);
        Assert.Equal(ca.Subject, leaf.Issuer);

        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        Assert.True(chain.Build(leaf), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }
}
