#requires -Modules Pester
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SmtpConfigUnderTest

    function New-TestPfx([string] $Path, [string] $Password) {
        # A self-signed RSA-2048 certificate with its private key, exported as a password-protected PFX.
        $rsa = [Security.Cryptography.RSA]::Create(2048)
        try {
            $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=SmtpConfig Pester app', $rsa, [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1)
            $cert = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(30))
            $null = New-Item -ItemType Directory -Force -Path (Split-Path -Parent $Path)
            [IO.File]::WriteAllBytes($Path, $cert.Export([Security.Cryptography.X509Certificates.X509ContentType]::Pfx, $Password))
            $cert
        }
        finally { $rsa.Dispose() }
    }

    $script:common = @{ Server = 'smtp.office365.com'; From = 'app@contoso.example'; OAuthTenantId = 'contoso.example'; OAuthClientId = '11111111-2222-3333-4444-555555555555'; SkipValidation = $true }
}

Describe 'OAuth2 certificate credential (Set-/Get-SmtpConfiguration)' {
    BeforeEach { $script:store = Use-TestStore $TestDrive }

    It 'resolves a relative -OAuthCertificatePath against the current PowerShell location, not the process folder' {
        $canary = 'PfxCanary-' + [guid]::NewGuid().ToString('N').Substring(0, 12)
        $expected = Join-Path $TestDrive 'certs/app.pfx'
        $null = New-TestPfx $expected $canary
        Push-Location $TestDrive
        try {
            [IO.Directory]::GetCurrentDirectory() | Should -Not -Be ((Get-Location).ProviderPath) -Because 'the test must tell the two folders apart'
            Set-SmtpConfiguration -Name cert @common -OAuthCertificatePath ./certs/app.pfx -OAuthCertificatePassword (New-TestSecret $canary)
        }
        finally { Pop-Location }
        $p = Get-SmtpConfiguration cert
        $p.OAuthCertificatePath | Should -Be ([IO.Path]::GetFullPath($expected))
        $p.OAuthCertificateThumbprint | Should -BeNullOrEmpty
        [string] $p.Authentication | Should -Be 'OAuth2'
        $p.HasSecret | Should -BeTrue
    }

    It 'refuses a relative PFX path that does not exist at the current location with InvalidOAuthSettings, before anything is written' {
        Push-Location $TestDrive
        try {
            $err = $null
            try { Set-SmtpConfiguration -Name cert @common -OAuthCertificatePath ./missing/app.pfx -ErrorAction Stop }
            catch { $err = $_ }
        }
        finally { Pop-Location }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be 'InvalidOAuthSettings,SmtpConfig.Commands.SetSmtpConfigurationCommand'
        $err.Exception.Message | Should -BeLike "*$([IO.Path]::GetFullPath((Join-Path $TestDrive 'missing/app.pfx')))*"
        Test-Path $store | Should -BeFalse
    }

    It 'refuses -OAuthCertificateThumbprint xyz with InvalidCertificateThumbprint, before anything is written' {
        { Set-SmtpConfiguration -Name cert @common -OAuthCertificateThumbprint 'xyz' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidCertificateThumbprint,SmtpConfig.Commands.SetSmtpConfigurationCommand'
        Test-Path $store | Should -BeFalse
    }

    It 'refuses a client secret and a certificate together, and a thumbprint with a path, with InvalidOAuthSettings' {
        $pfx = Join-Path $TestDrive 'both/app.pfx'
        $cert = New-TestPfx $pfx 'pw'
        { Set-SmtpConfiguration -Name cert @common -OAuthClientSecret (New-TestSecret 's') -OAuthCertificateThumbprint $cert.Thumbprint -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidOAuthSettings,SmtpConfig.Commands.SetSmtpConfigurationCommand'
        { Set-SmtpConfiguration -Name cert @common -OAuthCertificateThumbprint $cert.Thumbprint -OAuthCertificatePath $pfx -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidOAuthSettings,SmtpConfig.Commands.SetSmtpConfigurationCommand'
        Get-SmtpConfiguration | Where-Object Name -EQ 'cert' | Should -BeNullOrEmpty
    }

    It 'shows the thumbprint (normalised) and the path in Get-SmtpConfiguration; switching credential kinds replaces the other' {
        $pfx = Join-Path $TestDrive 'show/app.pfx'
        $cert = New-TestPfx $pfx 'pw-show'
        $spaced = ($cert.Thumbprint.ToLowerInvariant() -split '(..)' -ne '') -join ' '
        Set-SmtpConfiguration -Name cert @common -OAuthClientSecret (New-TestSecret 'client-secret-value')
        Set-SmtpConfiguration -Name cert -OAuthCertificateThumbprint $spaced -SkipValidation
        $p = Get-SmtpConfiguration cert
        $p.OAuthCertificateThumbprint | Should -Be $cert.Thumbprint
        $p.OAuthCertificatePath | Should -BeNullOrEmpty
        $p.HasSecret | Should -BeFalse
        $list = $p | Format-List * | Out-String
        $list | Should -Match "OAuthCertificateThumbprint\s*:\s*$($cert.Thumbprint)"

        Set-SmtpConfiguration -Name cert -OAuthCertificatePath $pfx -OAuthCertificatePassword (New-TestSecret 'pw-show') -SkipValidation
        $p = Get-SmtpConfiguration cert
        $p.OAuthCertificateThumbprint | Should -BeNullOrEmpty
        $p.OAuthCertificatePath | Should -Be ([IO.Path]::GetFullPath($pfx))
        $p.HasSecret | Should -BeTrue
        ($p | Format-List * | Out-String) | Should -Match 'OAuthCertificatePath\s*:'

        Set-SmtpConfiguration -Name cert -OAuthClientSecret (New-TestSecret 'client-secret-2') -SkipValidation
        $p = Get-SmtpConfiguration cert
        $p.OAuthCertificateThumbprint | Should -BeNullOrEmpty
        $p.OAuthCertificatePath | Should -BeNullOrEmpty
        $p.HasSecret | Should -BeTrue
    }

    It 'never puts the PFX password into the store files or any output' {
        $canary = 'PfxCanary-' + [guid]::NewGuid().ToString('N').Substring(0, 12) + '~Zé'
        $pfx = Join-Path $TestDrive 'sweep/app.pfx'
        $null = New-TestPfx $pfx $canary
        $output = Set-SmtpConfiguration -Name cert @common -OAuthCertificatePath $pfx -OAuthCertificatePassword (New-TestSecret $canary) -Verbose *>&1 | Out-String
        $p = Get-SmtpConfiguration cert
        $p.HasSecret | Should -BeTrue
        $shown = $output + ($p | Format-List * | Out-String) + ($p | Format-Table * | Out-String) + ($p | ConvertTo-Json -Depth 5) + $p.ToString() + (Get-SmtpConfiguration | Out-String)
        Test-ContainsCanary $shown $canary | Should -BeFalse
        Test-FolderContainsCanary $store $canary | Should -BeNullOrEmpty
        (Get-ChildItem -LiteralPath $store -Recurse -File -Force).Name | Should -Contain 'profiles.json'
    }
}
