using System.Linq;
using System.Management.Automation;
using SmtpConfig.Completion;

namespace SmtpConfig.Commands;

/// <summary>Remove-SmtpConfiguration: removes profiles and their secrets, nothing else.</summary>
[Cmdlet(VerbsCommon.Remove, "SmtpConfiguration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveSmtpConfigurationCommand : SmtpCmdlet
{
    /// <summary>Profile names; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string[] Name { get; set; } = System.Array.Empty<string>();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        try
        {
            var profiles = Store.GetAll();
            foreach (string name in Name)
            {
                var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
                var matches = profiles.Where(p => pattern.IsMatch(p.Name)).ToList();
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                {
                    WriteFailure(SmtpConfigurationStore.NotFound(name));
                }

                foreach (SmtpConfiguration profile in matches)
                {
                    if (ShouldProcess($"{profile.Name} ({profile.Server}:{profile.Port})", "Remove SMTP profile and its stored secret"))
                    {
                        Store.Remove(profile.Name);
                        WriteVerbose($"Removed SMTP profile '{profile.Name}'.");
                    }
                }
            }
        }
        catch (SmtpConfigException ex)
        {
            ThrowFailure(ex);
        }
    }
}
