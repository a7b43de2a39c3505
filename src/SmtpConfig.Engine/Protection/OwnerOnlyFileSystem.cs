using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.AccessControl;
using System.Security.Principal;

namespace SmtpConfig.Protection;

/// <summary>
/// Creates the store's folder and files readable by the current user alone, from the first byte (0700/0600 on Unix,
/// a protected ACL for the current user on Windows), and refuses a store that group or others can read, as ssh does.
/// </summary>
internal static class OwnerOnlyFileSystem
{
    /// <summary>rwx for the owner only.</summary>
    internal const int DirectoryMode = 0x1C0; // 0700

    /// <summary>rw for the owner only.</summary>
    internal const int FileMode = 0x180; // 0600

    private const int GroupOtherMask = 0x3F; // 0077

    internal static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

    /// <summary>Creates the folder owner-only if it is missing; checks it if it exists.</summary>
    public static void EnsureDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            CheckOwnerOnly(path, isDirectory: true);
            return;
        }

        if (IsWindows)
        {
            new DirectoryInfo(path).Create(CurrentUserOnlyDirectorySecurity());
        }
        else
        {
            UnixApi.CreateDirectory(path, DirectoryMode);
        }
    }

    /// <summary>Creates a new file (it must not exist) that only the owner can read and write.</summary>
    public static FileStream CreateNewFile(string path) => Open(path, System.IO.FileMode.CreateNew, FileAccess.Write);

    /// <summary>Opens (creating if needed) a file exclusively: the cross-process lock.</summary>
    public static FileStream OpenExclusive(string path) => Open(path, System.IO.FileMode.OpenOrCreate, FileAccess.ReadWrite);

    /// <summary>Throws StoreInsecurePermissions when group or others may read the path.</summary>
    public static void CheckOwnerOnly(string path, bool isDirectory)
    {
        if (IsWindows)
        {
            CheckWindowsAcl(path, isDirectory);
            return;
        }

        int mode = UnixApi.GetMode(path);
        if ((mode & GroupOtherMask) != 0)
        {
            string wanted = isDirectory ? "700" : "600";
            throw new SmtpConfigException(
                ErrorIds.StoreInsecurePermissions,
                FailureKind.SecurityError,
                $"'{path}' can be accessed by group or others (mode {Convert.ToString(mode & 0x1FF, 8)}); SmtpConfig refuses to use it, as ssh does.",
                $"Run: chmod {wanted} '{path}' (and check who could have read it).",
                path);
        }
    }

    private static FileStream Open(string path, System.IO.FileMode mode, FileAccess access)
    {
        // Windows: the file inherits the folder's protected, current-user-only ACL.
        return IsWindows
            ? new FileStream(path, mode, access, FileShare.None)
            : UnixApi.OpenFile(path, mode, access, FileMode);
    }

    private static DirectorySecurity CurrentUserOnlyDirectorySecurity()
    {
        var security = new DirectorySecurity();
        using WindowsIdentity user = WindowsIdentity.GetCurrent();
        SecurityIdentifier sid = user.User!;
        security.SetOwner(sid);
        security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
        security.AddAccessRule(new FileSystemAccessRule(sid, FileSystemRights.FullControl, InheritanceFlags.ContainerInherit | InheritanceFlags.ObjectInherit, PropagationFlags.None, AccessControlType.Allow));
        return security;
    }

    private static void CheckWindowsAcl(string path, bool isDirectory)
    {
        using WindowsIdentity user = WindowsIdentity.GetCurrent();
        SecurityIdentifier sid = user.User!;
        FileSystemSecurity security = isDirectory
            ? new DirectoryInfo(path).GetAccessControl()
            : new FileInfo(path).GetAccessControl();
        var others = security.GetAccessRules(true, true, typeof(SecurityIdentifier))
            .Cast<FileSystemAccessRule>()
            .Where(r => r.AccessControlType == AccessControlType.Allow && !sid.Equals(r.IdentityReference))
            .Select(r => r.IdentityReference.Value)
            .Distinct()
            .ToList();
        if (others.Count > 0)
        {
            throw new SmtpConfigException(
                ErrorIds.StoreInsecurePermissions,
                FailureKind.SecurityError,
                $"'{path}' can be accessed by others than the current user ({string.Join(", ", others)}).",
                "Remove the store folder's inherited and extra access rules so that only you have access, or point SMTPCONFIG_HOME at a new folder.",
                path);
        }
    }

    /// <summary>.NET 7+ Unix file-mode APIs, reached by reflection because the engine targets netstandard2.0; on Unix the module always runs on PowerShell 7, so they are there.</summary>
    private static class UnixApi
    {
        private static readonly Type UnixFileModeType =
            Type.GetType("System.IO.UnixFileMode", throwOnError: false) ?? throw new PlatformNotSupportedException("Owner-only files on Unix need .NET 7 or later (PowerShell 7.4+).");

        private static readonly Type OptionsType = Type.GetType("System.IO.FileStreamOptions", throwOnError: true)!;

        public static void CreateDirectory(string path, int mode)
        {
            MethodInfo create = typeof(Directory).GetMethod(nameof(Directory.CreateDirectory), new[] { typeof(string), UnixFileModeType })!;
            Invoke(() => create.Invoke(null, new[] { path, Enum.ToObject(UnixFileModeType, mode) }));
        }

        public static int GetMode(string path)
        {
            MethodInfo get = typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) })!;
            return Convert.ToInt32(Invoke(() => get.Invoke(null, new object[] { path })), System.Globalization.CultureInfo.InvariantCulture);
        }

        public static FileStream OpenFile(string path, System.IO.FileMode mode, FileAccess access, int unixCreateMode)
        {
            object options = Activator.CreateInstance(OptionsType)!;
            OptionsType.GetProperty("Mode")!.SetValue(options, mode);
            OptionsType.GetProperty("Access")!.SetValue(options, access);
            OptionsType.GetProperty("Share")!.SetValue(options, FileShare.None);
            OptionsType.GetProperty("UnixCreateMode")!.SetValue(options, Enum.ToObject(UnixFileModeType, unixCreateMode));
            ConstructorInfo ctor = typeof(FileStream).GetConstructor(new[] { typeof(string), OptionsType })!;
            return (FileStream)Invoke(() => ctor.Invoke(new[] { path, options }))!;
        }

        private static object? Invoke(Func<object?> call)
        {
            try
            {
                return call();
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                // Surface the real IOException/UnauthorizedAccessException, not the reflection wrapper.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
        }
    }
}
