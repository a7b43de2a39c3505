#Requires -Version 7.2
<#
.SYNOPSIS
    A private, loopback-only Postfix instance for integration tests.

.DESCRIPTION
    Start-PostfixFixture builds a complete Postfix instance under -Root (config, queue,
    data, Maildirs, log) with three listeners on free 127.0.0.1 ports:
      PlainPort       no TLS, no AUTH (like port 25; only accepts mail for example.test)
      SslPort         implicit TLS (like 465), AUTH PLAIN/LOGIN required to relay
      SubmissionPort  STARTTLS required (like 587), AUTH PLAIN/LOGIN only after STARTTLS
    The virtual domain example.test is delivered into Maildirs under <Root>/mail/<user>/.
    Everything else is routed to the error transport: nothing can leave the machine.

    Requires root (the master runs as root, as in production), /usr/sbin/postfix and
    saslpasswd2 (Debian packages: postfix, sasl2-bin, libsasl2-modules).
#>

Set-StrictMode -Version Latest

$script:PostfixBinary = '/usr/sbin/postfix'
$script:PostconfBinary = '/usr/sbin/postconf'
$script:SaslPasswdBinary = '/usr/sbin/saslpasswd2'
$script:MasterCfSource = '/etc/postfix/master.cf'

function Test-PostfixAvailable {
    <#
    .SYNOPSIS
        Returns $true/$false (reason on the verbose stream). With -Detailed returns
        [pscustomobject]@{ Available = [bool]; Reason = [string] } (Reason is 'OK' when available).
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param([switch] $Detailed)
    $reason = $null
    if (-not $IsLinux) { $reason = 'Postfix fixture only runs on Linux.' }
    elseif ((& id -u) -ne '0') { $reason = 'Postfix fixture needs root (the master process runs as root).' }
    elseif (-not (Test-Path -LiteralPath $script:PostfixBinary)) { $reason = "$($script:PostfixBinary) not found (apt-get install postfix)." }
    elseif (-not (Test-Path -LiteralPath $script:PostconfBinary)) { $reason = "$($script:PostconfBinary) not found (apt-get install postfix)." }
    elseif (-not (Test-Path -LiteralPath $script:SaslPasswdBinary)) { $reason = "$($script:SaslPasswdBinary) not found (apt-get install sasl2-bin)." }
    elseif (-not (Test-Path -LiteralPath $script:MasterCfSource)) { $reason = "$($script:MasterCfSource) not found (postfix package incomplete)." }
    elseif (-not (Get-ChildItem -Path '/usr/lib/*/sasl2/libsasldb.so*', '/usr/lib/sasl2/libsasldb.so*' -ErrorAction SilentlyContinue)) {
        $reason = 'Cyrus SASL sasldb plugin not found (apt-get install libsasl2-modules).'
    }
    else {
        try { $null = [System.Net.Dns]::GetHostAddresses('localhost') }
        catch { $reason = "Cannot resolve 'localhost': $($_.Exception.Message)" }
    }
    if (-not $Detailed) {
        if ($reason) { Write-Verbose $reason }
        return ($null -eq $reason)
    }
    [pscustomobject]@{
        PSTypeName = 'SmtpConfig.Tests.PostfixAvailability'
        Available  = ($null -eq $reason)
        Reason     = if ($reason) { $reason } else { 'OK' }
    }
}

function Get-FreeLoopbackPort {
    param([int] $Count = 1)
    # Hold all listeners open until every port is chosen so they are distinct.
    $listeners = @()
    try {
        for ($i = 0; $i -lt $Count; $i++) {
            $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
            $l.Start()
            $listeners += $l
        }
        return @($listeners | ForEach-Object { $_.LocalEndpoint.Port })
    }
    finally {
        foreach ($l in $listeners) { $l.Stop() }
    }
}

function New-RandomSecret {
    param([int] $Length = 24)
    $alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'
    $chars = for ($i = 0; $i -lt $Length; $i++) { $alphabet[[System.Security.Cryptography.RandomNumberGenerator]::GetInt32($alphabet.Length)] }
    -join $chars
}

function Invoke-Native {
    # Runs a command through /bin/sh with stdin from /dev/null and output into a file, so a
    # daemon that inherits the descriptors can never make us wait. Returns exit code + text.
    param(
        [Parameter(Mandatory)][string] $FilePath,
        [string[]] $ArgumentList = @(),
        [string] $InputText,
        [switch] $Quiet
    )
    $out = [System.IO.Path]::GetTempFileName()
    $in = $null
    try {
        $quoted = @($FilePath) + $ArgumentList | ForEach-Object { "'" + ($_ -replace "'", "'\''") + "'" }
        $stdin = '/dev/null'
        if ($PSBoundParameters.ContainsKey('InputText')) {
            $in = [System.IO.Path]::GetTempFileName()
            [System.IO.File]::WriteAllText($in, $InputText)
            $stdin = $in
        }
        $cmd = ($quoted -join ' ') + " <'$stdin' >'$out' 2>&1"
        & /bin/sh -c $cmd
        $code = $LASTEXITCODE
        $text = [System.IO.File]::ReadAllText($out)
        [pscustomobject]@{ ExitCode = $code; Output = $text }
    }
    finally {
        Remove-Item -LiteralPath $out -Force -ErrorAction SilentlyContinue
        if ($in) { Remove-Item -LiteralPath $in -Force -ErrorAction SilentlyContinue }
    }
}

function Get-TextTail {
    param([string] $Path, [int] $Lines = 40)
    if ($Path -and (Test-Path -LiteralPath $Path)) {
        return ((Get-Content -LiteralPath $Path -Tail $Lines) -join "`n")
    }
    return '(no log file)'
}

function ConvertTo-FixtureMasterCf {
    param(
        [Parameter(Mandatory)][string] $Source,
        [Parameter(Mandatory)][int] $PlainPort,
        [Parameter(Mandatory)][int] $SslPort,
        [Parameter(Mandatory)][int] $SubmissionPort,
        [switch] $RejectSenderAtMailFrom
    )
    $out = [System.Collections.Generic.List[string]]::new()
    $skipping = $false
    foreach ($line in (Get-Content -LiteralPath $Source)) {
        if ($line -match '^\s*$' -or $line -match '^#') {
            # Comments/blank lines end a service's continuation block only if not indented.
            if ($line -match '^#') { $skipping = $false }
            if (-not $skipping) { $out.Add($line) }
            continue
        }
        if ($line -match '^\s') {
            # Continuation of the previous service entry.
            if (-not $skipping) { $out.Add($line) }
            continue
        }
        $fields = $line -split '\s+'
        if ($fields.Count -ge 8 -and $fields[1] -eq 'inet') {
            # Drop every default inet listener (smtp on port 25, and any uncommented extras).
            $skipping = $true
            continue
        }
        $skipping = $false
        if ($fields.Count -ge 8) {
            # service type private unpriv chroot wakeup maxproc command [args]
            $fields[4] = 'n'
            $line = '{0,-10} {1,-5} {2,-7} {3,-7} {4,-7} {5,-7} {6,-7} {7}' -f $fields[0], $fields[1], $fields[2], $fields[3], $fields[4], $fields[5], $fields[6], ($fields[7..($fields.Count - 1)] -join ' ')
        }
        $out.Add($line)
    }

    $authOpts = @(
        '  -o smtpd_sasl_auth_enable=yes'
        '  -o smtpd_sasl_security_options=noanonymous'
        '  -o smtpd_sasl_tls_security_options=noanonymous'
        '  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject'
        '  -o smtpd_recipient_restrictions='
        '  -o smtpd_sender_restrictions=reject_sender_login_mismatch'
        '  -o smtpd_client_restrictions='
        '  -o smtpd_helo_restrictions='
    )
    if ($RejectSenderAtMailFrom) { $authOpts += '  -o smtpd_delay_reject=no' }
    $out.Add('')
    $out.Add('# ---- SmtpConfig test fixture listeners (127.0.0.1 only) ----')
    $out.Add("# Plain SMTP (like port 25): no TLS, no AUTH")
    $out.Add("127.0.0.1:$PlainPort inet n - n - - smtpd")
    $out.Add('  -o syslog_name=postfix/plain')
    $out.Add('  -o smtpd_tls_security_level=none')
    $out.Add('  -o smtpd_sasl_auth_enable=no')
    $out.Add("# Implicit TLS (like port 465): AUTH PLAIN LOGIN")
    $out.Add("127.0.0.1:$SslPort inet n - n - - smtpd")
    $out.Add('  -o syslog_name=postfix/smtps')
    $out.Add('  -o smtpd_tls_wrappermode=yes')
    $out.Add('  -o smtpd_tls_security_level=encrypt')
    foreach ($o in $authOpts) { $out.Add($o) }
    $out.Add("# Submission (like port 587): STARTTLS required, AUTH only after STARTTLS")
    $out.Add("127.0.0.1:$SubmissionPort inet n - n - - smtpd")
    $out.Add('  -o syslog_name=postfix/submission')
    $out.Add('  -o smtpd_tls_security_level=encrypt')
    $out.Add('  -o smtpd_tls_auth_only=yes')
    foreach ($o in $authOpts) { $out.Add($o) }
    return ($out -join "`n") + "`n"
}

function Wait-SmtpBanner {
    # Returns $null when a 220 banner was read, otherwise the last error text.
    param(
        [Parameter(Mandatory)][int] $Port,
        [switch] $ImplicitTls,
        [int] $TimeoutMs = 3000
    )
    $client = [System.Net.Sockets.TcpClient]::new([System.Net.Sockets.AddressFamily]::InterNetwork)
    try {
        $client.ReceiveTimeout = $TimeoutMs
        $client.SendTimeout = $TimeoutMs
        $connect = $client.ConnectAsync([System.Net.IPAddress]::Loopback, $Port)
        if (-not $connect.Wait($TimeoutMs)) { return 'connect timed out' }
        [System.IO.Stream] $stream = $client.GetStream()
        if ($ImplicitTls) {
            $ssl = [System.Net.Security.SslStream]::new($stream, $false)
            $opts = [System.Net.Security.SslClientAuthenticationOptions]::new()
            $opts.TargetHost = 'localhost'
            $opts.RemoteCertificateValidationCallback = { $true }
            $task = $ssl.AuthenticateAsClientAsync($opts, [System.Threading.CancellationToken]::None)
            if (-not $task.Wait($TimeoutMs)) { return 'TLS handshake timed out' }
            $stream = $ssl
        }
        $reader = [System.IO.StreamReader]::new($stream, [System.Text.Encoding]::ASCII)
        $line = $reader.ReadLine()
        if ($line -and $line.StartsWith('220')) {
            try {
                $bytes = [System.Text.Encoding]::ASCII.GetBytes("QUIT`r`n")
                $stream.Write($bytes, 0, $bytes.Length)
                $stream.Flush()
                $null = $reader.ReadLine()
            }
            catch { }
            return $null
        }
        return "unexpected banner: '$line'"
    }
    catch {
        $e = $_.Exception
        while ($e.InnerException) { $e = $e.InnerException }
        return $e.Message
    }
    finally {
        $client.Dispose()
    }
}

function Start-PostfixFixture {
    <#
    .SYNOPSIS
        Builds and starts a private Postfix instance under -Root (must be absolute, will be created).
    .OUTPUTS
        PSCustomObject: Root, ConfigDirectory, QueueDirectory, PlainPort, SslPort, SubmissionPort,
        Host ('localhost'), IPAddress ('127.0.0.1'), UserName, Password, WrongPassword, Domain,
        SenderAddress, OtherUserAddress, MailRoot, LogPath, CaPath, CertificatePath, KeyPath,
        Certificate (TestPki leaf object), PidFile, StartSeconds.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string] $Root,
        [Parameter(Mandatory)][psobject] $Authority,
        [int] $StartTimeoutSeconds = 30,
        # Postfix default (smtpd_delay_reject=yes) answers the sender-ownership 553 to RCPT TO;
        # with this switch the 553 comes back to MAIL FROM itself.
        [switch] $RejectSenderAtMailFrom
    )

    $avail = Test-PostfixAvailable -Detailed
    if (-not $avail.Available) { throw "Postfix fixture unavailable: $($avail.Reason)" }
    if (-not [System.IO.Path]::IsPathRooted($Root)) { throw "-Root must be an absolute path: '$Root'" }
    $Root = [System.IO.Path]::GetFullPath($Root).TrimEnd('/')
    if ($Root -match '\s') { throw "-Root must not contain whitespace (Postfix config values): '$Root'" }
    if ((Test-Path -LiteralPath $Root) -and (Get-ChildItem -LiteralPath $Root -Force | Select-Object -First 1)) {
        throw "-Root '$Root' exists and is not empty; use a fresh directory per fixture."
    }

    if (-not (Get-Command New-TestServerCertificate -ErrorAction SilentlyContinue)) {
        Import-Module (Join-Path $PSScriptRoot 'TestPki.psm1') -Global
    }

    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $domain = 'example.test'
    $user = "alice@$domain"
    $password = New-RandomSecret
    do { $wrongPassword = New-RandomSecret } while ($wrongPassword -eq $password)

    $config = Join-Path $Root 'config'
    $queue = Join-Path $Root 'queue'
    $data = Join-Path $Root 'data'
    $mail = Join-Path $Root 'mail'
    $tls = Join-Path $Root 'tls'
    $saslDir = Join-Path $config 'sasl'
    $log = Join-Path $Root 'maillog'
    foreach ($d in $Root, $config, $queue, $data, $mail, $tls, $saslDir) { [void][System.IO.Directory]::CreateDirectory($d) }

    # The postfix user (smtpd, virtual) must be able to traverse Root and its parents.
    & chmod 0755 $Root $config $saslDir $tls
    $p = Split-Path $Root -Parent
    while ($p -and $p -ne '/') {
        $mode = [System.IO.File]::GetUnixFileMode($p)
        if (-not ($mode -band [System.IO.UnixFileMode]::OtherExecute)) {
            throw "Parent directory '$p' is not traversable by the postfix user (mode $mode); choose a Root under a world-executable directory."
        }
        $p = Split-Path $p -Parent
    }
    & chown postfix:postfix $mail
    & chmod 0700 $mail
    & chown postfix:root $data
    & chmod 0700 $data

    $cert = New-TestServerCertificate -Authority $Authority -Directory $tls -Name 'smtp' `
        -DnsName @('localhost', "smtp.$domain") -IPAddress @('127.0.0.1')

    $ports = Get-FreeLoopbackPort -Count 3
    $plainPort, $sslPort, $submissionPort = $ports

    $postfixUid = [int](& id -u postfix)
    $postfixGid = [int](& id -g postfix)

    # --- lookup tables (texthash: no postmap needed) ---
    $vmailbox = Join-Path $config 'vmailbox'
    $senderLogins = Join-Path $config 'sender_login'
    Set-Content -LiteralPath $vmailbox -Value @("alice@$domain alice/", "bob@$domain bob/") -Encoding ascii
    Set-Content -LiteralPath $senderLogins -Value @("alice@$domain alice@$domain", "bob@$domain bob@$domain") -Encoding ascii

    # --- Cyrus SASL (sasldb) ---
    $sasldb = Join-Path $saslDir 'sasldb2'
    Set-Content -LiteralPath (Join-Path $saslDir 'smtpd.conf') -Encoding ascii -Value @(
        'pwcheck_method: auxprop'
        'auxprop_plugin: sasldb'
        'mech_list: PLAIN LOGIN'
        "sasldb_path: $sasldb"
    )
    $r = Invoke-Native -FilePath $script:SaslPasswdBinary -ArgumentList @('-p', '-c', '-f', $sasldb, '-u', $domain, 'alice') -InputText $password
    if ($r.ExitCode -ne 0) { throw "saslpasswd2 failed ($($r.ExitCode)): $($r.Output)" }
    & chown root:postfix $sasldb
    & chmod 0640 $sasldb

    # --- main.cf ---
    $mainCf = @"
# SmtpConfig test fixture: private, loopback-only instance. Generated; do not edit.
compatibility_level = 3.6
queue_directory = $queue
data_directory = $data
mail_owner = postfix
setgid_group = postdrop
maillog_file = $log
maillog_file_prefixes = $Root
myhostname = smtp.$domain
mydomain = $domain
myorigin = `$myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relayhost =
relay_domains =
mynetworks = 127.0.0.1/32
inet_interfaces = loopback-only
inet_protocols = ipv4
default_transport = error:5.7.1 outbound mail disabled in SmtpConfig test fixture
relay_transport = error:5.7.1 outbound mail disabled in SmtpConfig test fixture
smtputf8_enable = yes
biff = no
append_dot_mydomain = no
readme_directory = no
smtpd_banner = `$myhostname ESMTP SmtpConfig test fixture
disable_vrfy_command = yes
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_sender_login_maps = texthash:$senderLogins
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
cyrus_sasl_config_path = $saslDir
smtpd_sasl_auth_enable = no
smtpd_sasl_local_domain =
broken_sasl_auth_clients = no
smtpd_tls_cert_file = $($cert.CertificatePath)
smtpd_tls_key_file = $($cert.KeyPath)
smtpd_tls_security_level = none
smtpd_tls_loglevel = 1
smtpd_tls_session_cache_database =
smtp_tls_security_level = none
virtual_mailbox_domains = $domain
virtual_mailbox_base = $mail
virtual_mailbox_maps = texthash:$vmailbox
virtual_uid_maps = static:$postfixUid
virtual_gid_maps = static:$postfixGid
virtual_minimum_uid = 100
virtual_transport = virtual
unknown_virtual_mailbox_reject_code = 550
maximal_queue_lifetime = 1h
bounce_queue_lifetime = 1h
delay_warning_time = 0h
"@
    Set-Content -LiteralPath (Join-Path $config 'main.cf') -Value $mainCf -Encoding ascii -NoNewline
    $masterCf = ConvertTo-FixtureMasterCf -Source $script:MasterCfSource -PlainPort $plainPort -SslPort $sslPort -SubmissionPort $submissionPort -RejectSenderAtMailFrom:$RejectSenderAtMailFrom
    Set-Content -LiteralPath (Join-Path $config 'master.cf') -Value $masterCf -Encoding ascii -NoNewline
    & chmod 0644 (Join-Path $config 'main.cf') (Join-Path $config 'master.cf') $vmailbox $senderLogins (Join-Path $saslDir 'smtpd.conf')

    # Postfix sleeps 2 s when main.cf/master.cf look freshly written: back-date them.
    $old = [datetime]::Now.AddMinutes(-1)
    Get-ChildItem -LiteralPath $config -File | ForEach-Object { $_.LastWriteTime = $old }
    (Get-Item -LiteralPath $config).LastWriteTime = $old

    $fixture = [pscustomobject]@{
        PSTypeName       = 'SmtpConfig.Tests.PostfixFixture'
        Root             = $Root
        ConfigDirectory  = $config
        QueueDirectory   = $queue
        PlainPort        = [int]$plainPort
        SslPort          = [int]$sslPort
        SubmissionPort   = [int]$submissionPort
        Host             = 'localhost'
        IPAddress        = '127.0.0.1'
        UserName         = $user
        Password         = $password
        WrongPassword    = $wrongPassword
        Domain           = $domain
        SenderAddress    = $user
        OtherUserAddress = "bob@$domain"
        MailRoot         = $mail
        LogPath          = $log
        CaPath           = $Authority.CertificatePath
        CertificatePath  = $cert.CertificatePath
        KeyPath          = $cert.KeyPath
        Certificate      = $cert
        PidFile          = Join-Path $queue 'pid/master.pid'
        StartSeconds     = 0.0
    }

    try {
        $r = Invoke-Native -FilePath $script:PostfixBinary -ArgumentList @('-c', $config, 'check')
        if ($r.ExitCode -ne 0) { throw "postfix check failed ($($r.ExitCode)):`n$($r.Output)" }
        if ($r.Output -match 'fatal|error') { Write-Verbose "postfix check output:`n$($r.Output)" }

        $r = Invoke-Native -FilePath $script:PostfixBinary -ArgumentList @('-c', $config, 'start')
        if ($r.ExitCode -ne 0) { throw "postfix start failed ($($r.ExitCode)):`n$($r.Output)" }

        $deadline = [datetime]::UtcNow.AddSeconds($StartTimeoutSeconds)
        $pending = [ordered]@{ Plain = $plainPort; Ssl = $sslPort; Submission = $submissionPort }
        $lastError = @{}
        while ($pending.Count -gt 0) {
            foreach ($name in @($pending.Keys)) {
                $err = Wait-SmtpBanner -Port $pending[$name] -ImplicitTls:($name -eq 'Ssl')
                if ($null -eq $err) { $pending.Remove($name) } else { $lastError[$name] = $err }
            }
            if ($pending.Count -eq 0) { break }
            if ([datetime]::UtcNow -gt $deadline) {
                $detail = ($pending.Keys | ForEach-Object { "$_ port $($pending[$_]): $($lastError[$_])" }) -join '; '
                throw "Postfix fixture did not answer with a 220 banner within $StartTimeoutSeconds s ($detail).`n--- tail of $log ---`n$(Get-TextTail -Path $log -Lines 25)"
            }
            Start-Sleep -Milliseconds 100
        }
    }
    catch {
        Stop-PostfixFixture -Fixture $fixture -ErrorAction SilentlyContinue
        throw
    }
    $fixture.StartSeconds = [math]::Round($sw.Elapsed.TotalSeconds, 2)
    return $fixture
}

function Get-FixtureProcessId {
    # Processes whose environment says MAIL_CONFIG=<our config dir> (master and its children).
    param([Parameter(Mandatory)][string] $ConfigDirectory)
    $needle = "MAIL_CONFIG=$ConfigDirectory"
    $found = foreach ($dir in [System.IO.Directory]::EnumerateDirectories('/proc')) {
        $name = [System.IO.Path]::GetFileName($dir)
        if ($name -notmatch '^\d+$' -or [int]$name -eq $PID) { continue }
        try {
            $envText = [System.IO.File]::ReadAllText("$dir/environ")
            if (($envText -split "`0") -contains $needle) { [int]$name }
        }
        catch { }
    }
    return @($found)
}

function Test-ProcessAlive {
    # True when /proc/<pid> exists and is not a zombie (containers without an init may never reap).
    param([int] $ProcessId)
    try {
        $stat = [System.IO.File]::ReadAllText("/proc/$ProcessId/stat")
        $state = $stat.Substring($stat.LastIndexOf(')') + 2, 1)
        return ($state -ne 'Z' -and $state -ne 'X')
    }
    catch { return $false }
}

function Stop-PostfixFixture {
    <#
    .SYNOPSIS
        Stops the instance (SIGTERM to the master from the pid file, as "postfix stop" does; then SIGKILL for leftovers found by pid file / MAIL_CONFIG in /proc). Idempotent.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, ValueFromPipeline)][AllowNull()][psobject] $Fixture,
        [int] $TimeoutSeconds = 10
    )
    process {
        if ($null -eq $Fixture) { return }
        $config = $Fixture.ConfigDirectory
        if (-not $config -or -not (Test-Path -LiteralPath (Join-Path $config 'main.cf'))) { return }

        $masterPid = $null
        if ($Fixture.PidFile -and (Test-Path -LiteralPath $Fixture.PidFile)) {
            # The master holds a lock on master.pid, which .NET's FileStream refuses to share: use cat.
            $text = (& /bin/cat $Fixture.PidFile 2>$null) -join ''
            if ($text -and $text.Trim() -match '^\d+$') { $masterPid = [int]$text.Trim() }
        }
        $masterAlive = $masterPid -and (Test-ProcessAlive $masterPid)
        if (-not $masterAlive -and -not (Get-FixtureProcessId -ConfigDirectory $config)) { return }

        if ($masterAlive) {
            # Exactly what 'postfix stop' does (SIGTERM to the master), minus its 1 s polling sleeps.
            & /bin/kill -TERM $masterPid 2>$null
        }
        else {
            $null = Invoke-Native -FilePath $script:PostfixBinary -ArgumentList @('-c', $config, 'stop')
        }
        $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSeconds)
        while ([datetime]::UtcNow -lt $deadline) {
            $left = Get-FixtureProcessId -ConfigDirectory $config
            if ($masterPid -and (Test-ProcessAlive $masterPid)) { $left += $masterPid }
            if (-not $left) { return }
            Start-Sleep -Milliseconds 50
        }
        # Leftovers: kill exactly our processes (pid file + MAIL_CONFIG match), by pid.
        $left = @(Get-FixtureProcessId -ConfigDirectory $config)
        if ($masterPid -and (Test-ProcessAlive $masterPid)) { $left += $masterPid }
        foreach ($id in ($left | Sort-Object -Unique)) {
            Write-Warning "Postfix fixture: killing leftover process $id"
            & /bin/kill -KILL $id 2>$null
        }
        $deadline = [datetime]::UtcNow.AddSeconds(3)
        while ([datetime]::UtcNow -lt $deadline -and ($left | Where-Object { Test-ProcessAlive $_ })) {
            Start-Sleep -Milliseconds 50
        }
    }
}

function Get-PostfixDelivered {
    <#
    .SYNOPSIS
        Waits until at least -MinimumCount messages are in <MailRoot>/<Mailbox>/{new,cur} and returns
        them as FileInfo (oldest first). Returns whatever is there (possibly nothing) on timeout.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][psobject] $Fixture,
        [string] $Mailbox = 'alice',
        [double] $Timeout = 10,
        [int] $MinimumCount = 1
    )
    $box = Join-Path $Fixture.MailRoot $Mailbox
    $deadline = [datetime]::UtcNow.AddSeconds($Timeout)
    while ($true) {
        $files = @(foreach ($sub in 'new', 'cur') {
                $d = Join-Path $box $sub
                if (Test-Path -LiteralPath $d) { Get-ChildItem -LiteralPath $d -File }
            }) | Sort-Object LastWriteTimeUtc, Name
        if (@($files).Count -ge $MinimumCount -or [datetime]::UtcNow -ge $deadline) {
            return @($files)
        }
        Start-Sleep -Milliseconds 100
    }
}

function Get-PostfixLog {
    <# .SYNOPSIS Returns the fixture's maillog text ('' if nothing logged yet). #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][psobject] $Fixture)
    if (Test-Path -LiteralPath $Fixture.LogPath) { return (Get-Content -LiteralPath $Fixture.LogPath -Raw) ?? '' }
    return ''
}

Export-ModuleMember -Function Test-PostfixAvailable, Start-PostfixFixture, Stop-PostfixFixture, Get-PostfixDelivered, Get-PostfixLog
