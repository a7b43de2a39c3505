using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace SmtpConfig.Loading;

/// <summary>
/// Loads the module's views on the first use of one of its cmdlets in a runspace, not on import: FormatsToProcess
/// makes PowerShell build its whole format database at Import-Module (about 50 ms of a 500 ms runbook start), and
/// every object the views apply to comes from these cmdlets anyway.
/// </summary>
internal static class FormatDataLoader
{
    private const string FormatFile = "SmtpConfig.Format.ps1xml";
    private static readonly ConditionalWeakTable<Runspace, object> Loaded = new();

    public static void EnsureLoaded(PSCmdlet cmdlet)
    {
        Runspace? runspace = Runspace.DefaultRunspace;
        if (runspace is null || Loaded.TryGetValue(runspace, out _))
        {
            return;
        }

        lock (Loaded)
        {
            if (Loaded.TryGetValue(runspace, out _))
            {
                return;
            }

            // -Confirm:$false -WhatIf:$false: a caller's $ConfirmPreference or -WhatIf must never make loading views prompt.
            string path = Path.Combine(Path.GetDirectoryName(typeof(FormatDataLoader).Assembly.Location) ?? string.Empty, FormatFile);
            if (File.Exists(path))
            {
                cmdlet.InvokeCommand.InvokeScript(false, ScriptBlock.Create("param($p) Update-FormatData -AppendPath $p -Confirm:$false -WhatIf:$false"), null, path);
            }

            Loaded.Add(runspace, new object());
        }
    }
}
