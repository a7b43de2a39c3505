#requires -Modules Pester
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:PostfixSkip = [bool] (Get-PostfixSkipReason)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SmtpConfigUnderTest
}

Describe 'Send-SmtpTestMail without a server' {
    BeforeEach { $null = Use-TestStore $TestDrive }

    It '-WhatIf connects to nothing and sends nothing' {
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try {
            $port = $listener.LocalEndpoint.Port
            Send-SmtpTestMail -To ops@example.test -Server 127.0.0.1 -Port $port -Encryption None -From a@example.test -WhatIf | Should -BeNullOrEmpty
            Start-Sleep -Milliseconds 200
            $listener.Pending() | Should -BeFalse
        }
        finally { $listener.Stop() }
    }

    It 'refuses <Case> with <Id> before connecting' -TestCases @(
        @{ Case = 'two addresses in one -To'; Params = @{ To = 'a@example.test, b@example.test' }; Id = 'InvalidRecipientAddress' }
        @{ Case = 'CR/LF in the subject'; Params = @{ To = 'a@example.test'; Subject = "hi`r`nBcc: victim@example.test" }; Id = 'ControlCharacterInValue' }
        @{ Case = 'CR/LF in an address'; Params = @{ To = "a@example.test`r`nBcc: victim@example.test" }; Id = 'ControlCharacterInValue' }
        @{ Case = 'an empty -To (refused by PowerShell''s binder)'; Params = @{ To = @('') }; Id = 'ParameterArgumentValidationErrorEmptyStringNotAllowed' }
    ) {
        param($Params, $Id)
        { Send-SmtpTestMail @Params -Server 127.0.0.1 -Port 1 -Encryption None -From a@example.test -ErrorAction Stop } |
            Should -Throw -ErrorId "$Id,SmtpConfig.Commands.SendSmtpTestMailCommand"
    }

    It 'an unknown profile is ProfileNotFound' {
        { Send-SmtpTestMail -To a@example.test -Name nope -ErrorAction Stop } | Should -Throw -ErrorId 'ProfileNotFound,SmtpConfig.Commands.SendSmtpTestMailCommand'
    }

    It 'returns a result, not an error, when the server cannot be reached' {
        $r = Send-SmtpTestMail -To a@example.test -Server 127.0.0.1 -Port 1 -Encryption None -From a@example.test -ErrorVariable errs
        $errs | Should -BeNullOrEmpty
        $r.Succeeded | Should -BeFalse
        [string] $r.FailedStage | Should -Be 'Connect'
        $r.TestId | Should -Match '^[A-Z2-9]{8}$'
        $r.PSObject.TypeNames[0] | Should -Be 'SmtpConfig.SmtpTestMailResult'
    }
}

Describe 'Send-SmtpTestMail against the Postfix fixture (Postfix)' -Skip:$PostfixSkip {
    BeforeAll {
        $fixture = Get-PostfixFixture
        $cred = [pscredential]::new($fixture.UserName, (New-TestSecret $fixture.Password))
        $fixtureModule = Join-Path $PSScriptRoot '../Fixtures/PostfixFixture.psm1'
        Import-Module $fixtureModule -Force
        function Wait-Delivered([string] $TestId, [string] $Mailbox) {
            $deadline = [DateTime]::UtcNow.AddSeconds(15)
            do {
                $files = @(Get-PostfixDelivered -Fixture $fixture -Mailbox $Mailbox -Timeout 1)
                foreach ($f in $files) {
                    $text = Get-Content -Raw $f.FullName
                    if ($text -match [regex]::Escape($TestId)) { return $text }
                }
            } while ([DateTime]::UtcNow -lt $deadline)
            $null
        }
    }

    BeforeEach { $null = Use-TestStore $TestDrive }

    It 'sends over STARTTLS with AUTH: the mail arrives with the TestId, envelope sender and From' {
        Set-SmtpConfiguration -Name pf -Server localhost -Port $fixture.SubmissionPort -From $fixture.UserName -Credential $cred -SkipValidation
        $r = Send-SmtpTestMail -To "bob@$($fixture.Domain)" -Name pf -WarningAction SilentlyContinue
        $r.Error | Should -BeNullOrEmpty
        $r.Succeeded | Should -BeTrue
        $r.AcceptedRecipients | Should -Be @("bob@$($fixture.Domain)")
        $r.ServerResponse | Should -Match '^250 .*queued as '
        $r.QueueId | Should -Not -BeNullOrEmpty
        $r.Hint | Should -BeLike '*not delivered*'
        $stages = [string[]] $r.Stages.Name
        $stages.IndexOf('Authenticate') | Should -BeLessThan $stages.IndexOf('MailFrom') -Because 'AUTH happens before MAIL'
        $text = Wait-Delivered -TestId $r.TestId -Mailbox bob
        $text | Should -Not -BeNullOrEmpty
        $text | Should -Match "(?m)^Return-Path: <$([regex]::Escape($fixture.UserName))>"
        $text | Should -Match "(?m)^From: $([regex]::Escape($fixture.UserName))"
        $text | Should -Match "(?m)^To: bob@$([regex]::Escape($fixture.Domain))"
        $text | Should -Match "(?m)^Subject: SmtpConfig test message $($r.TestId)"
        $text | Should -Match "(?m)^X-SmtpConfig-TestId: $($r.TestId)"
        $text | Should -Match "(?m)^Message-I[Dd]: <[^>]+@$([regex]::Escape($fixture.Domain))>"
        (Get-PostfixLog -Fixture $fixture) | Should -Match "$($r.QueueId):.*from=<$([regex]::Escape($fixture.UserName))>"
    }

    It 'sends over implicit TLS with unsaved values' {
        $r = Send-SmtpTestMail -To "alice@$($fixture.Domain)" -Server localhost -Port $fixture.SslPort -Encryption Ssl -Credential $cred -From $fixture.UserName -WarningAction SilentlyContinue
        $r.Succeeded | Should -BeTrue
        $r.TlsProtocol | Should -Match 'Tls1[23]'
        Wait-Delivered -TestId $r.TestId -Mailbox alice | Should -Not -BeNullOrEmpty
    }

    It 'sends to the accepted recipients when one is refused, and says who was refused and why' {
        $r = Send-SmtpTestMail -To "bob@$($fixture.Domain)", "nobody@$($fixture.Domain)" -Server localhost -Port $fixture.SubmissionPort -Credential $cred -From $fixture.UserName -WarningAction SilentlyContinue
        $r.Succeeded | Should -BeFalse
        [string] $r.FailedStage | Should -Be 'RcptTo'
        $r.AcceptedRecipients | Should -Be @("bob@$($fixture.Domain)")
        $r.RejectedRecipients.Count | Should -Be 1
        $r.RejectedRecipients[0].Address | Should -Be "nobody@$($fixture.Domain)"
        $r.RejectedRecipients[0].StatusCode | Should -Be 550
        $r.RejectedRecipients[0].EnhancedStatusCode | Should -Be '5.1.1'
        $r.ServerResponse | Should -Match '^250 '
        Wait-Delivered -TestId $r.TestId -Mailbox bob | Should -Not -BeNullOrEmpty
    }

    It 'names the From authorisation when the server refuses the sender (553 at MailFrom)' {
        $r = Send-SmtpTestMail -To "bob@$($fixture.Domain)" -Server localhost -Port $fixture.SubmissionPort -Credential $cred -From "bob@$($fixture.Domain)" -WarningAction SilentlyContinue
        $r.Succeeded | Should -BeFalse
        [string] $r.FailedStage | Should -Be 'MailFrom'
        $r.SmtpStatusCode | Should -Be 553
        $r.Hint | Should -BeLike '*From address*'
    }

    It 'sends one mail per profile from the pipeline' {
        Set-SmtpConfiguration -Name p1 -Server localhost -Port $fixture.SubmissionPort -From $fixture.UserName -Credential $cred -SkipValidation
        Set-SmtpConfiguration -Name p2 -Server localhost -Port $fixture.SslPort -Encryption Ssl -From $fixture.UserName -Credential $cred -SkipValidation
        $results = @(Get-SmtpConfiguration | Send-SmtpTestMail -To "alice@$($fixture.Domain)" -WarningAction SilentlyContinue)
        $results.Count | Should -Be 2
        $results.Name | Should -Be @('p1', 'p2')
        $results | ForEach-Object { $_.Succeeded | Should -BeTrue }
        ($results.TestId | Select-Object -Unique).Count | Should -Be 2
    }

    It 'keeps the password out of the result, its JSON and the streams' {
        $r = Send-SmtpTestMail -To "bob@$($fixture.Domain)" -Server localhost -Port $fixture.SubmissionPort -Credential $cred -From $fixture.UserName -Verbose 4>&1 3>&1 | Out-String
        $json = Send-SmtpTestMail -To "bob@$($fixture.Domain)" -Server localhost -Port $fixture.SubmissionPort -Credential $cred -From $fixture.UserName -WarningAction SilentlyContinue | ConvertTo-Json -Depth 6
        $r | Should -Match 'Data'
        Test-ContainsCanary ($r + $json) $fixture.Password | Should -BeFalse
    }
}
