using System;
using System.Management.Automation;
using System.Security;
using SmtpConfig.Completion;
using SmtpConfig.Diagnostics;
using SmtpConfig.Errors;

namespace SmtpConfig.Commands;

/// <summary>
/// Set-SmtpConfiguration: creates or changes a profile (only the given settings change), stores the password
/// protected, then runs the quick validation the admin console runs after Save.
/// </summary>
[Cmdlet(VerbsCommon.Set, "SmtpConfiguration", SupportsShouldProcess = true, DefaultParameterSetName = SettingsSet)]
[OutputType(typeof(SmtpConfiguration))]
public sealed class SetSmtpConfigurationCommand : SmtpCmdlet
{
    private const string SettingsSet = "Settings";
    private const string CredentialSet = "Credential";
    private const string NoCredentialSet = "NoCredential";

    // Stored as int: an engine enum as a field would make PowerShell load the engine while it scans this assembly,
    // before the module's load context is in place.
    private int _encryption;
    private int _authentication;
    private int _preset;

    /// <summary>The profile to create or change; Default when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string Name { get; set; } = SmtpSettingsRules.DefaultProfileName;

    /// <summary>The SMTP server's host name or IP address.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string? Server { get; set; }

    /// <summary>The TCP port (1-65535).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int Port { get; set; }

    /// <summary>The address every mail is sent as.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? From { get; set; }

    /// <summary>None, Ssl (TLS from the first byte) or StartTls.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public EncryptionMode Encryption { get => (EncryptionMode)_encryption; set => _encryption = (int)value; }

    /// <summary>The login as a PSCredential.</summary>
    [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>The login name (with -Password).</summary>
    [Parameter(ParameterSetName = SettingsSet, ValueFromPipelineByPropertyName = true)]
    public string? UserName { get; set; }

    /// <summary>The password as a SecureString (with -UserName).</summary>
    [Parameter(ParameterSetName = SettingsSet)]
    public SecureString? Password { get; set; }

    /// <summary>Removes the stored user name and password.</summary>
    [Parameter(Mandatory = true, ParameterSetName = NoCredentialSet)]
    public SwitchParameter NoCredential { get; set; }

    /// <summary>None, Password or OAuth2; inferred from the credentials given when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public AuthenticationKind Authentication { get => (AuthenticationKind)_authentication; set => _authentication = (int)value; }

    /// <summary>OAuth2: the directory (tenant) id or verified domain.</summary>
    [Parameter(ParameterSetName = SettingsSet, ValueFromPipelineByPropertyName = true)]
    public string? OAuthTenantId { get; set; }

    /// <summary>OAuth2: the application (client) id.</summary>
    [Parameter(ParameterSetName = SettingsSet, ValueFromPipelineByPropertyName = true)]
    public string? OAuthClientId { get; set; }

    /// <summary>OAuth2: the client secret, stored protected like a password.</summary>
    [Parameter(ParameterSetName = SettingsSet)]
    public SecureString? OAuthClientSecret { get; set; }

    /// <summary>OAuth2 certificate credential: the thumbprint of a certificate with its private key in CurrentUser\My.</summary>
    [Parameter(ParameterSetName = SettingsSet, ValueFromPipelineByPropertyName = true)]
    public string? OAuthCertificateThumbprint { get; set; }

    /// <summary>OAuth2 certificate credential: a PFX file with the app's certificate and private key.</summary>
    [Parameter(ParameterSetName = SettingsSet, ValueFromPipelineByPropertyName = true)]
    public string? OAuthCertificatePath { get; set; }

    /// <summary>OAuth2 certificate credential: the PFX file's password, stored protected like a password.</summary>
    [Parameter(ParameterSetName = SettingsSet)]
    public SecureString? OAuthCertificatePassword { get; set; }

    /// <summary>OAuth2: the scope (default https://outlook.office365.com/.default).</summary>
    [Parameter(ParameterSetName = SettingsSet, ValueFromPipelineByPropertyName = true)]
    public string? OAuthScope { get; set; }

    /// <summary>OAuth2: the authority (default https://login.microsoftonline.com); plain http only on loopback.</summary>
    [Parameter(ParameterSetName = SettingsSet, ValueFromPipelineByPropertyName = true)]
    public string? OAuthAuthority { get; set; }

    /// <summary>Fills server, port, encryption and authentication with a provider's documented values.</summary>
    [Parameter]
    public ProviderPreset Preset { get => (ProviderPreset)_preset; set => _preset = (int)value; }

    /// <summary>The Amazon SES region for -Preset AmazonSES (default us-east-1).</summary>
    [Parameter]
    public string? Region { get; set; }

    /// <summary>The bound of validation and tests of this profile, in seconds (default 10).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int TimeoutSec { get; set; }

    /// <summary>Accepts any server certificate for this profile (warns every time).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>Pins the server certificate by SHA-1 or SHA-256 thumbprint; an empty string removes the pin.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string? CertificateThumbprint { get; set; }

    /// <summary>A profile piped from Get-SmtpConfiguration: its stored secret is copied when no password is given.</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public SmtpConfiguration? InputObject { get; set; }

    /// <summary>Saves without the connection check.</summary>
    [Parameter]
    public SwitchParameter SkipValidation { get; set; }

    /// <summary>Returns the saved profile.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        SmtpProfileChange change;
        SmtpSaveResult preview;
        try
        {
            change = BuildChange();
            preview = Store.Preview(change);
        }
        catch (SmtpConfigException ex)
        {
            // Bad input: a clear error before anything is written.
            ThrowFailure(ex);
            return;
        }

        foreach (string warning in preview.Warnings)
        {
            WriteWarning(warning);
        }

        string target = $"{preview.Configuration.Name} ({preview.Configuration.Server}:{preview.Configuration.Port} {preview.Configuration.Encryption})";
        if (!ShouldProcess(target, preview.Created ? "Create SMTP profile" : "Update SMTP profile"))
        {
            return;
        }

        SmtpSaveResult saved;
        try
        {
            saved = Store.Save(change);
        }
        catch (SmtpConfigException ex)
        {
            ThrowFailure(ex);
            return;
        }

        WriteVerbose($"Saved SMTP profile '{saved.Configuration.Name}' in {Store.FilePath}.");
        SmtpConfiguration result = SkipValidation ? saved.Configuration : Validate(saved);
        if (PassThru)
        {
            WriteObject(result);
        }
    }

    private SmtpProfileChange BuildChange()
    {
        var change = new SmtpProfileChange(Name)
        {
            Server = IsBound(nameof(Server)) ? Server : null,
            Port = IsBound(nameof(Port)) ? Port : null,
            From = IsBound(nameof(From)) ? From : null,
            Encryption = IsBound(nameof(Encryption)) ? Encryption : null,
            TimeoutSec = IsBound(nameof(TimeoutSec)) ? TimeoutSec : null,
            SkipCertificateCheck = IsBound(nameof(SkipCertificateCheck)) ? SkipCertificateCheck.IsPresent : null,
            CertificateThumbprint = IsBound(nameof(CertificateThumbprint)) ? CertificateThumbprint ?? string.Empty : null,
            RemoveCredential = NoCredential.IsPresent,
            Authentication = IsBound(nameof(Authentication)) ? Authentication : null,
            OAuthTenantId = IsBound(nameof(OAuthTenantId)) ? OAuthTenantId : null,
            OAuthClientId = IsBound(nameof(OAuthClientId)) ? OAuthClientId : null,
            OAuthClientSecret = IsBound(nameof(OAuthClientSecret)) ? OAuthClientSecret : null,
            OAuthScope = IsBound(nameof(OAuthScope)) ? OAuthScope : null,
            OAuthAuthority = IsBound(nameof(OAuthAuthority)) ? OAuthAuthority : null,
            OAuthCertificateThumbprint = IsBound(nameof(OAuthCertificateThumbprint)) ? OAuthCertificateThumbprint : null,
            OAuthCertificatePath = IsBound(nameof(OAuthCertificatePath)) && OAuthCertificatePath is not null
                ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(OAuthCertificatePath)
                : null,
            OAuthCertificatePassword = IsBound(nameof(OAuthCertificatePassword)) ? OAuthCertificatePassword : null,
        };

        if (Credential is not null)
        {
            change.UserName = Credential.UserName;
            change.Password = Credential.Password;
        }
        else
        {
            change.UserName = IsBound(nameof(UserName)) ? UserName : null;
            change.Password = IsBound(nameof(Password)) ? Password : null;
        }

        if (IsBound(nameof(Preset)))
        {
            ProviderPresets.Apply(change, Preset, Region);
        }
        else if (IsBound(nameof(Region)))
        {
            throw new SmtpConfigException(ErrorIds.InvalidPreset, FailureKind.InvalidArgument, "-Region goes with -Preset AmazonSES.", "Add -Preset AmazonSES, or leave out -Region.", Region);
        }

        // A profile piped in brings its user name but never its secret: copy the stored one.
        if (InputObject is not null && InputObject.HasSecret && change.Password is null)
        {
            change.CopySecretFrom = InputObject.Name;
        }

        return change;
    }

    private SmtpConfiguration Validate(SmtpSaveResult saved)
    {
        SmtpConfiguration profile = saved.Configuration;
        SmtpConnectionTestResult test;
        try
        {
            SecureString? secret = Store.ReadSecret(profile.Name);
            test = ConnectionProbe.Run(SmtpProbeRequest.ForProfile(profile, secret), CancelToken, stage => WriteVerbose($"Validating '{profile.Name}': {stage}"));
        }
        catch (SmtpConfigException ex)
        {
            WriteFailure(ex);
            return profile;
        }

        foreach (string warning in test.Warnings)
        {
            WriteWarning(warning);
        }

        var record = new SmtpValidationRecord(DateTimeOffset.UtcNow, test.Succeeded, test.FailedStage, test.Error);
        SmtpConfiguration recorded = Store.RecordValidation(profile.Name, saved.Revision, record) ?? profile;
        if (!test.Succeeded)
        {
            var exception = new InvalidOperationException($"Profile '{profile.Name}' was saved, but the check after saving failed at stage {test.FailedStage}: {test.Error}");
            WriteError(ErrorRecordFactory.Create(exception, ErrorIds.SmtpValidationFailed, ErrorRecordFactory.Category(test.FailedStage), profile.Name, test.Hint));
        }
        else
        {
            WriteVerbose($"Validated '{profile.Name}' in {test.Duration.TotalSeconds:0.00} s: {string.Join(", ", test.Stages)}");
        }

        return recorded;
    }
}
