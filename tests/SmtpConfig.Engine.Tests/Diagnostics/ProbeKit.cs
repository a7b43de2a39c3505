using System;
using System.Collections.Generic;
using System.Linq;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpConfig.Diagnostics;
using SmtpConfig.Tests.Fakes;
using Xunit;

namespace SmtpConfig.Tests.Diagnostics;

/// <summary>Shared helpers for the ConnectionProbe tests: requests against a loopback fake, secrets, leak checks.</summary>
internal static class ProbeKit
{
    public const string User = "user@fake.test";
    public const string Canary = "Canary-9d2f!Pässwörd";
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (char c in text)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    public static SmtpProbeRequest Request(LoopbackSmtpServer server, EncryptionMode encryption = EncryptionMode.None, bool credentials = false, int timeoutSec = 5) =>
        new(server.Host, server.Port, encryption)
        {
            TimeoutSec = timeoutSec,
            UserName = credentials ? User : null,
            Password = credentials ? Secure(Canary) : null,
        };

    public static SmtpProbeRequest Pinned(LoopbackSmtpServer server, EncryptionMode encryption, bool credentials = false)
    {
        SmtpProbeRequest request = Request(server, encryption, credentials);
        request.CertificateThumbprint = server.Certificate!.Thumbprint;
        return request;
    }

    public static SmtpConnectionTestResult Run(SmtpProbeRequest request) => ConnectionProbe.Run(request, CancellationToken.None);

    /// <summary>Runs the probe, then waits until the fake has finished the connection (so ClientText is complete).</summary>
    public static async Task<SmtpConnectionTestResult> RunAsync(LoopbackSmtpServer server, SmtpProbeRequest request)
    {
        SmtpConnectionTestResult result = await OnOwnThread(() => ConnectionProbe.Run(request, CancellationToken.None));
        await server.Completion.WaitAsync(Patience);
        return result;
    }

    /// <summary>
    /// Runs the blocking probe on a dedicated thread: parallel tests blocking pool threads would starve the thread pool
    /// that the probe's own socket completions and timers need, and turn timing assertions into noise.
    /// </summary>
    public static Task<T> OnOwnThread<T>(Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public static LoopbackSmtpServer Server(string transcript, X509Certificate2? certificate = null, bool implicitTls = false) =>
        LoopbackSmtpServer.FromResource(transcript, certificate, implicitTls);

    /// <summary>Asserts the failure: stage, hint, and the status codes of the deciding reply (null: no reply).</summary>
    public static void AssertFailed(SmtpConnectionTestResult result, SmtpStage stage, string hint, int? code = null, string? enhanced = null)
    {
        string context = Describe(result);
        Assert.False(result.Succeeded, context);
        Assert.True(stage == result.FailedStage, $"FailedStage {result.FailedStage}, expected {stage}\n{context}");
        Assert.True(hint == result.Hint, $"Hint '{result.Hint}', expected '{hint}'\n{context}");
        Assert.True(code == result.SmtpStatusCode, $"SmtpStatusCode {result.SmtpStatusCode}, expected {code}\n{context}");
        Assert.True(enhanced == result.EnhancedStatusCode, $"EnhancedStatusCode {result.EnhancedStatusCode}, expected {enhanced}\n{context}");
        Assert.False(string.IsNullOrWhiteSpace(result.Error), context);
        SmtpStageResult last = result.Stages[^1];
        Assert.Equal(stage, last.Name);
        Assert.False(last.Succeeded, context);
        Assert.All(result.Stages.Take(result.Stages.Count - 1), s => Assert.True(s.Succeeded, context));
        AssertStagesInOrder(result);
        if (code is not null)
        {
            Assert.NotNull(result.ServerResponse);
            Assert.StartsWith(code.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), result.ServerResponse, StringComparison.Ordinal);
        }
        else
        {
            Assert.Null(result.ServerResponse);
        }
    }

    public static void AssertSucceeded(SmtpConnectionTestResult result)
    {
        string context = Describe(result);
        Assert.True(result.Succeeded, context);
        Assert.Null(result.FailedStage);
        Assert.Null(result.Error);
        Assert.Null(result.Hint);
        Assert.All(result.Stages, s => Assert.True(s.Succeeded, context));
        AssertStagesInOrder(result);
    }

    /// <summary>Stages appear once each, in session order, starting with Resolve.</summary>
    public static void AssertStagesInOrder(SmtpConnectionTestResult result)
    {
        string context = Describe(result);
        Assert.Equal(SmtpStage.Resolve, result.Stages[0].Name);
        for (int i = 1; i < result.Stages.Count; i++)
        {
            Assert.True(result.Stages[i - 1].Name < result.Stages[i].Name, "Stages out of order or repeated\n" + context);
        }
    }

    /// <summary>A stage passed on the way to the failure is listed as passed.</summary>
    public static void AssertPassed(SmtpConnectionTestResult result, SmtpStage stage) =>
        Assert.True(result.Stages.Any(s => s.Name == stage && s.Succeeded), $"{stage} was passed but is not listed as passed\n{Describe(result)}");

    public static string Describe(SmtpConnectionTestResult result) =>
        $"{result}\nHint: {result.Hint}\nStages: {string.Join(" | ", result.Stages)}\nWarnings: {string.Join(" | ", result.Warnings)}\nTranscript:\n{string.Join("\n", result.Transcript)}";

    /// <summary>Every form the secret could leak in: plain, base64 (alone and in the PLAIN blob), hex, UTF-16.</summary>
    public static IReadOnlyList<string> SecretForms(string user, string secret)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(secret);
        byte[] utf16 = Encoding.Unicode.GetBytes(secret);
        byte[] plainBlob = Encoding.UTF8.GetBytes("\0" + user + "\0" + secret);
        string hex = Convert.ToHexString(utf8);
        var forms = new List<string>
        {
            secret,
            Convert.ToBase64String(utf8),
            Convert.ToBase64String(plainBlob),
            hex,
            hex.ToLowerInvariant(),
            Convert.ToBase64String(utf16),
            Convert.ToBase64String(Encoding.Latin1.GetBytes(secret)),
            // The ASCII prefix of the secret alone (catches partial or re-encoded leaks of the non-ASCII tail).
            secret[..10],
        };
        // Base64 of the secret at every alignment inside a longer blob: the middle characters are stable.
        foreach (byte[] encoded in new[] { utf8, Encoding.Latin1.GetBytes(secret) })
        {
            forms.Add(Convert.ToBase64String(encoded)[..12]);
            for (int shift = 1; shift <= 2; shift++)
            {
                string b64 = Convert.ToBase64String(new byte[shift].Concat(encoded).ToArray());
                forms.Add(b64.Substring(4, 12));
            }
        }

        return forms;
    }

    /// <summary>Asserts that no form of the secret is in the result's transcript, error, server response or ToString().</summary>
    public static void AssertNoSecret(SmtpConnectionTestResult result, string user = User, string secret = Canary)
    {
        var texts = new Dictionary<string, string?>
        {
            ["Transcript"] = string.Join("\n", result.Transcript),
            ["Error"] = result.Error,
            ["ServerResponse"] = result.ServerResponse,
            ["ToString()"] = result.ToString(),
            ["Hint"] = result.Hint,
            ["Stages"] = string.Join("\n", result.Stages),
            ["Warnings"] = string.Join("\n", result.Warnings),
        };
        AssertNoSecret(texts, user, secret);
    }

    public static void AssertNoSecret(IReadOnlyDictionary<string, string?> texts, string user = User, string secret = Canary)
    {
        foreach ((string where, string? text) in texts)
        {
            if (text is null)
            {
                continue;
            }

            foreach (string form in SecretForms(user, secret))
            {
                Assert.False(text.Contains(form, StringComparison.OrdinalIgnoreCase), $"{where} contains the secret as '{form}':\n{text}");
            }
        }
    }
}
