using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security;
using SmtpConfig.Completion;
using SmtpConfig.Diagnostics;

namespace SmtpConfig.Commands;

/// <summary>
/// Test-SmtpConnection: a staged diagnosis of a saved profile or of unsaved values. Several profiles are tested
/// concurrently; each result is written as it completes. A failed test is a result, never an exception.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "SmtpConnection", DefaultParameterSetName = ProfileSet)]
[OutputType(typeof(SmtpConnectionTestResult), typeof(bool))]
public sealed class TestSmtpConnectionCommand : SmtpCmdlet
{
    private const string ProfileSet = "Profile";
    private const string ValuesSet = "Values";

    private readonly List<SmtpProbeRequest> _requests = new();
    private int _encryption;

    /// <summary>Saved profiles to test; wildcards allowed. Default when omitted.</summary>
    [Parameter(ParameterSetName = ProfileSet, Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string[] Name { get; set; } = { SmtpSettingsRules.DefaultProfileName };

    /// <summary>An unsaved server to test.</summary>
    [Parameter(ParameterSetName = ValuesSet, Mandatory = true)]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string Server { get; set; } = string.Empty;

    /// <summary>The port of the unsaved server (default from -Encryption, else 587).</summary>
    [Parameter(ParameterSetName = ValuesSet)]
    public int Port { get; set; }

    /// <summary>The encryption of the unsaved server (default from -Port, else StartTls).</summary>
    [Parameter(ParameterSetName = ValuesSet)]
    public EncryptionMode Encryption { get => (EncryptionMode)_encryption; set => _encryption = (int)value; }

    /// <summary>The login for the unsaved server.</summary>
    [Parameter(ParameterSetName = ValuesSet)]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>The login name for the unsaved server (with -Password).</summary>
    [Parameter(ParameterSetName = ValuesSet)]
    public string? UserName { get; set; }

    /// <summary>The password for the unsaved server (with -UserName).</summary>
    [Parameter(ParameterSetName = ValuesSet)]
    public SecureString? Password { get; set; }

    /// <summary>A sender to check with MAIL FROM; nothing is sent.</summary>
    [Parameter]
    public string? From { get; set; }

    /// <summary>Recipients to check with RCPT TO; nothing is sent (RSET, QUIT).</summary>
    [Parameter]
    public string[]? Recipient { get; set; }

    /// <summary>The bound of each test in seconds, from the first DNS query (default: the profile's, else 10).</summary>
    [Parameter]
    public int TimeoutSec { get; set; }

    /// <summary>Accepts any certificate (a warning is added to the result).</summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>Accepts only the certificate with this SHA-1 or SHA-256 thumbprint.</summary>
    [Parameter]
    public string? CertificateThumbprint { get; set; }

    /// <summary>An OAuth2 access token to authenticate with (XOAUTH2), e.g. from a managed identity; the user is -UserName, else the From address.</summary>
    [Parameter]
    public SecureString? AccessToken { get; set; }

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
                _requests.Add(Decorate(FromValues()));
                return;
            }

            IReadOnlyList<SmtpConfiguration> profiles = Store.GetAll();
            foreach (string name in Name)
            {
                var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
                List<SmtpConfiguration> matches = profiles.Where(p => pattern.IsMatch(p.Name)).ToList();
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                {
                    WriteFailure(SmtpConfigurationStore.NotFound(name));
                }

                foreach (SmtpConfiguration profile in matches)
                {
                    _requests.Add(Decorate(SmtpProbeRequest.ForProfile(profile, Store.ReadSecret(profile.Name))));
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

    private SmtpProbeRequest FromValues()
    {
        SmtpSettingsRules.CheckServer(Server);
        (int port, EncryptionMode encryption) = SmtpSettingsRules.Complete(IsBound(nameof(Port)) ? Port : null, IsBound(nameof(Encryption)) ? Encryption : null);
        SmtpSettingsRules.CheckPort(port);
        string? user = Credential?.UserName ?? UserName;
        SecureString? password = Credential?.Password ?? Password;
        if (user is not null && password is null && AccessToken is null)
        {
            throw new SmtpConfigException(ErrorIds.UserNameWithoutPassword, FailureKind.InvalidArgument, $"User name '{user}' was given without a password.", "Give -Credential, or -UserName with -Password.", user);
        }

        if (user is null && password is not null)
        {
            throw new SmtpConfigException(ErrorIds.PasswordWithoutUserName, FailureKind.InvalidArgument, "A password was given without a user name.", "Give -Credential, or -UserName with -Password.", Server);
        }

        SmtpSettingsRules.CheckNoControlCharacters(user, "UserName");
        return new SmtpProbeRequest(Server, port, encryption) { UserName = user, Password = password, OAuthUserName = user };
    }

    private SmtpProbeRequest Decorate(SmtpProbeRequest request)
    {
        if (From is not null)
        {
            request.From = SmtpSettingsRules.CheckMailbox(From, ErrorIds.InvalidFromAddress, "From");
        }

        if (Recipient is not null)
        {
            request.Recipients = Recipient.Select(r => SmtpSettingsRules.CheckMailbox(r, ErrorIds.InvalidRecipientAddress, "recipient")).ToList();
            request.From ??= string.Empty.Length == 0 && request.ProfileName is not null ? FromOfProfile(request.ProfileName) : null;
        }

        if (IsBound(nameof(TimeoutSec)))
        {
            request.TimeoutSec = SmtpSettingsRules.CheckTimeout(TimeoutSec);
        }

        if (AccessToken is not null)
        {
            request.AccessToken = AccessToken;
            request.OAuthUserName ??= request.From is null ? null : SmtpSettingsRules.AddressOf(request.From);
        }

        if (SkipCertificateCheck)
        {
            request.SkipCertificateCheck = true;
        }

        if (!string.IsNullOrEmpty(CertificateThumbprint))
        {
            request.CertificateThumbprint = SmtpSettingsRules.CheckThumbprint(CertificateThumbprint!);
        }

        return request;
    }

    private string? FromOfProfile(string profileName) => Store.Find(profileName)?.From;
}
