using System.Linq;
using System.Management.Automation;
using SmtpConfig.Completion;

namespace SmtpConfig.Commands;

/// <summary>
/// Send-SmtpTestMail: sends a traceable test message (TestId in subject and header) through a saved profile or
/// unsaved values and reports exactly what the server said. Accepted is not delivered: the result says so.
/// </summary>
[Cmdlet(VerbsCommunications.Send, "SmtpTestMail", SupportsShouldProcess = true, DefaultParameterSetName = ProfileSet)]
[OutputType(typeof(SmtpTestMailResult))]
public sealed class SendSmtpTestMailCommand : SmtpServerCmdlet
{
    /// <summary>The recipients; one message, one connection.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string[] To { get; set; } = System.Array.Empty<string>();

    /// <summary>The saved profile to send through (Default when omitted).</summary>
    [Parameter(ParameterSetName = ProfileSet, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string Name { get; set; } = SmtpSettingsRules.DefaultProfileName;

    /// <summary>The sender for the unsaved server (a profile sends as its own From).</summary>
    [Parameter(ParameterSetName = ValuesSet, Mandatory = true)]
    public string From { get; set; } = string.Empty;

    /// <summary>A subject instead of "SmtpConfig test message &lt;TestId&gt;".</summary>
    [Parameter]
    public string? Subject { get; set; }

    /// <summary>A text body instead of the default description of the test.</summary>
    [Parameter]
    public string? Body { get; set; }

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
            connection = UnsavedServer();
            from = From;
        }
        else
        {
            SmtpStoredProfile stored = Store.FindWithSecret(Name) ?? throw SmtpConfigurationStore.NotFound(Name);
            connection = SmtpProbeRequest.ForProfile(stored.Profile, stored.Secret);
            from = stored.Profile.From;
        }

        ApplyConnectionOptions(connection, from);
        return new SmtpTestMailRequest(connection, from, To.ToList()) { Subject = Subject, Body = Body };
    }
}
