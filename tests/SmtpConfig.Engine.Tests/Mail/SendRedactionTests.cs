using System.Collections.Generic;
using System.Threading.Tasks;
using SmtpConfig.Tests.Diagnostics;
using SmtpConfig.Tests.Fakes;
using Xunit;
using static SmtpConfig.Tests.Mail.SendKit;

namespace SmtpConfig.Tests.Mail;

/// <summary>The password never reaches the send result, in any easy encoding.</summary>
public sealed class SendRedactionTests
{
    [Fact]
    public async Task AuthPlainSend_CanaryPassword_NeverInTheResult()
    {
        await using LoopbackSmtpServer server = LoopbackSmtpServer.FromResource("send-auth-plain.smtp");
        SmtpTestMailResult result = await SendAsync(server, Request(server, credentials: true, From, Alice));

        AssertScriptFollowed(server, result);
        Assert.True(result.Succeeded, Describe(result));
        Assert.Contains("AUTH PLAIN", string.Join("\n", result.Transcript), System.StringComparison.Ordinal);
        // The secret did go over the wire (so the check below is meaningful) ...
        Assert.Contains(ProbeKit.SecretForms(ProbeKit.User, ProbeKit.Canary)[2], server.ClientText, System.StringComparison.Ordinal);
        // ... but not into anything the result shows.
        ProbeKit.AssertNoSecret(new Dictionary<string, string?>
        {
            ["Transcript"] = string.Join("\n", result.Transcript),
            ["Error"] = result.Error,
            ["ServerResponse"] = result.ServerResponse,
            ["ToString()"] = result.ToString(),
            ["Hint"] = result.Hint,
            ["Stages"] = string.Join("\n", result.Stages),
            ["Warnings"] = string.Join("\n", result.Warnings),
            ["Message"] = string.Join("\n", server.Messages),
        });
    }
}
