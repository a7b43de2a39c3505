using System.Linq;
using System.Text.RegularExpressions;

namespace SmtpConfig;

/// <summary>Fills a change with a provider's documented values; anything the caller gave explicitly wins.</summary>
public static class ProviderPresets
{
    /// <summary>The region used for Amazon SES when none is given.</summary>
    public const string DefaultSesRegion = "us-east-1";

    private static readonly Regex AwsRegion = new("^[a-z]{2}(-[a-z]+)+-\\d$", RegexOptions.CultureInvariant);

    /// <summary>Applies the preset to the change's unset fields.</summary>
    public static void Apply(SmtpProfileChange change, ProviderPreset preset, string? region)
    {
        if (region is not null && preset != ProviderPreset.AmazonSES)
        {
            throw new SmtpConfigException(ErrorIds.InvalidPreset, FailureKind.InvalidArgument, $"-Region applies only to -Preset AmazonSES, not {preset}.", "Leave out -Region.", region);
        }

        switch (preset)
        {
            case ProviderPreset.Microsoft365:
                change.Server ??= "smtp.office365.com";
                change.Authentication ??= AuthenticationKind.OAuth2;
                break;
            case ProviderPreset.Gmail:
                change.Server ??= "smtp.gmail.com";
                change.Authentication ??= AuthenticationKind.Password;
                break;
            case ProviderPreset.AmazonSES:
                string r = region ?? DefaultSesRegion;
                if (!AwsRegion.IsMatch(r))
                {
                    throw new SmtpConfigException(ErrorIds.InvalidPreset, FailureKind.InvalidArgument, $"'{r}' is not an AWS region name.", "Give the SES region, e.g. -Region eu-west-1.", r);
                }

                change.Server ??= $"email-smtp.{r}.amazonaws.com";
                change.Authentication ??= AuthenticationKind.Password;
                break;
        }

        // All three document 587 with STARTTLS (465 with implicit TLS also works; SES adds 2587/2465).
        if (change.Port is null && change.Encryption is null)
        {
            change.Port = 587;
            change.Encryption = EncryptionMode.StartTls;
        }
    }

    /// <summary>The preset names, for completion and messages.</summary>
    public static string Names => string.Join(", ", System.Enum.GetNames(typeof(ProviderPreset)).ToArray());
}
