@{
    RootModule           = 'SmtpConfig.dll'
    ModuleVersion        = '0.0.0'
    GUID                 = '5b7a2f7e-3c0e-4f7d-9a51-6c2f0b8e9d14'
    Author               = 'SmtpConfig contributors'
    CompanyName          = 'SmtpConfig'
    Copyright            = '(c) 2026 SmtpConfig contributors. MIT License.'
    Description          = 'Configure an outgoing SMTP server, keep its password protected on disk, diagnose the connection stage by stage and send a traceable test email. Compiled cmdlets on MailKit, isolated in their own load context.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    # SmtpConfig.Format.ps1xml is loaded on the first use of a cmdlet, not here: see Loading/FormatDataLoader.cs.
    # Keep the commas: PowerShell runs this file on every import, and a list without them is a block of statements
    # that costs each fresh process 10-30 ms (docs/performance.md, row 1s).
    CmdletsToExport      = @(
        'Get-SmtpConfiguration',
        'Set-SmtpConfiguration',
        'Remove-SmtpConfiguration',
        'Test-SmtpConnection',
        'Send-SmtpTestMail',
        'Find-SmtpSetting'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('SMTP', 'Email', 'Mail', 'MailKit', 'TLS', 'STARTTLS', 'OAuth2', 'Diagnostics', 'Configuration', 'Linux', 'Windows', 'macOS', 'PSEdition_Core', 'PSEdition_Desktop')
            ProjectUri   = 'https://github.com/smtpconfig/SmtpConfig'
            LicenseUri   = 'https://github.com/smtpconfig/SmtpConfig/blob/main/LICENSE'
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
