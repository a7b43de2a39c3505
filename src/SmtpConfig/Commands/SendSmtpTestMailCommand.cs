using System.Linq;
using System.Management.Automation;
using System.Security;
using SmtpConfig.Completion;

namespace SmtpConfig.Commands;

/// <summary>
/// Send-SmtpTestMail: sends a traceable test message (TestId in subject and header) through a saved profile or
/// unsaved values and reports exactly what the server said. Accepted is not delivered: the result says so.
/// </summary>
[Cmdlet(VerbsCommunications.Send, "SmtpTestMail", SupportsShouldProcess = true, DefaultParameterSetName = ProfileSet)]
[OutputType(typeof(SmtpTestMailResult))]
public sealed class SendSmtpTestMailCommand : SmtpCmdlet
{
    private const string ProfileSet = "Profile";
    private const string ValuesSet = "Values";

    private int _encryption;

    /// <summary>The recipients; one message, one connection.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string[] To { get; set; } = System.Array.Empty<string>();

    /// <summary>The saved profile to send through (Default when omitted).</summary>
    [Parameter(ParameterSetName = ProfileSet, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string Name { get; set; } = SmtpSettingsRules.DefaultProfileName;

    /// <summary>An unsaved server to send through.</summary>
    [Parameter(ParameterSetName = ValuesSet, Mandatory = true)]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string Server { get; set; } = string.Empty;

    /// <summary>The port of the unsaved server.</summary>
    [Parameter(ParameterSetName = ValuesSet)]
    public int Port { get; set; }

    /// <summary>The encryption of the unsaved server.</summary>
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

    /// <summary>The sender for the unsaved server (a profile sends as its own From).</summary>
    [Parameter(ParameterSetName = ValuesSet, Mandatory = true)]
    public string From { get; set; } = string.Empty;

    /// <summary>A subject instead of "SmtpConfig test message &lt;TestId&gt;".</summary>
    [Parameter]
    public string? Subject { get; set; }

    /// <summary>A text body instead of the default description of the test.</summary>
    [Parameter]
    public string? Body { get; set; }

    /// <summary>The bound of the whole send in seconds (default: the profile's, else 10).</summary>
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

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        SmtpTestMailRequest request;
        try
        {
            request = BuildRequest();
            TestMailSender.Check(request);
        }
        catch (SmtpConfigException ex)
        {
            ThrowFailure(ex);
            return;
        }

        string target = $"{string.Join(", ", request.To)} via {request.Connection.Server}:{request.Connection.Port}";
        if (!ShouldProcess(target, "Send SMTP test message"))
        {
            return;
        }

        string activity = $"Sending a test message via {request.Connection.Server}:{request.Connection.Port}";
        SmtpTestMailResult result = TestMailSender.Send(request, CancelToken, stage => WriteProgress(new ProgressRecord(2, activity, $"Stage {stage}")));
        WriteProgress(new ProgressRecord(2, activity, "Done") { RecordType = ProgressRecordType.Completed });
        foreach (SmtpStageResult stage in result.Stages)
        {
            WriteVerbose(stage.ToString());
        }

        foreach (string warning in result.Warnings)
        {
            WriteWarning(warning);
        }

        WriteObject(result);
    }

    private SmtpTestMailRequest BuildRequest()
    {
        SmtpProbeRequest connection;
        string from;
        if (ParameterSetName == ValuesSet)
        {
            SmtpSettingsRules.CheckServer(Server);
            (int port, EncryptionMode encryption) = SmtpSettingsRules.Complete(IsBound(nameof(Port)) ? Port : null, IsBound(nameof(Encryption)) ? Encryption : null);
            SmtpSettingsRules.CheckPort(port);
            string? user = Credential?.UserName ?? UserName;
            SecureString? password = Credential?.Password ?? Password;
            if ((user is null) != (password is null) && !(AccessToken is not null && password is null))
            {
                throw new SmtpConfigException(user is null ? ErrorIds.PasswordWithoutUserName : ErrorIds.UserNameWithoutPassword, FailureKind.InvalidArgument, "A user name and a password go together.", "Give -Credential, or -UserName with -Password.", Server);
            }

            connection = new SmtpProbeRequest(Server, port, encryption) { UserName = user, Password = password, OAuthUserName = user };
            from = From;
        }
        else
        {
            SmtpConfiguration profile = Store.Find(Name) ?? throw SmtpConfigurationStore.NotFound(Name);
            connection = SmtpProbeRequest.ForProfile(profile, Store.ReadSecret(profile.Name));
            from = profile.From;
        }

        if (IsBound(nameof(TimeoutSec)))
        {
            connection.TimeoutSec = SmtpSettingsRules.CheckTimeout(TimeoutSec);
        }

        if (AccessToken is not null)
        {
            connection.AccessToken = AccessToken;
            connection.OAuthUserName ??= SmtpSettingsRules.AddressOf(from);
        }

        connection.SkipCertificateCheck |= SkipCertificateCheck.IsPresent;
        if (!string.IsNullOrEmpty(CertificateThumbprint))
        {
            connection.CertificateThumbprint = SmtpSettingsRules.CheckThumbprint(CertificateThumbprint!);
        }

        return new SmtpTestMailRequest(connection, from, To.ToList()) { Subject = Subject, Body = Body };
    }
}
