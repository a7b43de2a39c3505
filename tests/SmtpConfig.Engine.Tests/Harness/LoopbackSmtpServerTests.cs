using System;
using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using MailKit.Net.Smtp;
using MailKit.Security;
using SmtpConfig.Tests.Fakes;
using Xunit;

namespace SmtpConfig.Tests.Harness;

public sealed class LoopbackSmtpServerTests
{
    private const string Canary = "Canary-Pa55word!";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task StartTls_Authenticate_RecordsDecryptedAuthLine()
    {
        X509Certificate2 certificate = TestCertificates.Localhost;
        await using var server = LoopbackSmtpServer.FromResource("ok-starttls-auth.smtp", certificate);
        using var client = NewClient(certificate);

        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.StartTls);
        Assert.True(client.IsSecure);
        await client.AuthenticateAsync("user@fake.test", Canary);
        await client.DisconnectAsync(true);
        await server.Completion.WaitAsync(Patience);

        Assert.Empty(server.Mismatches);
        Assert.Empty(server.Errors);
        Assert.Equal(1, server.ConnectionCount);
        Assert.Contains("AUTH PLAIN " + PlainResponse("user@fake.test", Canary) + "\r\n", server.ClientText, StringComparison.Ordinal);
        Assert.Contains("STARTTLS\r\n", server.ClientText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImplicitTls_Authenticate_RecordsDecryptedAuthLine()
    {
        X509Certificate2 certificate = TestCertificates.Localhost;
        await using var server = new LoopbackSmtpServer(SmtpDialogue.FromResource("ok-auth.smtp"), certificate, implicitTls: true);
        using var client = NewClient(certificate);

        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.SslOnConnect);
        Assert.True(client.IsSecure);
        await client.AuthenticateAsync("user@fake.test", Canary);
        await client.DisconnectAsync(true);
        await server.Completion.WaitAsync(Patience);

        Assert.Empty(server.Mismatches);
        Assert.Empty(server.Errors);
        Assert.StartsWith("EHLO ", server.ClientText, StringComparison.Ordinal);
        Assert.Contains("AUTH PLAIN " + PlainResponse("user@fake.test", Canary) + "\r\n", server.ClientText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificateRejectedByClient_FailsHandshake_AndServerLogsError()
    {
        await using var server = LoopbackSmtpServer.FromResource("ok-starttls-auth.smtp", TestCertificates.Localhost);
        using var client = NewClient(TestCertificates.Localhost);
        client.ServerCertificateValidationCallback = (_, _, _, _) => false;

        await Assert.ThrowsAsync<SslHandshakeException>(() => client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.StartTls));
        await server.Completion.WaitAsync(Patience);

        // Depending on the TLS version the server either sees the handshake fail (an error) or completes it and
        // then sees the client hang up before the EHLO of line 10 (a mismatch); never any command inside TLS.
        Assert.Equal(1, server.Errors.Count + server.Mismatches.Count);
        Assert.All(server.Mismatches, m => Assert.Equal(10, m.LineNumber));
        Assert.DoesNotContain("AUTH", server.ClientText, StringComparison.Ordinal);
        Assert.EndsWith("STARTTLS\r\n", server.ClientText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silent_ClientTimesOutInAboutASecond()
    {
        await using var server = LoopbackSmtpServer.FromResource("silent.smtp");
        using var client = new SmtpClient { Timeout = 1000 };

        var watch = Stopwatch.StartNew();
        Exception error = await Record.ExceptionAsync(() => Task.Run(() => client.Connect(server.Host, server.Port, SecureSocketOptions.None)));
        watch.Stop();

        Assert.NotNull(error);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(5));
        await server.Completion.WaitAsync(Patience);
        Assert.Empty(server.Mismatches);
    }

    [Fact]
    public async Task Dispose_WhileStalled_ReturnsPromptly_AndClosesTheClient()
    {
        var server = LoopbackSmtpServer.FromResource("silent.smtp");
        using var raw = new TcpClient();
        await raw.ConnectAsync(server.Host, server.Port);
        await WaitUntilAsync(() => server.ConnectionCount == 1);
        Task<int> read = raw.GetStream().ReadAsync(new byte[16]).AsTask();

        var watch = Stopwatch.StartNew();
        server.Dispose();
        watch.Stop();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"Dispose took {watch.Elapsed}");
        Assert.True(server.Completion.IsCompleted);
        Exception? readError = await Record.ExceptionAsync(async () => Assert.Equal(0, await read.WaitAsync(Patience)));
        Assert.True(readError is null or System.IO.IOException, readError?.ToString());
        await server.DisposeAsync();
    }

    [Fact]
    public async Task DisconnectMidDialogue_SurfacesAsClientException()
    {
        await using var server = LoopbackSmtpServer.FromResource("disconnect-after-ehlo.smtp");
        using var client = new SmtpClient { Timeout = 3000 };

        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None));
        await server.Completion.WaitAsync(Patience);

        Assert.True(error is SmtpProtocolException or System.IO.IOException, error.ToString());
        Assert.False(client.IsConnected);
        Assert.Empty(server.Mismatches);
    }

    [Fact]
    public async Task Mismatch_IsRecordedWithLineNumber_AndClientGets500()
    {
        await using var server = LoopbackSmtpServer.FromResource("mismatch.smtp");
        using var client = new SmtpClient { Timeout = 3000 };

        await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None));
        await server.Completion.WaitAsync(Patience);

        SmtpMismatch mismatch = Assert.Single(server.Mismatches);
        Assert.Equal(3, mismatch.LineNumber);
        Assert.Equal(1, mismatch.Connection);
        Assert.StartsWith("'EHLO ", mismatch.Actual, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DialogueList_PlaysOnePerConnection_AndReportsExtraConnections()
    {
        await using var server = new LoopbackSmtpServer([SmtpDialogue.FromResource("greeting-421.smtp"), SmtpDialogue.FromResource("ok-auth.smtp")]);

        using (var first = new SmtpClient { Timeout = 3000 })
        {
            var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => first.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None));
            Assert.Equal(421, (int)refused.StatusCode);
        }

        using (var second = new SmtpClient { Timeout = 3000 })
        {
            await second.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
            await second.AuthenticateAsync("user", Canary);
            await second.DisconnectAsync(true);
        }

        await server.Completion.WaitAsync(Patience);
        Assert.Empty(server.Mismatches);

        using (var third = new SmtpClient { Timeout = 3000 })
        {
            await Assert.ThrowsAnyAsync<Exception>(() => third.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None));
        }

        await WaitUntilAsync(() => server.Mismatches.Count == 1);
        Assert.Equal(3, server.Mismatches[0].Connection);
        Assert.Equal(3, server.ConnectionCount);
    }

    [Fact]
    public async Task Garbage_FailsTheClient_WithProtocolError()
    {
        await using var server = LoopbackSmtpServer.FromResource("garbage.smtp");
        using var client = new SmtpClient { Timeout = 3000 };

        await Assert.ThrowsAsync<SmtpProtocolException>(() => client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None));
        client.Dispose();
        await server.Completion.WaitAsync(Patience);

        Assert.Empty(server.Mismatches);
    }

    [Fact]
    public async Task Auth535_OverTcp_ThrowsAuthenticationException()
    {
        await using var server = LoopbackSmtpServer.FromResource("auth-535.smtp");
        using var client = new SmtpClient { Timeout = 3000 };

        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
        await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync("user", Canary));
        await server.Completion.WaitAsync(Patience);

        Assert.Empty(server.Mismatches);
        Assert.Contains("AUTH PLAIN " + PlainResponse("user", Canary), server.ClientText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auth535_BothMechanisms_MailKitTriesPlainThenLogin()
    {
        await using var server = LoopbackSmtpServer.FromResource("auth-535-plain-login.smtp");
        using var client = new SmtpClient { Timeout = 3000 };

        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
        await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync("user", Canary));
        await server.Completion.WaitAsync(Patience);

        Assert.Empty(server.Mismatches);
        Assert.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes(Canary)) + "\r\n", server.ClientText, StringComparison.Ordinal);
    }

    private static SmtpClient NewClient(X509Certificate2 expected)
    {
        string thumbprint = expected.Thumbprint;
        return new SmtpClient
        {
            Timeout = 3000,
            CheckCertificateRevocation = false,
            ServerCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && string.Equals(certificate.GetCertHashString(), thumbprint, StringComparison.OrdinalIgnoreCase),
        };
    }

    private static string PlainResponse(string user, string password) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("\0" + user + "\0" + password));

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < Patience, "condition not reached in time");
            await Task.Delay(10);
        }
    }
}
