#requires -Modules Pester
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SmtpConfigUnderTest
}

Describe 'OAuth2 profiles and presets (Set-SmtpConfiguration)' {
    BeforeEach { $script:store = Use-TestStore $TestDrive }

    It 'saves a client-credentials profile; Get shows tenant, client id, scope and authority, never the secret' {
        $canary = 'Canary-oauth-' + [guid]::NewGuid().ToString('N').Substring(0, 10)
        Set-SmtpConfiguration -Name m365 -Server smtp.office365.com -From app@contoso.example -OAuthTenantId contoso.example -OAuthClientId 11111111-2222-3333-4444-555555555555 -OAuthClientSecret (New-TestSecret $canary) -SkipValidation
        $p = Get-SmtpConfiguration m365
        [string] $p.Authentication | Should -Be 'OAuth2'
        $p.OAuthTenantId | Should -Be 'contoso.example'
        $p.OAuthClientId | Should -Be '11111111-2222-3333-4444-555555555555'
        $p.OAuthScope | Should -Be 'https://outlook.office365.com/.default'
        $p.OAuthAuthority | Should -Be 'https://login.microsoftonline.com'
        $p.HasSecret | Should -BeTrue
        Test-ContainsCanary (($p | Format-List * | Out-String) + ($p | ConvertTo-Json) + $p.ToString()) $canary | Should -BeFalse
        Test-FolderContainsCanary $store $canary | Should -BeNullOrEmpty
    }

    It 'refuses an incomplete OAuth2 profile with InvalidOAuthSettings, before anything is written' {
        { Set-SmtpConfiguration -Name o -Server smtp.office365.com -From a@contoso.example -Authentication OAuth2 -OAuthClientId abc -SkipValidation -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidOAuthSettings,SmtpConfig.Commands.SetSmtpConfigurationCommand'
        Test-Path $store | Should -BeFalse
    }

    It 'refuses a plain-http authority to another host with OAuthAuthorityInsecure, allows one on loopback' {
        $common = @{ Name = 'o'; Server = 'smtp.office365.com'; From = 'a@contoso.example'; OAuthTenantId = 't'; OAuthClientId = 'c'; OAuthClientSecret = (New-TestSecret 's'); SkipValidation = $true }
        { Set-SmtpConfiguration @common -OAuthAuthority http://login.example.test -ErrorAction Stop } |
            Should -Throw -ErrorId 'OAuthAuthorityInsecure,SmtpConfig.Commands.SetSmtpConfigurationCommand'
        Set-SmtpConfiguration @common -OAuthAuthority http://127.0.0.1:8080
        (Get-SmtpConfiguration o).OAuthAuthority | Should -Be 'http://127.0.0.1:8080'
    }

    It 'fills <Preset> from the provider''s documented values' -TestCases @(
        @{ Preset = 'Microsoft365'; Extra = @{ OAuthTenantId = 't'; OAuthClientId = 'c'; OAuthClientSecret = (ConvertTo-SecureString 's' -AsPlainText -Force) }; Server = 'smtp.office365.com'; Auth = 'OAuth2' }
        @{ Preset = 'Gmail'; Extra = @{ Credential = [pscredential]::new('me@gmail.example', (ConvertTo-SecureString 'app-pw' -AsPlainText -Force)) }; Server = 'smtp.gmail.com'; Auth = 'Password' }
        @{ Preset = 'AmazonSES'; Extra = @{ Region = 'eu-west-1'; Credential = [pscredential]::new('AKIAEXAMPLE', (ConvertTo-SecureString 'smtp-pw' -AsPlainText -Force)) }; Server = 'email-smtp.eu-west-1.amazonaws.com'; Auth = 'Password' }
    ) {
        param($Preset, $Extra, $Server, $Auth)
        Set-SmtpConfiguration -Name pre -Preset $Preset -From sender@example.test -SkipValidation @Extra
        $p = Get-SmtpConfiguration pre
        $p.Server | Should -Be $Server
        $p.Port | Should -Be 587
        [string] $p.Encryption | Should -Be 'StartTls'
        [string] $p.Authentication | Should -Be $Auth
    }

    It 'lets explicit parameters override a preset' {
        Set-SmtpConfiguration -Name pre -Preset AmazonSES -Port 2465 -Encryption Ssl -From s@example.test -Credential ([pscredential]::new('AKIA', (New-TestSecret 'x'))) -SkipValidation
        $p = Get-SmtpConfiguration pre
        $p.Server | Should -Be 'email-smtp.us-east-1.amazonaws.com'
        $p.Port | Should -Be 2465
        [string] $p.Encryption | Should -Be 'Ssl'
    }

    It 'refuses a preset that needs credentials when none are given, and -Region without AmazonSES' {
        { Set-SmtpConfiguration -Name g -Preset Gmail -From me@gmail.example -SkipValidation -ErrorAction Stop } | Should -Throw -ErrorId 'CredentialRequired,SmtpConfig.Commands.SetSmtpConfigurationCommand'
        { Set-SmtpConfiguration -Name g -Preset Gmail -Region eu-west-1 -From me@gmail.example -SkipValidation -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPreset,SmtpConfig.Commands.SetSmtpConfigurationCommand'
    }

    It 'turns an OAuth2 profile into a password profile and back to None' {
        Set-SmtpConfiguration -Name sw -Server smtp.office365.com -From a@contoso.example -OAuthTenantId t -OAuthClientId c -OAuthClientSecret (New-TestSecret 's') -SkipValidation
        Set-SmtpConfiguration -Name sw -Credential ([pscredential]::new('a@contoso.example', (New-TestSecret 'pw'))) -SkipValidation
        $p = Get-SmtpConfiguration sw
        [string] $p.Authentication | Should -Be 'Password'
        $p.OAuthClientId | Should -BeNullOrEmpty
        Set-SmtpConfiguration -Name sw -NoCredential -SkipValidation
        [string] (Get-SmtpConfiguration sw).Authentication | Should -Be 'None'
    }

    It 'passes -AccessToken to Test-SmtpConnection without showing it' {
        $token = 'eyJhbGciOiJub25lIn0.' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('{"aud":"https://outlook.office365.com"}')).TrimEnd('=') + '.sig-canary-' + [guid]::NewGuid().ToString('N')
        $r = Test-SmtpConnection -Server 127.0.0.1 -Port 1 -Encryption None -UserName a@example.test -AccessToken (New-TestSecret $token)
        [string] $r.FailedStage | Should -Be 'Connect'
        ($r | ConvertTo-Json -Depth 6) | Should -Not -Match ([regex]::Escape($token.Split('.')[2]))
    }
}
