using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using SmtpConfig.Diagnostics;
using SmtpConfig.Tests.Fakes;
using Xunit;
using static SmtpConfig.Tests.Diagnostics.ProbeKit;

namespace SmtpConfig.Tests.Diagnostics;

/// <summary>Transport trouble: wrong encryption for the port, silence, refusal, DNS, cancellation; all bounded in time.</summary>
public sealed class ProbeNetworkTests
{
    [Fact]
    public async Task SslAgainstPlainSmtpPort_FailsAtTls_SslOnPlainPort_Fast()
    {
        await using LoopbackSmtpServer server = Server("probe-plain-banner.smtp");
        SmtpConnectionTestResult result = await OnOwnThread(() => Run(Request(server, EncryptionMode.Ssl, credentials: true)));

        AssertFailed(result, SmtpStage.Tls, FailureHints.SslOnPlainPort(server.Port));
        Assert.Contains("220 fake.test ESMTP", result.Error, StringComparison.Ordinal);
        Assert.True(result.Duration < TimeSpan.FromSeconds(1), result.Duration.ToString());
        Assert.Null(result.Certificate);
        Assert.DoesNotContain("AUTH", server.ClientText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTlsAgainstImplicitTlsPort_FailsAtBanner_WithinTimeout()
    {
        await using LoopbackSmtpServer server = Server("probe-ok-noauth.smtp", implicitTls: true);
        SmtpConnectionTestResult result = await OnOwnThread(() => Run(Request(server, EncryptionMode.StartTls, credentials: true, timeoutSec: 2)));

        // The server waits for a ClientHello, the client for a banner: only the timeout ends it.
        AssertFailed(result, SmtpStage.Banner, FailureHints.NoBanner);
        Assert.Matches("(?i)timed? ?out", result.Error); // a timeout, not "the server closed the connection"
        Assert.True(result.Duration < TimeSpan.FromSeconds(3), result.Duration.ToString());
        Assert.True(result.Duration >= TimeSpan.FromSeconds(1.5), result.Duration.ToString());
    }

    [Fact]
    public async Task SilentServer_TimesOutAtBanner_WithinTimeoutSec()
    {
        await using LoopbackSmtpServer server = Server("silent.smtp");
        var clock = Stopwatch.StartNew();
        SmtpConnectionTestResult result = await OnOwnThread(() => Run(Request(server, timeoutSec: 1)));
        clock.Stop();

        AssertFailed(result, SmtpStage.Banner, FailureHints.NoBanner);
        Assert.Matches("(?i)timed? ?out", result.Error); // a timeout, not "the server closed the connection"
        Assert.True(result.Duration < TimeSpan.FromSeconds(2), result.Duration.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), clock.Elapsed.ToString());
    }

    [Fact]
    public void ConnectionRefused_FailsAtConnect_ConnectionRefused()
    {
        int port;
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        SmtpConnectionTestResult result = Run(new SmtpProbeRequest("127.0.0.1", port, EncryptionMode.StartTls) { TimeoutSec = 5 });

        AssertFailed(result, SmtpStage.Connect, FailureHints.ConnectionRefused("127.0.0.1", port));
        Assert.Contains("refused", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("127.0.0.1", result.RemoteAddress);
        Assert.True(result.Duration < TimeSpan.FromSeconds(2), result.Duration.ToString());
    }

    [Fact]
    public void UnknownHost_FailsAtResolve_DnsNotFound()
    {
        const string host = "nonexistent.invalid";
        SmtpConnectionTestResult result = Run(new SmtpProbeRequest(host, 587, EncryptionMode.StartTls) { TimeoutSec = 4 });

        AssertFailed(result, SmtpStage.Resolve, FailureHints.DnsNotFound(host));
        Assert.Contains(host, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Stages);
        Assert.True(result.Duration < TimeSpan.FromSeconds(5), result.Duration.ToString());
    }

    [Fact]
    public async Task Cancellation_DuringStalledBanner_ThrowsOperationCanceledQuickly()
    {
        await using LoopbackSmtpServer server = Server("silent.smtp");
        using var cancel = new CancellationTokenSource();
        var stages = new System.Collections.Concurrent.ConcurrentQueue<SmtpStage>();
        var sinceCancel = new Stopwatch();
        using var cancelled = new ManualResetEventSlim();

        void OnStage(SmtpStage stage)
        {
            stages.Enqueue(stage);
            if (stage == SmtpStage.Banner)
            {
                // A dedicated thread, not a thread-pool timer: other tests may keep the pool busy.
                new Thread(() =>
                {
                    Thread.Sleep(200);
                    sinceCancel.Start();
                    cancelled.Set();
                    cancel.Cancel();
                }) { IsBackground = true }.Start();
            }
        }

        Exception? thrown = Record.Exception(() => ConnectionProbe.Run(Request(server, timeoutSec: 30), cancel.Token, OnStage));
        TimeSpan afterCancel = sinceCancel.Elapsed;
        Assert.True(cancelled.IsSet, "The probe returned before it was cancelled: " + thrown);

        Assert.True(thrown is OperationCanceledException, $"Expected OperationCanceledException, got {thrown}");
        Assert.True(afterCancel < TimeSpan.FromSeconds(1), afterCancel.ToString());
        Assert.Equal(new[] { SmtpStage.Resolve, SmtpStage.Connect, SmtpStage.Banner }, stages.ToArray());
    }

    [Fact]
    public void Cancellation_BeforeStart_Throws()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        // Port 9 on loopback is normally closed: without the cancellation this would be a Connect failure.
        Exception? thrown = Record.Exception(() => ConnectionProbe.Run(new SmtpProbeRequest("127.0.0.1", 9, EncryptionMode.None) { TimeoutSec = 2 }, cancel.Token));
        Assert.True(thrown is OperationCanceledException, $"Expected OperationCanceledException, got {thrown}");
    }
}
