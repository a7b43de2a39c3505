using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace SmtpConfig.Commands;

/// <summary>
/// Find-SmtpSetting: "which port and encryption do I need?" Probes the usual combinations (or the given ports)
/// concurrently, each with a short timeout, and returns one test result per candidate, working ones first, each
/// working one with the Set-SmtpConfiguration parameters to use.
/// </summary>
[Cmdlet(VerbsCommon.Find, "SmtpSetting")]
[OutputType(typeof(SmtpConnectionTestResult))]
public sealed class FindSmtpSettingCommand : SmtpCmdlet
{
    /// <summary>The server's host name or IP address.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Server { get; set; } = string.Empty;

    /// <summary>Ports to try instead of the usual ones; a port outside the usual list is tried with both Ssl and StartTls.</summary>
    [Parameter]
    public int[]? Port { get; set; }

    /// <summary>A login to try on every candidate (never sent in clear text to another machine).</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>The bound of each candidate's test, in seconds (default 5).</summary>
    [Parameter]
    public int TimeoutSec { get; set; } = 5;

    /// <summary>Accepts any certificate (a warning is added to each result).</summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>How many candidates are tested at once (default 8).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        IReadOnlyList<(int Port, EncryptionMode Encryption)> candidates;
        try
        {
            SmtpSettingsRules.CheckServer(Server);
            SmtpSettingsRules.CheckTimeout(TimeoutSec);
            candidates = SettingsFinder.Candidates(Port);
        }
        catch (SmtpConfigException ex)
        {
            ThrowFailure(ex);
            return;
        }

        bool loopback = SmtpSettingsRules.IsLoopback(Server);
        var requests = candidates.Select(c =>
        {
            var request = new SmtpProbeRequest(Server, c.Port, c.Encryption) { TimeoutSec = TimeoutSec, SkipCertificateCheck = SkipCertificateCheck };
            // A password is never offered in clear text to another machine, not even to find out whether it would work.
            if (Credential is not null && (c.Encryption != EncryptionMode.None || loopback))
            {
                request.UserName = Credential.UserName;
                request.Password = Credential.Password;
            }

            return request;
        }).ToList();

        var results = new List<SmtpConnectionTestResult>();
        ProbeBatch.Run(this, requests, ThrottleLimit, $"Trying {requests.Count} port/encryption combinations on {Server}", results.Add, CancelToken);
        foreach (SmtpConnectionTestResult result in SettingsFinder.Rank(results, candidates, Credential is not null))
        {
            WriteVerbose(result.Succeeded ? $"{result.Port} {result.Encryption}: works" : $"{result.Port} {result.Encryption}: {result.FailedStage}: {result.Error}");
            WriteObject(result);
        }
    }
}
