using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace SmtpConfig.Protection;

/// <summary>Moves a secret between SecureString and UTF-8 bytes, wiping every intermediate copy it makes.</summary>
internal static class SecretText
{
    public static byte[] ToUtf8(SecureString secret)
    {
        IntPtr unmanaged = Marshal.SecureStringToGlobalAllocUnicode(secret);
        char[] chars = new char[secret.Length];
        try
        {
            Marshal.Copy(unmanaged, chars, 0, chars.Length);
            return Encoding.UTF8.GetBytes(chars);
        }
        finally
        {
            Array.Clear(chars, 0, chars.Length);
            Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
        }
    }

    public static SecureString FromUtf8(byte[] utf8)
    {
        char[] chars = Encoding.UTF8.GetChars(utf8);
        try
        {
            var secure = new SecureString();
            foreach (char c in chars)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }
        finally
        {
            Array.Clear(chars, 0, chars.Length);
        }
    }

    /// <summary>The plain string, for the one place that needs it: MailKit's SASL mechanisms take strings.</summary>
    public static string Reveal(SecureString secret)
    {
        IntPtr unmanaged = Marshal.SecureStringToGlobalAllocUnicode(secret);
        try
        {
            return Marshal.PtrToStringUni(unmanaged, secret.Length);
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
        }
    }
}
