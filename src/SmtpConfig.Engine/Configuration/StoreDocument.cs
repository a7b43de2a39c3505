using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace SmtpConfig;

/// <summary>The versioned JSON document of the store: reads and writes <see cref="SmtpProfileRecord"/> lists.</summary>
internal static class StoreDocument
{
    public const int SchemaVersion = 1;

    public static byte[] Write(IEnumerable<SmtpProfileRecord> profiles)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", SchemaVersion);
            json.WriteStartArray("profiles");
            foreach (SmtpProfileRecord p in profiles)
            {
                json.WriteStartObject();
                json.WriteString("name", p.Name);
                json.WriteString("server", p.Server);
                json.WriteNumber("port", p.Port);
                json.WriteString("encryption", p.Encryption.ToString());
                json.WriteString("from", p.From);
                json.WriteString("authentication", p.Authentication.ToString());
                WriteOptional(json, "userName", p.UserName);
                WriteOptional(json, "secret", p.ProtectedSecret);
                if (p.OAuth is OAuthSettings o)
                {
                    json.WriteStartObject("oauth");
                    json.WriteString("tenantId", o.TenantId);
                    json.WriteString("clientId", o.ClientId);
                    json.WriteString("scope", o.Scope);
                    json.WriteString("authority", o.Authority);
                    WriteOptional(json, "certificateThumbprint", o.CertificateThumbprint);
                    WriteOptional(json, "certificatePath", o.CertificatePath);
                    json.WriteEndObject();
                }

                json.WriteNumber("timeoutSec", p.TimeoutSec);
                json.WriteBoolean("skipCertificateCheck", p.SkipCertificateCheck);
                WriteOptional(json, "certificateThumbprint", p.CertificateThumbprint);
                json.WriteString("modifiedAt", p.ModifiedAt.ToString("o", CultureInfo.InvariantCulture));
                json.WriteNumber("revision", p.Revision);
                if (p.LastValidation is SmtpValidationRecord v)
                {
                    json.WriteStartObject("lastValidation");
                    json.WriteString("at", v.At.ToString("o", CultureInfo.InvariantCulture));
                    json.WriteBoolean("succeeded", v.Succeeded);
                    WriteOptional(json, "failedStage", v.FailedStage?.ToString());
                    WriteOptional(json, "error", v.Error);
                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Parses the document; any damage throws <see cref="FormatException"/> or <see cref="JsonException"/> with the reason.</summary>
    public static List<SmtpProfileRecord> Read(byte[] content)
    {
        // A file saved by Windows PowerShell 5.1 or Notepad may start with a UTF-8 byte-order mark.
        int start = content.Length >= 3 && content[0] == 0xEF && content[1] == 0xBB && content[2] == 0xBF ? 3 : 0;
        using JsonDocument document = JsonDocument.Parse(new ReadOnlyMemory<byte>(content, start, content.Length - start));
        JsonElement root = document.RootElement;
        int version = root.GetProperty("schemaVersion").GetInt32();
        if (version > SchemaVersion)
        {
            throw new FormatException($"schemaVersion {version} was written by a newer SmtpConfig (this one reads {SchemaVersion}).");
        }

        var profiles = new List<SmtpProfileRecord>();
        foreach (JsonElement p in root.GetProperty("profiles").EnumerateArray())
        {
            SmtpValidationRecord? validation = null;
            if (p.TryGetProperty("lastValidation", out JsonElement v) && v.ValueKind == JsonValueKind.Object)
            {
                string? stage = OptionalString(v, "failedStage");
                validation = new SmtpValidationRecord(
                    DateTimeOffset.Parse(RequiredString(v, "at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                    v.GetProperty("succeeded").GetBoolean(),
                    stage is null ? null : ParseEnum<SmtpStage>(stage),
                    OptionalString(v, "error"));
            }

            OAuthSettings? oauth = null;
            if (p.TryGetProperty("oauth", out JsonElement o) && o.ValueKind == JsonValueKind.Object)
            {
                oauth = new OAuthSettings(RequiredString(o, "tenantId"), RequiredString(o, "clientId"), RequiredString(o, "scope"), RequiredString(o, "authority"))
                {
                    CertificateThumbprint = OptionalString(o, "certificateThumbprint"),
                    CertificatePath = OptionalString(o, "certificatePath"),
                };
            }

            profiles.Add(new SmtpProfileRecord
            {
                OAuth = oauth,
                Name = RequiredString(p, "name"),
                Server = RequiredString(p, "server"),
                Port = p.GetProperty("port").GetInt32(),
                Encryption = ParseEnum<EncryptionMode>(RequiredString(p, "encryption")),
                From = RequiredString(p, "from"),
                Authentication = ParseEnum<AuthenticationKind>(RequiredString(p, "authentication")),
                UserName = OptionalString(p, "userName"),
                ProtectedSecret = OptionalString(p, "secret"),
                TimeoutSec = p.GetProperty("timeoutSec").GetInt32(),
                SkipCertificateCheck = p.TryGetProperty("skipCertificateCheck", out JsonElement skip) && skip.GetBoolean(),
                CertificateThumbprint = OptionalString(p, "certificateThumbprint"),
                ModifiedAt = DateTimeOffset.Parse(RequiredString(p, "modifiedAt"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                Revision = p.TryGetProperty("revision", out JsonElement revision) ? revision.GetInt64() : 0,
                LastValidation = validation,
            });
        }

        return profiles;
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static string RequiredString(JsonElement element, string name) =>
        element.GetProperty(name).GetString() ?? throw new FormatException($"'{name}' is null.");

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static T ParseEnum<T>(string value)
        where T : struct =>
        Enum.TryParse(value, ignoreCase: false, out T result) && Enum.IsDefined(typeof(T), result)
            ? result
            : throw new FormatException($"'{value}' is not a {typeof(T).Name}.");
}
