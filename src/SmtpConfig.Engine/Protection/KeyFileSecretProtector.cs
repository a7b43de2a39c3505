using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace SmtpConfig.Protection;

/// <summary>
/// Linux and macOS: AES-256-GCM with a random 256-bit key kept in an owner-only file beside the store. Defence in
/// depth only: whoever can read the user's files can read the key too (see docs/security.md).
/// </summary>
internal sealed class KeyFileSecretProtector : ISecretProtector
{
    internal const string Prefix = "aesgcm1:";
    private const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagBits = 128;

    private readonly string _keyPath;

    public KeyFileSecretProtector(string keyPath) => _keyPath = keyPath;

    public string KeyPath => _keyPath;

    public bool KeyExists => File.Exists(_keyPath);

    public string Protect(byte[] secret, string context)
    {
        byte[] key = LoadKey(createIfMissing: true);
        try
        {
            byte[] nonce = new byte[NonceSize];
            using (var rng = RandomNumberGenerator.Create())
            {
                rng.GetBytes(nonce);
            }

            var cipher = new GcmBlockCipher(new AesEngine());
            cipher.Init(true, new AeadParameters(new KeyParameter(key), TagBits, nonce, Encoding.UTF8.GetBytes(context)));
            byte[] output = new byte[NonceSize + cipher.GetOutputSize(secret.Length)];
            Buffer.BlockCopy(nonce, 0, output, 0, NonceSize);
            int length = cipher.ProcessBytes(secret, 0, secret.Length, output, NonceSize);
            cipher.DoFinal(output, NonceSize + length);
            return Prefix + Convert.ToBase64String(output);
        }
        finally
        {
            Array.Clear(key, 0, key.Length);
        }
    }

    public byte[] Unprotect(string blob, string context)
    {
        if (!blob.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw Unreadable("it was not written by this protector", null);
        }

        byte[] data;
        try
        {
            data = Convert.FromBase64String(blob.Substring(Prefix.Length));
        }
        catch (FormatException ex)
        {
            throw Unreadable("it is damaged", ex);
        }

        if (data.Length < NonceSize + (TagBits / 8))
        {
            throw Unreadable("it is damaged", null);
        }

        byte[] key = LoadKey(createIfMissing: false);
        try
        {
            var cipher = new GcmBlockCipher(new AesEngine());
            byte[] nonce = new byte[NonceSize];
            Buffer.BlockCopy(data, 0, nonce, 0, NonceSize);
            cipher.Init(false, new AeadParameters(new KeyParameter(key), TagBits, nonce, Encoding.UTF8.GetBytes(context)));
            byte[] plain = new byte[cipher.GetOutputSize(data.Length - NonceSize)];
            int length = cipher.ProcessBytes(data, NonceSize, data.Length - NonceSize, plain, 0);
            length += cipher.DoFinal(plain, length);
            if (length == plain.Length)
            {
                return plain;
            }

            byte[] exact = new byte[length];
            Buffer.BlockCopy(plain, 0, exact, 0, length);
            Array.Clear(plain, 0, plain.Length);
            return exact;
        }
        catch (InvalidCipherTextException ex)
        {
            throw Unreadable("it was tampered with or encrypted with another key", ex);
        }
        finally
        {
            Array.Clear(key, 0, key.Length);
        }
    }

    private byte[] LoadKey(bool createIfMissing)
    {
        if (File.Exists(_keyPath))
        {
            OwnerOnlyFileSystem.CheckOwnerOnly(_keyPath, isDirectory: false);
            byte[] key = File.ReadAllBytes(_keyPath);
            if (key.Length != KeySize)
            {
                throw new SmtpConfigException(ErrorIds.SecretUnreadable, FailureKind.ReadError, $"The key file '{_keyPath}' is damaged (it must hold {KeySize} bytes).", "Restore the key file from a backup, or remove it and set the passwords of all profiles again with Set-SmtpConfiguration.", _keyPath);
            }

            return key;
        }

        if (!createIfMissing)
        {
            throw new SmtpConfigException(ErrorIds.SecretUnreadable, FailureKind.ReadError, $"The key file '{_keyPath}' is missing, so stored secrets cannot be decrypted.", "Restore the key file from a backup, or set the password again with Set-SmtpConfiguration -Credential.", _keyPath);
        }

        byte[] fresh = new byte[KeySize];
        using (var rng = RandomNumberGenerator.Create())
        {
            rng.GetBytes(fresh);
        }

        using (FileStream stream = OwnerOnlyFileSystem.CreateNewFile(_keyPath))
        {
            stream.Write(fresh, 0, fresh.Length);
            stream.Flush(true);
        }

        return fresh;
    }

    private static SmtpConfigException Unreadable(string why, Exception? inner) =>
        new(ErrorIds.SecretUnreadable, FailureKind.SecurityError, $"The stored secret cannot be decrypted: {why}.", "Set the password again with Set-SmtpConfiguration -Credential (or remove the profile).", null, inner);
}
