using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text;

namespace SmtpConfig.Protection;

/// <summary>
/// Windows: DPAPI in CurrentUser scope, with the profile as extra entropy. The key never touches the store; only this
/// user on this machine can decrypt.
/// </summary>
internal sealed class DpapiSecretProtector : ISecretProtector
{
    internal const string Prefix = "dpapi1:";
    private const int CryptProtectUiForbidden = 0x1;

    public string Protect(byte[] secret, string context)
    {
        byte[] output = Transform(secret, context, protect: true);
        return Prefix + Convert.ToBase64String(output);
    }

    public byte[] Unprotect(string blob, string context)
    {
        if (!blob.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw Unreadable("it was not written by DPAPI", null);
        }

        try
        {
            return Transform(Convert.FromBase64String(blob.Substring(Prefix.Length)), context, protect: false);
        }
        catch (Exception ex) when (ex is FormatException or Win32Exception)
        {
            throw Unreadable("it was tampered with, or belongs to another user or machine", ex);
        }
    }

    private static byte[] Transform(byte[] input, string context, bool protect)
    {
        byte[] entropy = Encoding.UTF8.GetBytes(context);
        var inBlob = new DataBlob();
        var entropyBlob = new DataBlob();
        var outBlob = new DataBlob();
        GCHandle inHandle = GCHandle.Alloc(input, GCHandleType.Pinned);
        GCHandle entropyHandle = GCHandle.Alloc(entropy, GCHandleType.Pinned);
        try
        {
            inBlob.Size = input.Length;
            inBlob.Data = inHandle.AddrOfPinnedObject();
            entropyBlob.Size = entropy.Length;
            entropyBlob.Data = entropyHandle.AddrOfPinnedObject();
            bool ok = protect
                ? NativeMethods.CryptProtectData(ref inBlob, null, ref entropyBlob, IntPtr.Zero, IntPtr.Zero, CryptProtectUiForbidden, ref outBlob)
                : NativeMethods.CryptUnprotectData(ref inBlob, IntPtr.Zero, ref entropyBlob, IntPtr.Zero, IntPtr.Zero, CryptProtectUiForbidden, ref outBlob);
            if (!ok)
            {
                throw new Win32Exception(Marshal.GetLastWin32Error());
            }

            byte[] result = new byte[outBlob.Size];
            Marshal.Copy(outBlob.Data, result, 0, outBlob.Size);
            return result;
        }
        finally
        {
            inHandle.Free();
            entropyHandle.Free();
            if (outBlob.Data != IntPtr.Zero)
            {
                NativeMethods.ZeroMemory(outBlob.Data, (UIntPtr)outBlob.Size);
                NativeMethods.LocalFree(outBlob.Data);
            }
        }
    }

    private static SmtpConfigException Unreadable(string why, Exception? inner) =>
        new(ErrorIds.SecretUnreadable, FailureKind.SecurityError, $"The stored secret cannot be decrypted: {why}.", "Set the password again with Set-SmtpConfiguration -Credential (or remove the profile).", null, inner);

    [StructLayout(LayoutKind.Sequential)]
    private struct DataBlob
    {
        public int Size;
        public IntPtr Data;
    }

    private static class NativeMethods
    {
        [DllImport("crypt32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
        public static extern bool CryptProtectData(ref DataBlob dataIn, string? description, ref DataBlob entropy, IntPtr reserved, IntPtr prompt, int flags, ref DataBlob dataOut);

        [DllImport("crypt32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
        public static extern bool CryptUnprotectData(ref DataBlob dataIn, IntPtr description, ref DataBlob entropy, IntPtr reserved, IntPtr prompt, int flags, ref DataBlob dataOut);

        [DllImport("kernel32.dll", EntryPoint = "RtlZeroMemory")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
        public static extern void ZeroMemory(IntPtr destination, UIntPtr length);

        [DllImport("kernel32.dll")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
        public static extern IntPtr LocalFree(IntPtr memory);
    }
}
