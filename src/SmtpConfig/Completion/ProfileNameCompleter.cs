using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace SmtpConfig.Completion;

/// <summary>Completes -Name with the saved profile names (and -Server with their servers).</summary>
public sealed class ProfileNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        IReadOnlyList<SmtpConfiguration> profiles;
        try
        {
            profiles = SmtpConfigurationStore.OpenDefault().GetAll();
        }
        catch (Exception)
        {
            // Completion must never throw: a damaged or insecure store shows up when a command runs.
            return Array.Empty<CompletionResult>();
        }

        string prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        bool server = string.Equals(parameterName, "Server", StringComparison.OrdinalIgnoreCase);
        return profiles
            .Select(p => server ? p.Server : p.Name)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(v => v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(v => new CompletionResult(v.IndexOfAny(new[] { ' ', '\'', '$', '`' }) >= 0 ? $"'{v.Replace("'", "''")}'" : v, v, CompletionResultType.ParameterValue, v))
            .ToList();
    }
}
