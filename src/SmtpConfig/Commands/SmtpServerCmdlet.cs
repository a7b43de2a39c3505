using System.Management.Automation;
using System.Security;
using SmtpConfig.Completion;

namespace SmtpConfig.Commands;

/// <summary>
/// Base of the cmdlets that talk to a server, a saved profile's or unsaved values (Test-SmtpConnection,
/// Send-SmtpTestMail): the unsaved-values parameters, the connection options, and their checks, in one place.
/// </summary>
public abstract class SmtpServerCmdlet : SmtpCmdlet
{
    /// <summary>The parameter set of a saved profile.</summary>
    protected const string ProfileSet = "Profile";

    /// <summary>The parameter set of unsaved values.</summary>
    protected const string ValuesSet = "Values";

    // Stored as int: an engine enum as a field would make PowerShell load the engine while it scans this assembly.
    private int _encryption;

    /// <summary>An unsaved server to use.</summary>
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

    /// <summary>The login name for the unsaved server (with -Password, or the XOAUTH2 user with -AccessToken).</summary>
    [Parameter(ParameterSetName = ValuesSet)]
    public string? UserName { get; set; }

    /// <summary>The password for the unsaved server (with -UserName).</summary>
    [Parameter(ParameterSetName = ValuesSet)]
    public SecureString? Password { get; set; }

    /// <summary>The bound of the whole session in seconds, from the first DNS query (default: the profile's, else 10).</summary>
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

    /// <summary>The unsaved server, checked: port and encryption filled in as Set-SmtpConfiguration does, a login complete.</summary>
    protected SmtpProbeRequest UnsavedServer()
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

    /// <summary>Applies -TimeoutSec, -AccessToken (XOAUTH2 as the request's user, else <paramref name="sender"/>), -SkipCertificateCheck and -CertificateThumbprint.</summary>
    protected SmtpProbeRequest ApplyConnectionOptions(SmtpProbeRequest request, string? sender)
    {
        if (IsBound(nameof(TimeoutSec)))
        {
            request.TimeoutSec = SmtpSettingsRules.CheckTimeout(TimeoutSec);
        }

        if (AccessToken is not null)
        {
            request.AccessToken = AccessToken;
            request.OAuthUserName ??= sender is null ? null : SmtpSettingsRules.AddressOf(sender);
        }

        request.SkipCertificateCheck |= SkipCertificateCheck.IsPresent;
        if (!string.IsNullOrEmpty(CertificateThumbprint))
        {
            request.CertificateThumbprint = SmtpSettingsRules.CheckThumbprint(CertificateThumbprint!);
        }

        return request;
    }
}
