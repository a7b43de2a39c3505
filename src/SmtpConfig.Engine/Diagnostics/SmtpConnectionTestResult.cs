using System;
using System.Collections.Generic;

namespace SmtpConfig;

/// <summary>
/// The outcome of Test-SmtpConnection: every stage reached, the one that failed and why, with the server's own words,
/// a hint for what to do, the TLS and certificate facts and a redacted transcript. A failed test is a result, not an
/// exception.
/// </summary>
public sealed class SmtpConnectionTestResult
{
    private readonly List<SmtpStageResult> _stages = new();
    private readonly List<string> _warnings = new();

    internal SmtpConnectionTestResult(string? name, string server, int port, EncryptionMode encryption)
    {
        Name = name;
        Server = server;
        Port = port;
        Encryption = encryption;
    }

    /// <summary>Whether every stage that was asked for passed.</summary>
    public bool Succeeded { get; internal set; }

    /// <summary>The profile tested, or null for unsaved values.</summary>
    public string? Name { get; }

    /// <summary>The server tested.</summary>
    public string Server { get; }

    /// <summary>The port tested.</summary>
    public int Port { get; }

    /// <summary>The encryption mode tested.</summary>
    public EncryptionMode Encryption { get; }

    /// <summary>The IP address the connection reached (or last tried).</summary>
    public string? RemoteAddress { get; internal set; }

    /// <summary>The stage that failed, or null.</summary>
    public SmtpStage? FailedStage { get; internal set; }

    /// <summary>One entry per stage reached, in order.</summary>
    public IReadOnlyList<SmtpStageResult> Stages => _stages;

    /// <summary>The server's 220 greeting.</summary>
    public string? Banner { get; internal set; }

    /// <summary>The EHLO keywords the server announced (after STARTTLS when it was used).</summary>
    public IReadOnlyList<string> Capabilities { get; internal set; } = Array.Empty<string>();

    /// <summary>The SASL mechanisms the server offers.</summary>
    public IReadOnlyList<string> AuthenticationMechanisms { get; internal set; } = Array.Empty<string>();

    /// <summary>Whether AUTH succeeded.</summary>
    public bool Authenticated { get; internal set; }

    /// <summary>The negotiated TLS version, e.g. Tls13.</summary>
    public string? TlsProtocol { get; internal set; }

    /// <summary>The negotiated cipher suite (or cipher algorithm where the platform does not report the suite).</summary>
    public string? CipherSuite { get; internal set; }

    /// <summary>The server's certificate, when TLS got that far.</summary>
    public SmtpCertificateInfo? Certificate { get; internal set; }

    /// <summary>The SMTP status code of the reply that decided the outcome, e.g. 535.</summary>
    public int? SmtpStatusCode { get; internal set; }

    /// <summary>The enhanced status code of that reply, e.g. 5.7.8.</summary>
    public string? EnhancedStatusCode { get; internal set; }

    /// <summary>The server's reply that decided the outcome, in full.</summary>
    public string? ServerResponse { get; internal set; }

    /// <summary>What went wrong, or null.</summary>
    public string? Error { get; internal set; }

    /// <summary>What to do about it, or null.</summary>
    public string? Hint { get; internal set; }

    /// <summary>Things that worked but deserve attention (certificate near expiry, skipped validation...).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>The whole test's duration.</summary>
    public TimeSpan Duration { get; internal set; }

    /// <summary>Find-SmtpSetting: the Set-SmtpConfiguration parameters that worked (null otherwise).</summary>
    public string? Recommendation { get; internal set; }

    /// <summary>The SMTP dialogue, one line per exchange with elapsed time and direction; AUTH payloads are redacted.</summary>
    public IReadOnlyList<string> Transcript { get; internal set; } = Array.Empty<string>();

    /// <inheritdoc />
    public override string ToString() => Succeeded
        ? $"{Server}:{Port} {Encryption}: succeeded in {Duration.TotalSeconds:0.00} s"
        : $"{Server}:{Port} {Encryption}: failed at {FailedStage}: {Error}";

    internal void AddStage(SmtpStageResult stage) => _stages.Add(stage);

    internal void AddWarning(string warning)
    {
        if (!_warnings.Contains(warning))
        {
            _warnings.Add(warning);
        }
    }
}
