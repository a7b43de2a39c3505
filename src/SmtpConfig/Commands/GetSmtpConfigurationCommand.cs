using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmtpConfig.Completion;

namespace SmtpConfig.Commands;

/// <summary>Get-SmtpConfiguration: lists saved profiles (never a secret).</summary>
[Cmdlet(VerbsCommon.Get, "SmtpConfiguration")]
[OutputType(typeof(SmtpConfiguration))]
public sealed class GetSmtpConfigurationCommand : SmtpCmdlet
{
    /// <summary>Profile names; wildcards allowed. All profiles when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        IReadOnlyList<SmtpConfiguration> profiles;
        try
        {
            profiles = Store.GetAll();
        }
        catch (SmtpConfigException ex)
        {
            ThrowFailure(ex);
            return;
        }

        if (Name is null || Name.Length == 0)
        {
            WriteObject(profiles, enumerateCollection: true);
            return;
        }

        var written = new HashSet<string>(System.StringComparer.OrdinalIgnoreCase);
        foreach (string name in Name)
        {
            var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
            List<SmtpConfiguration> matches = profiles.Where(p => pattern.IsMatch(p.Name)).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
            {
                // An explicit name that does not exist is an error; a wildcard that matches nothing is not.
                WriteFailure(SmtpConfigurationStore.NotFound(name));
            }

            foreach (SmtpConfiguration profile in matches.Where(p => written.Add(p.Name)))
            {
                WriteObject(profile);
            }
        }
    }
}
