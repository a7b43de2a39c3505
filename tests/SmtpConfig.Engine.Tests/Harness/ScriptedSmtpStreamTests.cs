using System;
using System.Linq;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SmtpConfig.Tests.Fakes;
using Xunit;

namespace SmtpConfig.Tests.Harness;

public sealed class ScriptedSmtpStreamTests
{
    private const string Canary = "Canary-Pa55word!";

    [Fact]
    public void Auth535_ThrowsAuthenticationException_WithoutMismatches()
    {
        var stream = ScriptedSmtpStream.FromResource("auth-535.smtp");
        using var client = new SmtpClient();

        client.Connect(stream, "fake.test", 587, SecureSocketOptions.None);
        Assert.Throws<AuthenticationException>(() => client.Authenticate("user@fake.test", Canary));

        Assert.Empty(stream.Mismatches);
        Assert.True(stream.IsComplete);
        string expected = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0user@fake.test\0" + Canary));
        Assert.Contains("AUTH PLAIN " + expected + "\r\n", stream.ClientText, StringComparison.Ordinal);
    }

    [Fact]
    public void OkAuth_ConnectAuthenticateDisconnect_Succeed()
    {
        var stream = ScriptedSmtpStream.FromResource("ok-auth.smtp");
        using var client = new SmtpClient();

        client.Connect(stream, "fake.test", 587, SecureSocketOptions.None);
        client.Authenticate("user@fake.test", Canary);
        Assert.True(client.IsAuthenticated);
        client.Disconnect(true);

        Assert.Empty(stream.Mismatches);
        Assert.True(stream.IsComplete);
        Assert.EndsWith("QUIT\r\n", stream.ClientText, StringComparison.Ordinal);
    }

    [Fact]
    public void OkSend_RecordsDataPayload()
    {
        var stream = ScriptedSmtpStream.FromResource("ok-send.smtp");
        using var client = new SmtpClient();
        using var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("from@fake.test"));
        message.To.Add(MailboxAddress.Parse("to@fake.test"));
        message.Subject = "harness";
        message.Body = new TextPart("plain") { Text = ".leading dot\r\nbody" };

        client.Connect(stream, "fake.test", 587, SecureSocketOptions.None);
        client.Authenticate("user@fake.test", Canary);
        client.Send(message);
        client.Disconnect(true);

        Assert.Empty(stream.Mismatches);
        string payload = Assert.Single(stream.Messages);
        Assert.Contains("Subject: harness\r\n", payload, StringComparison.Ordinal);
        Assert.Contains("\r\n.leading dot\r\n", payload, StringComparison.Ordinal);
    }

    [Fact]
    public void MismatchTranscript_ReportsScriptLineNumber_AndAnswers500()
    {
        var stream = ScriptedSmtpStream.FromResource("mismatch.smtp");
        using var client = new SmtpClient();

        Assert.ThrowsAny<Exception>(() => client.Connect(stream, "fake.test", 25, SecureSocketOptions.None));

        SmtpMismatch mismatch = Assert.Single(stream.Mismatches);
        Assert.Equal(3, mismatch.LineNumber);
        Assert.Equal("C: HELO *", mismatch.Expected);
        Assert.StartsWith("'EHLO ", mismatch.Actual, StringComparison.Ordinal);
        Assert.Contains("mismatch.smtp line 3", mismatch.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void WrongAuthMechanismExpected_ReportsInlineLineNumber()
    {
        var dialogue = SmtpDialogue.Parse(
            """
            # line 1
            S: 220 fake.test ESMTP
            C: ehlo *
            S: 250-fake.test
            S: 250 AUTH PLAIN LOGIN

            C: AUTH LOGIN
            S: 334 VXNlcm5hbWU6
            """,
            "inline-login");
        var stream = new ScriptedSmtpStream(dialogue);
        using var client = new SmtpClient();

        client.Connect(stream, "fake.test", 587, SecureSocketOptions.None);
        // MailKit ranks PLAIN first; the fake answers 500 and hangs up, so the LOGIN retry finds the connection gone.
        Assert.ThrowsAny<Exception>(() => client.Authenticate("user", Canary));
        Assert.Contains("\r\nAUTH LOGIN\r\n", stream.ClientText, StringComparison.Ordinal);

        SmtpMismatch mismatch = Assert.Single(stream.Mismatches);
        Assert.Equal(7, mismatch.LineNumber);
        Assert.StartsWith("'AUTH PLAIN ", mismatch.Actual, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientStopsEarly_ReportsWhatTheScriptStillExpected()
    {
        var stream = ScriptedSmtpStream.FromResource("ok-auth.smtp");
        using (var client = new SmtpClient())
        {
            client.Connect(stream, "fake.test", 587, SecureSocketOptions.None);
            client.Disconnect(false);
        }

        SmtpMismatch mismatch = Assert.Single(stream.Mismatches);
        Assert.Equal(7, mismatch.LineNumber);
        Assert.Equal("<connection closed by client>", mismatch.Actual);
    }

    [Fact]
    public void Greeting421_And_Garbage_And_Disconnect_SurfaceAsClientErrors()
    {
        foreach (string name in new[] { "greeting-421.smtp", "disconnect-after-ehlo.smtp", "close-before-greeting.smtp" })
        {
            var stream = ScriptedSmtpStream.FromResource(name);
            using var client = new SmtpClient();
            Assert.ThrowsAny<Exception>(() => client.Connect(stream, "fake.test", 25, SecureSocketOptions.None));
            Assert.Empty(stream.Mismatches);
        }

        var garbage = new ScriptedSmtpStream(SmtpDialogue.Parse("! garbage http\n", "garbage-inline"));
        using var garbageClient = new SmtpClient();
        Assert.Throws<SmtpProtocolException>(() => garbageClient.Connect(garbage, "fake.test", 25, SecureSocketOptions.None));
    }

    [Fact]
    public void ScriptsNeedingSockets_AreRejected()
    {
        var error = Assert.Throws<NotSupportedException>(() => ScriptedSmtpStream.FromResource("silent.smtp"));
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }
}
