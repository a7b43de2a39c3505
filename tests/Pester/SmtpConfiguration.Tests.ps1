#requires -Modules Pester
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:PostfixSkip = [bool] (Get-PostfixSkipReason)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SmtpConfigUnderTest
}

Describe 'Set-SmtpConfiguration / Get-SmtpConfiguration / Remove-SmtpConfiguration' {
    BeforeEach {
        $script:store = Use-TestStore $TestDrive
    }

    It 'creates a profile named Default with 587 StartTls when only server and From are given' {
        Set-SmtpConfiguration -Server smtp.example.test -From alerts@example.test -SkipValidation
        $p = Get-SmtpConfiguration Default
        $p.Server | Should -Be 'smtp.example.test'
        $p.Port | Should -Be 587
        $p.Encryption | Should -Be 'StartTls'
        $p.Authentication | Should -Be 'None'
        $p.HasSecret | Should -BeFalse
        $p.TimeoutSec | Should -Be 10
        $p.PSObject.TypeNames[0] | Should -Be 'SmtpConfig.SmtpConfiguration'
    }

    It 'fills in <Expected> from <Given>' -TestCases @(
        @{ Given = @{ Encryption = 'Ssl' }; Expected = @{ Port = 465; Encryption = 'Ssl' } }
        @{ Given = @{ Encryption = 'StartTls' }; Expected = @{ Port = 587; Encryption = 'StartTls' } }
        @{ Given = @{ Encryption = 'None' }; Expected = @{ Port = 25; Encryption = 'None' } }
        @{ Given = @{ Port = 465 }; Expected = @{ Port = 465; Encryption = 'Ssl' } }
        @{ Given = @{ Port = 2465 }; Expected = @{ Port = 2465; Encryption = 'Ssl' } }
        @{ Given = @{ Port = 2525 }; Expected = @{ Port = 2525; Encryption = 'StartTls' } }
        @{ Given = @{ Port = 25 }; Expected = @{ Port = 25; Encryption = 'StartTls' } }
    ) {
        param($Given, $Expected)
        Set-SmtpConfiguration -Name fill -Server smtp.example.test -From a@example.test -SkipValidation @Given -WarningAction SilentlyContinue
        $p = Get-SmtpConfiguration fill
        $p.Port | Should -Be $Expected.Port
        [string] $p.Encryption | Should -Be $Expected.Encryption
    }

    It 'changes only the given settings on an existing profile' {
        $cred = [pscredential]::new('user1', (New-TestSecret 'pw-1'))
        Set-SmtpConfiguration -Name p -Server smtp.example.test -Port 2525 -From a@example.test -Credential $cred -TimeoutSec 7 -SkipValidation
        Set-SmtpConfiguration -Name p -From b@example.test -SkipValidation
        $p = Get-SmtpConfiguration p
        $p.From | Should -Be 'b@example.test'
        $p.Server | Should -Be 'smtp.example.test'
        $p.Port | Should -Be 2525
        $p.UserName | Should -Be 'user1'
        $p.HasSecret | Should -BeTrue
        $p.TimeoutSec | Should -Be 7
    }

    It 'removes stored credentials with -NoCredential' {
        $cred = [pscredential]::new('user1', (New-TestSecret 'pw-1'))
        Set-SmtpConfiguration -Name p -Server smtp.example.test -From a@example.test -Credential $cred -SkipValidation
        Set-SmtpConfiguration -Name p -NoCredential -SkipValidation
        $p = Get-SmtpConfiguration p
        $p.UserName | Should -BeNullOrEmpty
        $p.HasSecret | Should -BeFalse
        $p.Authentication | Should -Be 'None'
    }

    It 'warns for <Case>' -TestCases @(
        @{ Case = 'Ssl on 587'; Params = @{ Port = 587; Encryption = 'Ssl' }; Pattern = '*465*' }
        @{ Case = 'StartTls on 465'; Params = @{ Port = 465; Encryption = 'StartTls' }; Pattern = '*-Encryption Ssl*' }
        @{ Case = 'credentials in clear text'; Params = @{ Port = 25; Encryption = 'None'; Credential = [pscredential]::new('u', (ConvertTo-SecureString 'x' -AsPlainText -Force)) }; Pattern = '*clear text*' }
    ) {
        param($Params, $Pattern)
        Set-SmtpConfiguration -Name w -Server smtp.example.test -From a@example.test -SkipValidation @Params -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -Not -BeNullOrEmpty
        ($warnings | Where-Object { $_.Message -like $Pattern }) | Should -Not -BeNullOrEmpty
    }

    It 'does not warn about clear-text credentials to a loopback server' {
        $cred = [pscredential]::new('u', (New-TestSecret 'x'))
        Set-SmtpConfiguration -Name w -Server 127.0.0.1 -Port 25 -Encryption None -From a@example.test -Credential $cred -SkipValidation -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -BeNullOrEmpty
    }

    It 'refuses <Case> with <Id> before anything is written' -TestCases @(
        @{ Case = 'a new profile without server'; Params = @{ From = 'a@example.test' }; Id = 'ServerRequired'; Category = 'InvalidArgument' }
        @{ Case = 'a new profile without From'; Params = @{ Server = 'smtp.example.test' }; Id = 'FromRequired'; Category = 'InvalidArgument' }
        @{ Case = 'port 0'; Params = @{ Server = 'smtp.example.test'; From = 'a@example.test'; Port = 0 }; Id = 'InvalidPort'; Category = 'InvalidArgument' }
        @{ Case = 'port 65536'; Params = @{ Server = 'smtp.example.test'; From = 'a@example.test'; Port = 65536 }; Id = 'InvalidPort'; Category = 'InvalidArgument' }
        @{ Case = 'an empty server'; Params = @{ Server = ' '; From = 'a@example.test' }; Id = 'InvalidServer'; Category = 'InvalidArgument' }
        @{ Case = 'a server with a port'; Params = @{ Server = 'smtp.example.test:587'; From = 'a@example.test' }; Id = 'InvalidServer'; Category = 'InvalidArgument' }
        @{ Case = 'two From addresses'; Params = @{ Server = 'smtp.example.test'; From = 'a@example.test, b@example.test' }; Id = 'InvalidFromAddress'; Category = 'InvalidArgument' }
        @{ Case = 'a From without domain'; Params = @{ Server = 'smtp.example.test'; From = 'alerts' }; Id = 'InvalidFromAddress'; Category = 'InvalidArgument' }
        @{ Case = 'CR/LF in From'; Params = @{ Server = 'smtp.example.test'; From = "a@example.test`r`nBcc: x@evil.test" }; Id = 'ControlCharacterInValue'; Category = 'InvalidArgument' }
        @{ Case = 'a user name without password'; Params = @{ Server = 'smtp.example.test'; From = 'a@example.test'; UserName = 'u' }; Id = 'UserNameWithoutPassword'; Category = 'InvalidArgument' }
        @{ Case = 'a password without user name'; Params = @{ Server = 'smtp.example.test'; From = 'a@example.test'; Password = (ConvertTo-SecureString 'x' -AsPlainText -Force) }; Id = 'PasswordWithoutUserName'; Category = 'InvalidArgument' }
        @{ Case = 'a wildcard profile name'; Params = @{ Name = 'prod*'; Server = 'smtp.example.test'; From = 'a@example.test' }; Id = 'InvalidProfileName'; Category = 'InvalidArgument' }
        @{ Case = 'a timeout of 0'; Params = @{ Server = 'smtp.example.test'; From = 'a@example.test'; TimeoutSec = 0 }; Id = 'InvalidTimeout'; Category = 'InvalidArgument' }
        @{ Case = 'a bad thumbprint'; Params = @{ Server = 'smtp.example.test'; From = 'a@example.test'; CertificateThumbprint = 'xyz' }; Id = 'InvalidCertificateThumbprint'; Category = 'InvalidArgument' }
    ) {
        param($Params, $Id, $Category)
        Set-SmtpConfiguration -Name keep -Server keep.example.test -From keep@example.test -SkipValidation
        $before = [IO.File]::ReadAllBytes((Join-Path $store 'profiles.json'))
        { Set-SmtpConfiguration -SkipValidation @Params -ErrorAction Stop } | Should -Throw -ErrorId "$Id,SmtpConfig.Commands.SetSmtpConfigurationCommand"
        try { Set-SmtpConfiguration -SkipValidation @Params -ErrorAction Stop } catch { $err = $_ }
        [string] $err.CategoryInfo.Category | Should -Be $Category
        $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        [IO.File]::ReadAllBytes((Join-Path $store 'profiles.json')) | Should -Be $before
    }

    It '-WhatIf writes nothing, not even the store folder' {
        Set-SmtpConfiguration -Server smtp.example.test -From a@example.test -WhatIf
        Test-Path $store | Should -BeFalse
    }

    It '-WhatIf on Remove keeps the profile' {
        Set-SmtpConfiguration -Name r -Server smtp.example.test -From a@example.test -SkipValidation
        Remove-SmtpConfiguration r -WhatIf
        Get-SmtpConfiguration r | Should -Not -BeNullOrEmpty
    }

    It 'does not prompt in a non-interactive run (Remove with -Confirm:$false)' {
        Set-SmtpConfiguration -Name r -Server smtp.example.test -From a@example.test -SkipValidation -Confirm:$false
        Remove-SmtpConfiguration r -Confirm:$false
        Get-SmtpConfiguration r -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'Get: an explicit unknown name is ObjectNotFound, a wildcard that matches nothing is silent' {
        { Get-SmtpConfiguration nope -ErrorAction Stop } | Should -Throw -ErrorId 'ProfileNotFound,SmtpConfig.Commands.GetSmtpConfigurationCommand'
        try { Get-SmtpConfiguration nope -ErrorAction Stop } catch { [string] $_.CategoryInfo.Category | Should -Be 'ObjectNotFound' }
        Get-SmtpConfiguration 'nothing*' -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e | Should -BeNullOrEmpty
    }

    It 'Get and Remove take wildcards; Remove removes only the matching profiles' {
        foreach ($n in 'prod-a', 'prod-b', 'test-a') { Set-SmtpConfiguration -Name $n -Server smtp.example.test -From a@example.test -SkipValidation }
        (Get-SmtpConfiguration 'prod*').Name | Should -Be @('prod-a', 'prod-b')
        Get-SmtpConfiguration 'prod*' | Remove-SmtpConfiguration -Confirm:$false
        (Get-SmtpConfiguration).Name | Should -Be @('test-a')
    }

    It 'Remove: an explicit unknown name is ProfileNotFound' {
        { Remove-SmtpConfiguration nope -ErrorAction Stop } | Should -Throw -ErrorId 'ProfileNotFound,SmtpConfig.Commands.RemoveSmtpConfigurationCommand'
    }

    It 'copies a profile through the pipeline, secret included, without the secret in the pipeline' {
        $cred = [pscredential]::new('user1', (New-TestSecret 'pw-copy'))
        Set-SmtpConfiguration -Name a -Server smtp.example.test -Port 2525 -From a@example.test -Credential $cred -SkipValidation
        Get-SmtpConfiguration a | Set-SmtpConfiguration -Name b -SkipValidation
        $b = Get-SmtpConfiguration b
        $b.Server | Should -Be 'smtp.example.test'
        $b.Port | Should -Be 2525
        $b.UserName | Should -Be 'user1'
        $b.HasSecret | Should -BeTrue
        (Get-SmtpConfiguration a).Name | Should -Be 'a'
    }

    It '-PassThru returns the saved profile; without it nothing is returned' {
        Set-SmtpConfiguration -Name q -Server smtp.example.test -From a@example.test -SkipValidation | Should -BeNullOrEmpty
        (Set-SmtpConfiguration -Name q -Port 2525 -SkipValidation -PassThru).Port | Should -Be 2525
    }

    It 'creates the store folder 0700 and its files 0600' -Skip:$IsWindows {
        $cred = [pscredential]::new('u', (New-TestSecret 'pw'))
        Set-SmtpConfiguration -Server smtp.example.test -From a@example.test -Credential $cred -SkipValidation
        Get-UnixMode $store | Should -Be '700'
        Get-ChildItem -Force $store -File | ForEach-Object { Get-UnixMode $_.FullName | Should -Be '600' -Because $_.Name }
    }

    It 'refuses a store that others can read, with StoreInsecurePermissions' -Skip:$IsWindows {
        Set-SmtpConfiguration -Server smtp.example.test -From a@example.test -SkipValidation
        [IO.File]::SetUnixFileMode((Join-Path $store 'profiles.json'), [IO.UnixFileMode] 0x1A4) # 0644
        { Get-SmtpConfiguration -ErrorAction Stop } | Should -Throw -ErrorId 'StoreInsecurePermissions,SmtpConfig.Commands.GetSmtpConfigurationCommand'
    }

    It 'reports a damaged store with StoreDamaged, names the file and never overwrites it' {
        Set-SmtpConfiguration -Server smtp.example.test -From a@example.test -SkipValidation
        $file = Join-Path $store 'profiles.json'
        [IO.File]::WriteAllText($file, '{ "schemaVersion": 1, "profiles": [ { "name": ')
        $damaged = [IO.File]::ReadAllBytes($file)
        $err = $null
        try { Get-SmtpConfiguration -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'StoreDamaged,SmtpConfig.Commands.GetSmtpConfigurationCommand'
        $err.Exception.Message | Should -BeLike "*$file*"
        { Set-SmtpConfiguration -Name other -Server x.example.test -From a@example.test -SkipValidation -ErrorAction Stop } | Should -Throw -ErrorId 'StoreDamaged,SmtpConfig.Commands.SetSmtpConfigurationCommand'
        [IO.File]::ReadAllBytes($file) | Should -Be $damaged
    }

    It 'never shows the canary password: not on disk, in output, ToString, JSON, any stream or a transcript' {
        $canary = 'Canary-' + [guid]::NewGuid().ToString('N').Substring(0, 8) + '-Pässwörd!'
        $cred = [pscredential]::new('canary-user', (New-TestSecret $canary))
        $transcript = Join-Path $TestDrive 'transcript.txt'
        Start-Transcript -Path $transcript -Force | Out-Null
        try {
            $all = & {
                Set-SmtpConfiguration -Name c -Server 127.0.0.1 -Port 1 -From a@example.test -Credential $cred -TimeoutSec 2 -PassThru -Verbose -Debug -ErrorAction Continue 4>&1 5>&1 6>&1 3>&1 2>&1
                Get-SmtpConfiguration c | Set-SmtpConfiguration -Name d -PassThru -SkipValidation -Verbose 4>&1
                Get-SmtpConfiguration | Format-List * | Out-String
                Get-SmtpConfiguration | ConvertTo-Json -Depth 5
            } | Out-String
        }
        finally { Stop-Transcript | Out-Null }
        $all | Should -Match 'SmtpValidationFailed|Connect' -Because 'the validation ran and reported its failure'
        Test-ContainsCanary $all $canary | Should -BeFalse
        Test-ContainsCanary (Get-Content -Raw $transcript) $canary | Should -BeFalse
        Test-ContainsCanary ((Get-SmtpConfiguration c).ToString()) $canary | Should -BeFalse
        Test-FolderContainsCanary $store $canary | Should -BeNullOrEmpty
        (Get-SmtpConfiguration d).HasSecret | Should -BeTrue
    }
}

Describe 'Validation on save against the Postfix fixture (Postfix)' -Skip:$PostfixSkip {
    BeforeAll {
        $fixture = Get-PostfixFixture
    }

    BeforeEach {
        $script:store = Use-TestStore $TestDrive
    }

    It 'validates a good STARTTLS + AUTH profile and records it' {
        $cred = [pscredential]::new($fixture.UserName, (New-TestSecret $fixture.Password))
        $p = Set-SmtpConfiguration -Name good -Server localhost -Port $fixture.SubmissionPort -Encryption StartTls -From $fixture.UserName -Credential $cred -PassThru -WarningAction SilentlyContinue -ErrorVariable errs
        $errs | Should -BeNullOrEmpty
        $p.LastValidation.Succeeded | Should -BeTrue
        (Get-SmtpConfiguration good).LastValidation.Succeeded | Should -BeTrue
    }

    It 'saves a wrong password, reports SmtpValidationFailed at Authenticate, and a later change clears LastValidation' {
        $cred = [pscredential]::new($fixture.UserName, (New-TestSecret $fixture.WrongPassword))
        $p = Set-SmtpConfiguration -Name bad -Server localhost -Port $fixture.SslPort -Encryption Ssl -From $fixture.UserName -Credential $cred -PassThru -WarningAction SilentlyContinue -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'SmtpValidationFailed,SmtpConfig.Commands.SetSmtpConfigurationCommand'
        [string] $errs[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $errs[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        $p.HasSecret | Should -BeTrue
        $saved = Get-SmtpConfiguration bad
        $saved.LastValidation.Succeeded | Should -BeFalse
        [string] $saved.LastValidation.FailedStage | Should -Be 'Authenticate'
        Set-SmtpConfiguration -Name bad -TimeoutSec 5 -SkipValidation
        (Get-SmtpConfiguration bad).LastValidation | Should -BeNullOrEmpty
    }
}
