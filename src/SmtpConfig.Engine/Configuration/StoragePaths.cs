using System;
using System.IO;
using System.Runtime.InteropServices;

namespace SmtpConfig;

/// <summary>Where the per-user store lives on each OS.</summary>
public static class StoragePaths
{
    /// <summary>Points the whole store elsewhere (every test uses it; no test touches a real user's store).</summary>
    public const string HomeVariable = "SMTPCONFIG_HOME";

    /// <summary>
    /// SMTPCONFIG_HOME if set; else %LOCALAPPDATA%\SmtpConfig on Windows; else $XDG_CONFIG_HOME/SmtpConfig or
    /// ~/.config/SmtpConfig.
    /// </summary>
    public static string StoreDirectory()
    {
        string? overridden = Environment.GetEnvironmentVariable(HomeVariable);
        if (!string.IsNullOrWhiteSpace(overridden))
        {
            return Path.GetFullPath(overridden);
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "SmtpConfig");
        }

        string? xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        string configRoot = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)
            ? xdg!
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(configRoot, "SmtpConfig");
    }
}
