using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmtpConfig.Completion;

namespace SmtpConfig.Commands;

/// <summary>
/// Test-SmtpConnection: a staged diagnosis of a saved profile or of unsaved values. Several profiles are tested
/// concurrently; each result is written as it completes. A failed test is a result, never an exception.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "SmtpConnection", DefaultParameterSetName = ProfileSet)]
[OutputType(typeof(SmtpConnectionTestResult), typeof(bool))]
public sealed class TestSmtpConnectionCommand : SmtpServerCmdlet
{
    private readonly List<SmtpProbeRequest> _requests = new();

    /// <summary>Saved profiles to test; wildcards allowed. Default when omitted.</summary>
    [Parameter(ParameterSetName = ProfileSet, Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string[] Name { get; set; } = { SmtpSettingsRules.DefaultProfileName };

    /// <summary>A sender to check with MAIL FROM; nothing is sent.</summary>
    [Parameter]
    public string? From { get; set; }

    /// <summary>Recipients to check with RCPT TO; nothing is sent (RSET, QUIT).</summary>
    [Parameter]
    public string[]? Recipient { get; set; }

    /// <summary>Returns only $true or $false per test.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>How many profiles are tested at once (default 8).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        try
        {
            if (ParameterSetName == ValuesSet)
            {
                _requests.Add(Decorate(UnsavedServer(), null));
                return;
            }

            // One read of the store for all names: each profile comes with the secret of the same state.
            WildcardPattern[] patterns = Name.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToArray();
            IReadOnlyList<SmtpStoredProfile> stored = Store.GetWithSecrets(profileName => patterns.Any(p => p.IsMatch(profileName)));
            for (int i = 0; i < Name.Length; i++)
            {
                WildcardPattern pattern = patterns[i];
                List<SmtpStoredProfile> matches = stored.Where(s => pattern.IsMatch(s.Profile.Name)).ToList();
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(Name[i]))
                {
                    WriteFailure(SmtpConfigurationStore.NotFound(Name[i]));
                }

                foreach (SmtpStoredProfile match in matches)
                {
                    _requests.Add(Decorate(SmtpProbeRequest.ForProfile(match.Profile, match.Secret), match.Profile.From));
                }
            }
        }
        catch (SmtpConfigException ex)
        {
            ThrowFailure(ex);
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (_requests.Count > 0)
        {
            ProbeBatch.Run(this, _requests, ThrottleLimit, $"Testing {_requests.Count} SMTP profiles", Emit, CancelToken);
        }
    }

    private void Emit(SmtpConnectionTestResult result)
    {
        string who = result.Name ?? $"{result.Server}:{result.Port}";
        foreach (SmtpStageResult stage in result.Stages)
        {
            WriteVerbose($"[{who}] {stage}");
        }

        WriteObject(Quiet ? result.Succeeded : result);
    }

    private SmtpProbeRequest Decorate(SmtpProbeRequest request, string? profileFrom)
    {
        if (From is not null)
        {
            request.From = SmtpSettingsRules.CheckMailbox(From, ErrorIds.InvalidFromAddress, "From");
        }

        if (Recipient is not null)
        {
            request.Recipients = Recipient.Select(r => SmtpSettingsRules.CheckMailbox(r, ErrorIds.InvalidRecipientAddress, "recipient")).ToList();
            // A recipient probe needs a sender: a profile's own From, unless -From says otherwise.
            request.From ??= profileFrom;
        }

        return ApplyConnectionOptions(request, request.From ?? profileFrom);
    }
}
