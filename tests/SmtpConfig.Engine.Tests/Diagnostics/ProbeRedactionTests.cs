using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading.Tasks;
using MailKit.Net.Smtp;
using MailKit.Security;
using SmtpConfig.Diagnostics;
using SmtpConfig.Tests.Fakes;
using Xunit;
using static SmtpConfig.Tests.Diagnostics.ProbeKit;

namespace SmtpConfig.Tests.Diagnostics;

/// <summary>The password (or token) reaches the server but never the result, in any encoding.</summary>
public sealed class ProbeRedactionTests
{
    [Theory]
    [InlineData("ok-auth.smtp", true)]
    [InlineData("probe-auth-535-578.smtp", false)]
    [InlineData("probe-auth-login-ok.smtp", true)]
    [InlineData("probe-auth-login-535.smtp", false)]
    public async Task PlainAndLogin_SecretReachesServer_ButNeverTheResult(string transcript, bool accepted)
    {
        await using LoopbackSmtpServer server = Server(transcript);
        SmtpConnectionTestResult result = await RunAsync(server, Request(server, credentials: true));

        Assert.Empty(server.Mismatches);
        Assert.Equal(accepted, result.Succeeded);
        Assert.Equal(accepted, result.Authenticated);
        AssertServerSawSecret(server);
        AssertNoSecret(result);
        Assert.Contains(result.Transcript, l => l.Contains(TranscriptRecorder.Redacted, StringComparison.Ordinal));
        Assert.Contains(result.Transcript, l => l.Contains("C: AUTH ", StringComparison.Ordinal));
        if (!accepted)
        {
            Assert.Equal(SmtpStage.Authenticate, result.FailedStage);
            Assert.NotNull(result.ServerResponse);
        }
    }

    [Fact]
    public async Task StartTlsPlain_SecretInsideTls_NeverInTheResult()
    {
        await using LoopbackSmtpServer server = Server("ok-starttls-auth.smtp");
        SmtpConnectionTestResult result = await RunAsync(server, Pinned(server, EncryptionMode.StartTls, credentials: true));

        Assert.True(result.Succeeded, Describe(result));
        AssertServerSawSecret(server);
        AssertNoSecret(result);
    }

    [Theory]
    [InlineData("probe-xoauth2-ok.smtp")]
    [InlineData("probe-xoauth2-error.smtp")]
    public async Task XOAuth2_ThroughMailKit_TokenNeverInTheTranscript(string transcript)
    {
        // The probe has no OAuth2 input yet: drive MailKit's XOAUTH2 with the probe's recorder as protocol logger.
        await using LoopbackSmtpServer server = Server(transcript);
        var recorder = new TranscriptRecorder(Stopwatch.StartNew());
        using (var client = new SmtpClient(recorder))
        {
            client.Timeout = 5000;
            await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
            try
            {
                await client.AuthenticateAsync(new SaslMechanismOAuth2(User, Canary));
                await client.DisconnectAsync(true);
            }
            catch (AuthenticationException)
            {
                // The refusal variant.
            }
        }

        await server.Completion.WaitAsync(Patience);
        Assert.Empty(server.Mismatches);
        // MailKit encodes the XOAUTH2 string as Latin-1 (tokens are ASCII in practice); accept either encoding.
        string sent = server.ClientText;
        Assert.True(
            sent.Contains("AUTH XOAUTH2 " + XOAuth2(User, Canary, Encoding.UTF8), StringComparison.Ordinal) || sent.Contains("AUTH XOAUTH2 " + XOAuth2(User, Canary, Encoding.Latin1), StringComparison.Ordinal),
            "The fake server never received the token:\n" + sent);
        AssertNoSecret(new Dictionary<string, string?> { ["Transcript"] = string.Join("\n", recorder.Lines), ["LastReply"] = recorder.LastReply });
        Assert.Contains(recorder.Lines, l => l.EndsWith("C: AUTH XOAUTH2 " + TranscriptRecorder.Redacted, StringComparison.Ordinal));
    }

    [Fact]
    public void Recorder_XOAuth2Line_IsRedacted_EvenWhenFedByteByByte()
    {
        var recorder = new TranscriptRecorder(Stopwatch.StartNew());
        Reply(recorder, "220 fake.test ESMTP\r\n");
        Client(recorder, "EHLO me\r\n", bytewise: false);
        Reply(recorder, "250-fake.test\r\n250 AUTH XOAUTH2 PLAIN\r\n");
        Client(recorder, "AUTH XOAUTH2 " + XOAuth2(User, Canary) + "\r\n", bytewise: true);
        Reply(recorder, "334 eyJzdGF0dXMiOiI0MDEifQ==\r\n");
        Client(recorder, "\r\n", bytewise: true);
        Reply(recorder, "535 5.7.8 Username and Password not accepted\r\n");
        // A second attempt with PLAIN without an initial response: the blob comes after a 334.
        Client(recorder, "AUTH PLAIN\r\n", bytewise: false);
        Reply(recorder, "334 \r\n");
        Client(recorder, Convert.ToBase64String(Encoding.UTF8.GetBytes("\0" + User + "\0" + Canary)) + "\r\n", bytewise: true);
        Reply(recorder, "235 2.7.0 ok\r\n");
        Client(recorder, "QUIT\r\n", bytewise: false);

        string transcript = string.Join("\n", recorder.Lines);
        AssertNoSecret(new Dictionary<string, string?> { ["Transcript"] = transcript });
        Assert.Contains("C: AUTH XOAUTH2 " + TranscriptRecorder.Redacted, transcript, StringComparison.Ordinal);
        Assert.Contains("C: QUIT", transcript, StringComparison.Ordinal);
        Assert.Equal("QUIT", recorder.LastCommand);
    }

    [Fact]
    public void Recorder_AuthLoginWithInitialUser_PasswordLineRedacted()
    {
        var recorder = new TranscriptRecorder(Stopwatch.StartNew());
        Reply(recorder, "220 fake.test ESMTP\r\n");
        Client(recorder, "AUTH LOGIN " + B64(User) + "\r\n", bytewise: false);
        Reply(recorder, "334 UGFzc3dvcmQ6\r\n");
        Client(recorder, B64(Canary) + "\r\n", bytewise: false);
        Reply(recorder, "535 5.7.8 Authentication credentials invalid\r\n");

        AssertNoSecret(new Dictionary<string, string?> { ["Transcript"] = string.Join("\n", recorder.Lines) });
    }

    private static void AssertServerSawSecret(LoopbackSmtpServer server)
    {
        // Proof that the checks can see the secret: the server did receive it, encoded as the mechanism wants.
        string text = server.ClientText;
        bool plain = text.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes("\0" + User + "\0" + Canary)), StringComparison.Ordinal);
        bool login = text.Contains("\r\n" + B64(Canary) + "\r\n", StringComparison.Ordinal);
        Assert.True(plain || login, "The fake server never received the secret:\n" + text);
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string XOAuth2(string user, string token, Encoding? encoding = null) =>
        Convert.ToBase64String((encoding ?? Encoding.UTF8).GetBytes($"user={user}\u0001auth=Bearer {token}\u0001\u0001"));

    private static void Reply(TranscriptRecorder recorder, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        recorder.LogServer(bytes, 0, bytes.Length);
    }

    private static void Client(TranscriptRecorder recorder, string text, bool bytewise)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        if (!bytewise)
        {
            recorder.LogClient(bytes, 0, bytes.Length);
            return;
        }

        for (int i = 0; i < bytes.Length; i++)
        {
            recorder.LogClient(bytes, i, 1);
        }
    }
}
