using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security;
using System.Text.Json;
using System.Threading;
using SmtpConfig.Protection;

namespace SmtpConfig;

/// <summary>
/// The per-user profile store: one versioned JSON file in an owner-only folder. Every change is a read-modify-write
/// under a cross-process lock, written to a temporary file and renamed over the old one, so concurrent writers lose
/// nothing and a crash leaves the previous file intact. A damaged file is reported, never overwritten.
/// </summary>
public sealed partial class SmtpConfigurationStore
{
    /// <summary>The store document's file name.</summary>
    public const string StoreFileName = "profiles.json";

    /// <summary>The Unix key file's name (AES-256-GCM key).</summary>
    public const string KeyFileName = "secret.key";

    private const string LockFileName = ".lock";
    private const string TempPattern = ".profiles.*.tmp";
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(15);

    private readonly ISecretProtector _protector;

    /// <summary>Opens the store in a folder (created owner-only on first write).</summary>
    public SmtpConfigurationStore(string directory)
        : this(directory, null)
    {
    }

    internal SmtpConfigurationStore(string directory, ISecretProtector? protector)
    {
        DirectoryPath = Path.GetFullPath(directory);
        FilePath = Path.Combine(DirectoryPath, StoreFileName);
        _protector = protector ?? (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
            ? new DpapiSecretProtector()
            : new KeyFileSecretProtector(Path.Combine(DirectoryPath, KeyFileName)));
    }

    /// <summary>The store folder.</summary>
    public string DirectoryPath { get; }

    /// <summary>The store document.</summary>
    public string FilePath { get; }

    /// <summary>Test seam: runs after the temporary file is complete and before it replaces the store (a crash there must lose nothing).</summary>
    internal Action<string>? BeforeReplace { get; set; }

    /// <summary>The store of the current user (or SMTPCONFIG_HOME).</summary>
    public static SmtpConfigurationStore OpenDefault() => new(StoragePaths.StoreDirectory());

    /// <summary>All profiles, sorted by name.</summary>
    public IReadOnlyList<SmtpConfiguration> GetAll() =>
        Load().OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Select(p => new SmtpConfiguration(p)).ToList();

    /// <summary>The named profile, or null.</summary>
    public SmtpConfiguration? Find(string name)
    {
        SmtpProfileRecord? record = Load().FirstOrDefault(p => NameEquals(p.Name, name));
        return record is null ? null : new SmtpConfiguration(record);
    }

    /// <summary>Checks a change against the stored state and returns what would be saved, writing nothing (-WhatIf and early errors).</summary>
    public SmtpSaveResult Preview(SmtpProfileChange change)
    {
        SmtpProfileChangeCheck.CheckFields(change);
        List<SmtpProfileRecord> profiles = Load();
        (SmtpProfileRecord record, bool created, bool changed, IReadOnlyList<string> warnings) = Apply(profiles, change, protectSecrets: false);
        return new SmtpSaveResult(new SmtpConfiguration(record), created, changed, record.Revision, warnings);
    }

    /// <summary>Creates or changes a profile: only the given settings change; any change clears LastValidation.</summary>
    public SmtpSaveResult Save(SmtpProfileChange change)
    {
        // Field checks first: bad input is refused before the store folder or its lock is touched.
        SmtpProfileChangeCheck.CheckFields(change);
        return Update(profiles =>
        {
            (SmtpProfileRecord record, bool created, bool changed, IReadOnlyList<string> warnings) = Apply(profiles, change, protectSecrets: true);
            profiles.RemoveAll(p => NameEquals(p.Name, record.Name));
            profiles.Add(record);
            return new SmtpSaveResult(new SmtpConfiguration(record), created, changed, record.Revision, warnings);
        });
    }

    /// <summary>Records the outcome of the check after saving, unless the profile changed again meanwhile.</summary>
    public SmtpConfiguration? RecordValidation(string name, long revision, SmtpValidationRecord validation) =>
        Update(profiles =>
        {
            int index = profiles.FindIndex(p => NameEquals(p.Name, name));
            if (index < 0 || profiles[index].Revision != revision)
            {
                return null;
            }

            profiles[index] = profiles[index] with { LastValidation = validation };
            return new SmtpConfiguration(profiles[index]);
        });

    /// <summary>Removes a profile and its secret; returns false when there was none.</summary>
    public bool Remove(string name) =>
        Update(profiles => profiles.RemoveAll(p => NameEquals(p.Name, name)) > 0);

    /// <summary>The profile's secret, decrypted into a SecureString, or null when none is stored.</summary>
    public SecureString? ReadSecret(string name) =>
        ReadSecret(Load().FirstOrDefault(p => NameEquals(p.Name, name)) ?? throw NotFound(name));

    /// <summary>
    /// The profiles whose names <paramref name="select"/> accepts, sorted by name, each with its secret, from one read of
    /// the store: a profile and its secret always come from the same state, and a profile another process removes
    /// meanwhile cannot fail the others. Only the selected profiles' secrets are decrypted.
    /// </summary>
    public IReadOnlyList<SmtpStoredProfile> GetWithSecrets(Func<string, bool> select)
    {
        if (select is null)
        {
            throw new ArgumentNullException(nameof(select));
        }

        return Load()
            .Where(p => select(p.Name))
            .OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .Select(p => new SmtpStoredProfile(new SmtpConfiguration(p), ReadSecret(p)))
            .ToList();
    }

    /// <summary>The named profile with its secret, from one read of the store, or null when there is no such profile.</summary>
    public SmtpStoredProfile? FindWithSecret(string name)
    {
        IReadOnlyList<SmtpStoredProfile> found = GetWithSecrets(n => NameEquals(n, name));
        return found.Count > 0 ? found[0] : null;
    }

    private SecureString? ReadSecret(SmtpProfileRecord record)
    {
        if (record.ProtectedSecret is null)
        {
            return null;
        }

        byte[] plain = UnprotectFor(record);
        try
        {
            return SecretText.FromUtf8(plain);
        }
        finally
        {
            Array.Clear(plain, 0, plain.Length);
        }
    }

    /// <summary>The error for a profile name that does not exist.</summary>
    public static SmtpConfigException NotFound(string name) =>
        new(ErrorIds.ProfileNotFound, FailureKind.ObjectNotFound, $"No SMTP profile named '{name}' exists.", "Run Get-SmtpConfiguration to list the saved profiles, or create this one with Set-SmtpConfiguration -Name <name> -Server <host> -From <address>.", name);

    private static bool NameEquals(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private byte[] UnprotectFor(SmtpProfileRecord record)
    {
        try
        {
            return _protector.Unprotect(record.ProtectedSecret!, SecretContext.ForProfile(record.Name));
        }
        catch (SmtpConfigException ex) when (ex.ErrorId == ErrorIds.SecretUnreadable)
        {
            throw new SmtpConfigException(ErrorIds.SecretUnreadable, FailureKind.SecurityError, $"The stored secret of profile '{record.Name}' cannot be decrypted. {ex.Message}", ex.RecommendedAction, record.Name, ex);
        }
    }

    private (SmtpProfileRecord Record, bool Created, bool Changed, IReadOnlyList<string> Warnings) Apply(List<SmtpProfileRecord> profiles, SmtpProfileChange change, bool protectSecrets)
    {
        SmtpProfileRecord? existing = profiles.FirstOrDefault(p => NameEquals(p.Name, change.Name));
        bool created = existing is null;
        if (existing is null)
        {
            if (change.Server is null)
            {
                throw new SmtpConfigException(ErrorIds.ServerRequired, FailureKind.InvalidArgument, $"Profile '{change.Name}' is new and needs a server.", "Add -Server <host name or IP address>.", change.Name);
            }

            if (change.From is null)
            {
                throw new SmtpConfigException(ErrorIds.FromRequired, FailureKind.InvalidArgument, $"Profile '{change.Name}' is new and needs a From address.", "Add -From <address the server allows this account to send as>.", change.Name);
            }
        }

        // A new profile fills port and encryption in from each other; on an existing one only what is given changes.
        (int port, EncryptionMode encryption) = existing is null
            ? SmtpSettingsRules.Complete(change.Port, change.Encryption)
            : (change.Port ?? existing.Port, change.Encryption ?? existing.Encryption);

        Credentials credentials = ResolveCredentials(profiles, existing, change, protectSecrets);

        var record = new SmtpProfileRecord
        {
            Name = existing?.Name ?? change.Name,
            Server = change.Server ?? existing!.Server,
            Port = port,
            Encryption = encryption,
            From = change.From ?? existing!.From,
            UserName = credentials.UserName,
            ProtectedSecret = credentials.Secret,
            Authentication = credentials.Kind,
            OAuth = credentials.OAuth,
            TimeoutSec = change.TimeoutSec ?? existing?.TimeoutSec ?? SmtpSettingsRules.DefaultTimeoutSec,
            SkipCertificateCheck = change.SkipCertificateCheck ?? existing?.SkipCertificateCheck ?? false,
            CertificateThumbprint = change.CertificateThumbprint is null
                ? existing?.CertificateThumbprint
                : change.CertificateThumbprint.Length == 0 ? null : change.CertificateThumbprint,
            LastValidation = existing?.LastValidation,
            ModifiedAt = existing?.ModifiedAt ?? DateTimeOffset.UtcNow,
            Revision = existing?.Revision ?? 0,
        };

        bool changed = created || credentials.SecretChanged || !SameSettings(existing!, record);
        if (changed)
        {
            // Revisions are never reused, not even by a profile removed and created again under the same name, so a
            // late validation result can never land on a profile it did not test.
            DateTimeOffset now = DateTimeOffset.UtcNow;
            record = record with { LastValidation = null, ModifiedAt = now, Revision = Math.Max(record.Revision + 1, now.UtcTicks) };
        }

        IReadOnlyList<string> warnings = SmtpSettingsRules.Warnings(record.Server, record.Port, record.Encryption, record.ProtectedSecret is not null);
        return (record, created, changed, warnings);
    }

    private static bool SameSettings(SmtpProfileRecord a, SmtpProfileRecord b) =>
        string.Equals(a.Server, b.Server, StringComparison.Ordinal) && a.Port == b.Port && a.Encryption == b.Encryption &&
        string.Equals(a.From, b.From, StringComparison.Ordinal) && string.Equals(a.UserName, b.UserName, StringComparison.Ordinal) &&
        string.Equals(a.ProtectedSecret, b.ProtectedSecret, StringComparison.Ordinal) && a.TimeoutSec == b.TimeoutSec &&
        a.SkipCertificateCheck == b.SkipCertificateCheck && string.Equals(a.CertificateThumbprint, b.CertificateThumbprint, StringComparison.Ordinal) &&
        a.Authentication == b.Authentication && Equals(a.OAuth, b.OAuth);

    private List<SmtpProfileRecord> Load()
    {
        if (!Directory.Exists(DirectoryPath) || !File.Exists(FilePath))
        {
            return new List<SmtpProfileRecord>();
        }

        OwnerOnlyFileSystem.CheckOwnerOnly(DirectoryPath, isDirectory: true);
        OwnerOnlyFileSystem.CheckOwnerOnly(FilePath, isDirectory: false);
        byte[] content;
        try
        {
            content = File.ReadAllBytes(FilePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SmtpConfigException(ErrorIds.StoreUnavailable, FailureKind.ReadError, $"The SMTP profile store '{FilePath}' cannot be read: {ex.Message}", "Check that the file exists and belongs to you; SMTPCONFIG_HOME points the store elsewhere.", FilePath, ex);
        }

        try
        {
            return StoreDocument.Read(content);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or ArgumentException or OverflowException)
        {
            throw new SmtpConfigException(ErrorIds.StoreDamaged, FailureKind.ReadError, $"The SMTP profile store '{FilePath}' is damaged and was left untouched: {ex.Message}", $"Move the file aside (it is kept as it is) and re-create the profiles with Set-SmtpConfiguration, or restore it from a backup.", FilePath, ex);
        }
    }

    private T Update<T>(Func<List<SmtpProfileRecord>, T> change)
    {
        EnsureStoreDirectory();
        using FileStream lockStream = AcquireLock();
        List<SmtpProfileRecord> profiles = Load();
        T result = change(profiles);
        byte[] content = StoreDocument.Write(profiles.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase));
        // Nothing changed (a no-op save, a stale validation, removing what is not there): leave the file alone.
        if (!File.Exists(FilePath) ? profiles.Count > 0 : !content.SequenceEqual(File.ReadAllBytes(FilePath)))
        {
            WriteAtomically(content);
        }

        return result;
    }

    private void EnsureStoreDirectory()
    {
        try
        {
            OwnerOnlyFileSystem.EnsureDirectory(DirectoryPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SmtpConfigException(ErrorIds.StoreUnavailable, FailureKind.WriteError, $"The SMTP profile store folder '{DirectoryPath}' cannot be created: {ex.Message}", "Check the parent folder's permissions, or set SMTPCONFIG_HOME to a folder you own.", DirectoryPath, ex);
        }
    }

    private FileStream AcquireLock()
    {
        string path = Path.Combine(DirectoryPath, LockFileName);
        DateTime deadline = DateTime.UtcNow + LockTimeout;
        var random = new Random();
        while (true)
        {
            try
            {
                return OwnerOnlyFileSystem.OpenExclusive(path);
            }
            catch (IOException ex) when (DateTime.UtcNow < deadline && !(ex is FileNotFoundException || ex is DirectoryNotFoundException))
            {
                Thread.Sleep(random.Next(10, 40));
            }
            catch (IOException ex)
            {
                throw new SmtpConfigException(ErrorIds.StoreUnavailable, FailureKind.WriteError, $"The SMTP profile store is locked by another process (waited {LockTimeout.TotalSeconds:0} s for '{path}').", "Try again when the other Set-/Remove-SmtpConfiguration has finished.", path, ex);
            }
        }
    }

    private void WriteAtomically(byte[] content)
    {
        foreach (string stale in Directory.GetFiles(DirectoryPath, TempPattern))
        {
            // Left by a crash between write and rename; we hold the lock, so no writer owns it.
            File.Delete(stale);
        }

        string temp = Path.Combine(DirectoryPath, $".profiles.{Guid.NewGuid():N}.tmp");
        try
        {
            using (FileStream stream = OwnerOnlyFileSystem.CreateNewFile(temp))
            {
                stream.Write(content, 0, content.Length);
                stream.Flush(true);
            }

            BeforeReplace?.Invoke(temp);
            if (File.Exists(FilePath))
            {
                File.Replace(temp, FilePath, null);
            }
            else
            {
                File.Move(temp, FilePath);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SmtpConfigException(ErrorIds.StoreUnavailable, FailureKind.WriteError, $"The SMTP profile store '{FilePath}' could not be written: {ex.Message.TrimEnd('.')}. The previous file is intact.", "Check free disk space and the folder's permissions, then try again.", FilePath, ex);
        }
    }
}
