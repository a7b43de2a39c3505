using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using SmtpConfig.Tests.Diagnostics;
using SmtpConfig.Tests.Fakes;
using Xunit;

namespace SmtpConfig.Tests.Mail;

/// <summary>Shared helpers for the Send-SmtpTestMail tests: requests against a loopback fake, result descriptions.</summary>
internal static class SendKit
{
    public const string From = "sender@example.com";
    public const string Alice = "alice@example.net";
    public const string Bob = "bob@example.net";

    public static SmtpTestMailRequest Request(LoopbackSmtpServer server, string from, params string[] to) =>
        Request(server, credentials: false, from, to);

    public static SmtpTestMailRequest Request(LoopbackSmtpServer server, bool credentials, string from, params string[] to)
    {
        SmtpProbeRequest connection = ProbeKit.Request(server, credentials: credentials);
        connection.ProfileName = "Relay-Profile";
        return new SmtpTestMailRequest(connection, from, to)
        {
            ComputerName = "BUILD-PC-17",
            UserName = "tester-jane",
        };
    }

    /// <summary>Sends on a dedicated thread, then waits until the fake has finished the connection.</summary>
    public static async Task<SmtpTestMailResult> SendAsync(LoopbackSmtpServer server, SmtpTestMailRequest request)
    {
        SmtpTestMailResult result = await ProbeKit.OnOwnThread(() => TestMailSender.Send(request, CancellationToken.None));
        await server.Completion.WaitAsync(ProbeKit.Patience);
        return result;
    }

    public static string Describe(SmtpTestMailResult result) =>
        $"{result}\nSucceeded: {result.Succeeded} FailedStage: {result.FailedStage} Code: {result.SmtpStatusCode} {result.EnhancedStatusCode}\n" +
        $"Error: {result.Error}\nHint: {result.Hint}\nServerResponse: {result.ServerResponse}\n" +
        $"Accepted: {string.Join(", ", result.AcceptedRecipients)}\nRejected: {string.Join(" | ", result.RejectedRecipients)}\n" +
        $"Stages: {string.Join(" | ", result.Stages)}\nTranscript:\n{string.Join("\n", result.Transcript)}";

    public static string Describe(LoopbackSmtpServer server) =>
        $"Mismatches: {string.Join(" | ", server.Mismatches)}\nErrors: {string.Join(" | ", server.Errors)}\nClient sent:\n{server.ClientText}";

    /// <summary>The client followed the script to its end.</summary>
    public static void AssertScriptFollowed(LoopbackSmtpServer server, SmtpTestMailResult result) =>
        Assert.True(server.Mismatches.Count == 0, Describe(server) + "\n" + Describe(result));

    /// <summary>The failure lands on its stage with its hint; the stages before it passed.</summary>
    public static void AssertFailed(SmtpTestMailResult result, SmtpStage stage, string hint, int? code)
    {
        string context = Describe(result);
        Assert.False(result.Succeeded, context);
        Assert.True(stage == result.FailedStage, $"FailedStage {result.FailedStage}, expected {stage}\n{context}");
        Assert.True(hint == result.Hint, $"Hint '{result.Hint}', expected '{hint}'\n{context}");
        Assert.True(code == result.SmtpStatusCode, $"SmtpStatusCode {result.SmtpStatusCode}, expected {code}\n{context}");
        Assert.False(string.IsNullOrWhiteSpace(result.Error), context);
        Assert.Contains(result.Stages, s => s.Name == stage && !s.Succeeded);
        Assert.Equal(SmtpStage.Resolve, result.Stages[0].Name);
        for (int i = 1; i < result.Stages.Count; i++)
        {
            Assert.True(result.Stages[i - 1].Name < result.Stages[i].Name, "Stages out of order or repeated\n" + context);
        }

        Assert.DoesNotContain(result.Stages, s => s.Name > stage);
        Assert.Contains("failed at " + stage, result.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The client never sent DATA (nor any message content).</summary>
    public static void AssertNoData(LoopbackSmtpServer server)
    {
        Assert.Empty(server.Messages);
        Assert.DoesNotContain("\r\nDATA\r\n", server.ClientText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("X-SmtpConfig-TestId", server.ClientText, StringComparison.OrdinalIgnoreCase);
    }

    public static MimeMessage Parse(string payload) => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(payload)));

    /// <summary>The raw value of a header as it went over the wire (unfolded).</summary>
    public static string? RawHeader(string payload, string name)
    {
        string headers = payload.Split("\r\n\r\n", 2)[0].Replace("\r\n ", " ", StringComparison.Ordinal).Replace("\r\n\t", " ", StringComparison.Ordinal);
        string? line = headers.Split("\r\n").FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase));
        return line?[(name.Length + 1)..].Trim();
    }
}
