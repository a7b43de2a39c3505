using System;
using System.IO;
using System.Security;
using SmtpConfig.Protection;

namespace SmtpConfig.Tests.TestSupport;

/// <summary>
/// A throw-away store: <see cref="Root"/> is a fresh temp folder; the store folder below it is NOT created, so the
/// store creates it owner-only itself (an existing 0755 folder would rightly be refused).
/// </summary>
public sealed class TempStore : IDisposable
{
    public TempStore()
    {
        Root = Path.Combine(Path.GetTempPath(), "smtpconfig-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        StoreDir = Path.Combine(Root, "store");
        Store = new SmtpConfigurationStore(StoreDir);
    }

    public string Root { get; }

    public string StoreDir { get; }

    public string FilePath => Path.Combine(StoreDir, SmtpConfigurationStore.StoreFileName);

    public string KeyPath => Path.Combine(StoreDir, SmtpConfigurationStore.KeyFileName);

    public string LockPath => Path.Combine(StoreDir, ".lock");

    public SmtpConfigurationStore Store { get; }


    /// <summary>Another instance over the same folder (as another process would open it).</summary>
    public SmtpConfigurationStore Reopen() => new(StoreDir);

    /// <summary>The store file's bytes, or null when it does not exist.</summary>
    public byte[]? FileBytes() => File.Exists(FilePath) ? File.ReadAllBytes(FilePath) : null;

    /// <summary>A minimal valid new profile.</summary>
    public static SmtpProfileChange NewProfile(string name, string server = "smtp.example.com", string from = "alerts@example.com") =>
        new(name) { Server = server, From = from };

    public static SmtpProfileChange NewProfileWithLogin(string name, string password, string userName = "user@example.com", string server = "smtp.example.com") =>
        new(name) { Server = server, From = "alerts@example.com", UserName = userName, Password = Secure(password) };

    public static SecureString Secure(string value)
    {
        var secure = new SecureString();
        foreach (char c in value)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    public static string Reveal(SecureString? secret) =>
        secret is null ? throw new InvalidOperationException("No secret was returned.") : SecretText.Reveal(secret);

    public void Dispose()
    {
        try
        {
            if (!OperatingSystem.IsWindows() && Directory.Exists(StoreDir))
            {
                // A test may have locked itself out (chmod 000); give the owner access back before deleting.
                File.SetUnixFileMode(StoreDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
