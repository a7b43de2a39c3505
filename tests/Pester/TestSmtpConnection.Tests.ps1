#requires -Modules Pester
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:PostfixSkip = [bool] (Get-PostfixSkipReason)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SmtpConfigUnderTest
}

Describe 'Test-SmtpConnection without a server' {
    BeforeEach { $null = Use-TestStore $TestDrive }

    It 'returns a result, not an error, for a refused connection' {
        $port = & { $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $l.Start(); $p = $l.LocalEndpoint.Port; $l.Stop(); $p }
        $r = Test-SmtpConnection -Server 127.0.0.1 -Port $port -Encryption StartTls -ErrorVariable errs
        $errs | Should -BeNullOrEmpty
        $r.Succeeded | Should -BeFalse
        [string] $r.FailedStage | Should -Be 'Connect'
        $r.Hint | Should -BeLike '*port*'
        $r.PSObject.TypeNames[0] | Should -Be 'SmtpConfig.SmtpConnectionTestResult'
    }

    It '-Quiet returns only a boolean' {
        Test-SmtpConnection -Server 127.0.0.1 -Port 1 -Quiet | Should -BeExactly $false
    }

    It 'an unknown profile is ProfileNotFound' {
        { Test-SmtpConnection -Name nope -ErrorAction Stop } | Should -Throw -ErrorId 'ProfileNotFound,SmtpConfig.Commands.TestSmtpConnectionCommand'
    }

    It 'refuses an invalid recipient before connecting' {
        { Test-SmtpConnection -Server 127.0.0.1 -Port 1 -Recipient 'not an address' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRecipientAddress,SmtpConfig.Commands.TestSmtpConnectionCommand'
    }
}

Describe 'Test-SmtpConnection against the Postfix fixture (Postfix)' -Skip:$PostfixSkip {
    BeforeAll {
        $fixture = Get-PostfixFixture
        $cred = [pscredential]::new($fixture.UserName, (New-TestSecret $fixture.Password))
        $wrong = [pscredential]::new($fixture.UserName, (New-TestSecret $fixture.WrongPassword))
    }

    BeforeEach { $null = Use-TestStore $TestDrive }

    It 'succeeds over <Encryption> with AUTH, with TLS and certificate facts' -TestCases @(
        @{ Encryption = 'StartTls'; PortName = 'SubmissionPort' }
        @{ Encryption = 'Ssl'; PortName = 'SslPort' }
    ) {
        param($Encryption, $PortName)
        $r = Test-SmtpConnection -Server localhost -Port $fixture.$PortName -Encryption $Encryption -Credential $cred
        $r.Error | Should -BeNullOrEmpty
        $r.Succeeded | Should -BeTrue
        $r.Authenticated | Should -BeTrue
        $r.TlsProtocol | Should -Match 'Tls1[23]'
        $r.Certificate.SubjectAlternativeNames | Should -Contain 'localhost'
        $r.Certificate.DaysUntilExpiry | Should -BeGreaterThan 0
        $r.Certificate.Thumbprint | Should -Match '^[0-9A-F]{40}$'
        $r.Banner | Should -BeLike '*ESMTP*'
        $r.AuthenticationMechanisms | Should -Contain 'PLAIN'
        $tlsStage = if ($Encryption -eq 'Ssl') { 'Tls' } else { 'StartTls' }
        [string[]] $r.Stages.Name | Should -Contain $tlsStage
        $expectedStages = @('Resolve', 'Connect'; if ($Encryption -eq 'Ssl') { 'Tls' }; 'Banner', 'Ehlo'; if ($Encryption -eq 'StartTls') { 'StartTls' }; 'Authenticate', 'Quit')
        [string[]] $r.Stages.Name | Should -Be $expectedStages
        @($r.Warnings | Where-Object { $_ -like '*certificate expires in*' }).Count | Should -Be 1 -Because 'the fixture certificate expires within 30 days'
    }

    It 'pins the certificate by thumbprint' {
        $first = Test-SmtpConnection -Server localhost -Port $fixture.SslPort -Encryption Ssl
        (Test-SmtpConnection -Server localhost -Port $fixture.SslPort -Encryption Ssl -CertificateThumbprint $first.Certificate.Thumbprint).Succeeded | Should -BeTrue
        $r = Test-SmtpConnection -Server localhost -Port $fixture.SslPort -Encryption Ssl -CertificateThumbprint ('A' * 40)
        $r.Succeeded | Should -BeFalse
        [string] $r.FailedStage | Should -Be 'Tls'
        $r.Error | Should -BeLike '*pinned*'
    }

    It 'reports a wrong password at Authenticate with the server''s 535 and no secret in the transcript' {
        $r = Test-SmtpConnection -Server localhost -Port $fixture.SubmissionPort -Credential $wrong
        $r.Succeeded | Should -BeFalse
        [string] $r.FailedStage | Should -Be 'Authenticate'
        $r.SmtpStatusCode | Should -Be 535
        $r.EnhancedStatusCode | Should -Be '5.7.8'
        $r.Hint | Should -BeLike '*user name or password*'
        $text = ($r.Transcript -join "`n") + $r.Error + $r.ServerResponse + ($r | ConvertTo-Json -Depth 5)
        $text | Should -BeLike '*AUTH PLAIN ********'
        Test-ContainsCanary $text $fixture.WrongPassword | Should -BeFalse
    }

    It 'SSL against the STARTTLS port fails at Tls in under a second with the StartTls hint' {
        $r = Test-SmtpConnection -Server localhost -Port $fixture.SubmissionPort -Encryption Ssl -TimeoutSec 5
        $r.Succeeded | Should -BeFalse
        [string] $r.FailedStage | Should -Be 'Tls'
        $r.Hint | Should -BeLike '*-Encryption StartTls*'
        $r.Duration.TotalSeconds | Should -BeLessThan 1
    }

    It 'STARTTLS against the implicit-TLS port fails at Banner within the timeout with the Ssl hint' {
        $r = Test-SmtpConnection -Server localhost -Port $fixture.SslPort -Encryption StartTls -TimeoutSec 2
        $r.Succeeded | Should -BeFalse
        [string] $r.FailedStage | Should -Be 'Banner'
        $r.Hint | Should -BeLike '*-Encryption Ssl*'
        $r.Duration.TotalSeconds | Should -BeLessThan 3
    }

    It 'checks MAIL FROM and RCPT TO without sending: accepted, refused sender, unknown recipient' {
        $ok = Test-SmtpConnection -Server localhost -Port $fixture.SubmissionPort -Credential $cred -From $fixture.UserName -Recipient "bob@$($fixture.Domain)"
        $ok.Succeeded | Should -BeTrue
        [string[]] $ok.Stages.Name | Should -Contain 'RcptTo'
        ($ok.Transcript -join "`n") | Should -Not -Match 'C: DATA'

        $sender = Test-SmtpConnection -Server localhost -Port $fixture.SubmissionPort -Credential $cred -From "bob@$($fixture.Domain)"
        [string] $sender.FailedStage | Should -Be 'MailFrom'
        $sender.SmtpStatusCode | Should -Be 553
        $sender.Hint | Should -BeLike '*From address*'

        $rcpt = Test-SmtpConnection -Server localhost -Port $fixture.SubmissionPort -Credential $cred -From $fixture.UserName -Recipient "nobody@$($fixture.Domain)"
        [string] $rcpt.FailedStage | Should -Be 'RcptTo'
        $rcpt.SmtpStatusCode | Should -Be 550
        $rcpt.EnhancedStatusCode | Should -Be '5.1.1'
    }

    It 'tests several saved profiles concurrently, each result as it completes' {
        Set-SmtpConfiguration -Name fast-a -Server localhost -Port $fixture.SubmissionPort -From $fixture.UserName -Credential $cred -SkipValidation
        Set-SmtpConfiguration -Name fast-b -Server localhost -Port $fixture.SslPort -Encryption Ssl -From $fixture.UserName -Credential $cred -SkipValidation
        foreach ($i in 1..4) { Set-SmtpConfiguration -Name "slow-$i" -Server localhost -Port $fixture.SslPort -Encryption StartTls -From $fixture.UserName -TimeoutSec 2 -SkipValidation -WarningAction SilentlyContinue }
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $results = @(Get-SmtpConfiguration | Test-SmtpConnection)
        $sw.Stop()
        $results.Count | Should -Be 6
        ($results | Where-Object Succeeded).Name | Sort-Object | Should -Be @('fast-a', 'fast-b')
        $results[0].Succeeded | Should -BeTrue -Because 'fast results are written before the slow ones finish'
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 6 -Because 'four 2-second timeouts run at once, not one after another'
    }
}
