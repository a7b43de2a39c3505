using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SmtpConfig;

/// <summary>
/// "Which port and encryption do I need?": the usual port/encryption combinations to try, and how to order and
/// recommend what worked.
/// </summary>
public static class SettingsFinder
{
    /// <summary>The usual combinations, in order of preference.</summary>
    public static readonly IReadOnlyList<(int Port, EncryptionMode Encryption)> Usual = new[]
    {
        (465, EncryptionMode.Ssl),
        (587, EncryptionMode.StartTls),
        (25, EncryptionMode.StartTls),
        (25, EncryptionMode.None),
        (2525, EncryptionMode.StartTls),
        (2465, EncryptionMode.Ssl),
        (2587, EncryptionMode.StartTls),
    };

    /// <summary>The candidates for the given ports (the usual list when none): a usual port with its usual modes, any other port with both Ssl and StartTls.</summary>
    public static IReadOnlyList<(int Port, EncryptionMode Encryption)> Candidates(IEnumerable<int>? ports)
    {
        if (ports is null)
        {
            return Usual;
        }

        var candidates = new List<(int, EncryptionMode)>();
        foreach (int port in ports.Distinct())
        {
            SmtpSettingsRules.CheckPort(port);
            var usual = Usual.Where(u => u.Port == port).ToList();
            candidates.AddRange(usual.Count > 0 ? usual : new[] { (port, EncryptionMode.Ssl), (port, EncryptionMode.StartTls) });
        }

        return candidates;
    }

    /// <summary>Working results first (in order of preference), then the failures; each working one gets its Set-SmtpConfiguration parameters.</summary>
    public static IReadOnlyList<SmtpConnectionTestResult> Rank(IEnumerable<SmtpConnectionTestResult> results, IReadOnlyList<(int Port, EncryptionMode Encryption)> candidates, bool credentialsGiven)
    {
        int Rank(SmtpConnectionTestResult r)
        {
            int index = candidates.ToList().IndexOf((r.Port, r.Encryption));
            return index < 0 ? int.MaxValue : index;
        }

        List<SmtpConnectionTestResult> ranked = results.OrderBy(r => r.Succeeded ? 0 : 1).ThenBy(Rank).ToList();
        foreach (SmtpConnectionTestResult r in ranked.Where(r => credentialsGiven && r.Encryption == EncryptionMode.None && !SmtpSettingsRules.IsLoopback(r.Server)))
        {
            r.AddWarning("The login was not tried on this plain-text connection: the password would have crossed the network in clear text.");
        }

        foreach (SmtpConnectionTestResult r in ranked.Where(r => r.Succeeded && !(credentialsGiven && !r.Authenticated)))
        {
            r.Recommendation = string.Format(CultureInfo.InvariantCulture, "Set-SmtpConfiguration -Server {0} -Port {1} -Encryption {2}", r.Server, r.Port, r.Encryption);
        }

        return ranked;
    }
}
