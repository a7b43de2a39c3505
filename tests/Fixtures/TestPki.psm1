#Requires -Version 7.2
<#
.SYNOPSIS
    Throw-away test PKI built with pure .NET (no openssl binary needed).

.DESCRIPTION
    New-TestCertificateAuthority creates a self-signed CA (kept in memory with its
    private key) and writes ca.pem. New-TestServerCertificate issues leaf server
    certificates signed by that CA and writes <name>.crt.pem (leaf + CA chain),
    <name>.key.pem (PKCS#8, mode 0600) and <name>.pfx (PKCS#12, no password).

    Leaf certificates are signed through an X509SignatureGenerator so that the
    validity period is NOT clamped to the CA's validity: -NotBefore/-NotAfter can
    produce expired and not-yet-valid certificates for negative tests.
#>

Set-StrictMode -Version Latest

function New-TestSerialNumber {
    $bytes = [byte[]]::new(16)
    [System.Security.Cryptography.RandomNumberGenerator]::Fill($bytes)
    $bytes[0] = $bytes[0] -band 0x7F   # keep it positive
    if ($bytes[0] -eq 0) { $bytes[0] = 0x01 }
    return , $bytes
}

function Write-TestPkiFile {
    param(
        [Parameter(Mandatory)][string] $Path,
        [Parameter(Mandatory)][string] $Text,
        [switch] $Private
    )
    if (Test-Path -LiteralPath $Path) { Remove-Item -LiteralPath $Path -Force }
    $bytes = [System.Text.UTF8Encoding]::new($false).GetBytes($Text)
    if ($Private -and -not $IsWindows) {
        $options = [System.IO.FileStreamOptions]::new()
        $options.Mode = [System.IO.FileMode]::CreateNew
        $options.Access = [System.IO.FileAccess]::Write
        $options.UnixCreateMode = [System.IO.UnixFileMode]::UserRead -bor [System.IO.UnixFileMode]::UserWrite
        $stream = [System.IO.FileStream]::new($Path, $options)
        try { $stream.Write($bytes, 0, $bytes.Length) } finally { $stream.Dispose() }
        # UnixCreateMode is still filtered by the umask; enforce 0600 exactly.
        [System.IO.File]::SetUnixFileMode($Path, $options.UnixCreateMode)
    }
    else {
        [System.IO.File]::WriteAllBytes($Path, $bytes)
    }
}

function Resolve-TestPkiDirectory {
    param([Parameter(Mandatory)][string] $Directory)
    $full = [System.IO.Path]::GetFullPath($Directory, (Get-Location -PSProvider FileSystem).ProviderPath)
    [void][System.IO.Directory]::CreateDirectory($full)
    return $full
}

function New-TestCertificateAuthority {
    <#
    .SYNOPSIS
        Creates a self-signed test CA and writes <Directory>/ca.pem.
    .OUTPUTS
        PSCustomObject: Name, Subject, CertificatePath, Certificate (X509Certificate2 with private key),
        Thumbprint, NotBefore, NotAfter, KeyAlgorithm.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string] $Directory,
        [string] $Name = 'SmtpConfig Test CA',
        [ValidateSet('RSA', 'ECDSA')][string] $KeyAlgorithm = 'RSA',
        [datetime] $NotBefore = [datetime]::UtcNow.AddDays(-1),
        [datetime] $NotAfter = [datetime]::UtcNow.AddDays(30)
    )

    $dir = Resolve-TestPkiDirectory -Directory $Directory
    $subject = [System.Security.Cryptography.X509Certificates.X500DistinguishedName]::new("CN=$Name, O=SmtpConfig Tests")
    $hash = [System.Security.Cryptography.HashAlgorithmName]::SHA256

    if ($KeyAlgorithm -eq 'RSA') {
        $key = [System.Security.Cryptography.RSA]::Create(2048)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
            $subject, $key, $hash, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    }
    else {
        $key = [System.Security.Cryptography.ECDsa]::Create([System.Security.Cryptography.ECCurve+NamedCurves]::nistP256)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new($subject, $key, $hash)
    }

    $request.CertificateExtensions.Add(
        [System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
    $request.CertificateExtensions.Add(
        [System.Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new(
            ([System.Security.Cryptography.X509Certificates.X509KeyUsageFlags]::KeyCertSign -bor
             [System.Security.Cryptography.X509Certificates.X509KeyUsageFlags]::CrlSign -bor
             [System.Security.Cryptography.X509Certificates.X509KeyUsageFlags]::DigitalSignature), $true))
    $request.CertificateExtensions.Add(
        [System.Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension]::new($request.PublicKey, $false))

    $cert = $request.CreateSelfSigned([datetimeoffset]$NotBefore, [datetimeoffset]$NotAfter)

    $caPath = Join-Path $dir 'ca.pem'
    Write-TestPkiFile -Path $caPath -Text ($cert.ExportCertificatePem() + "`n")

    [pscustomobject]@{
        PSTypeName      = 'SmtpConfig.Tests.TestCertificateAuthority'
        Name            = $Name
        Subject         = $cert.Subject
        CertificatePath = $caPath
        Certificate     = $cert
        Thumbprint      = $cert.Thumbprint
        NotBefore       = $cert.NotBefore
        NotAfter        = $cert.NotAfter
        KeyAlgorithm    = $KeyAlgorithm
        Directory       = $dir
    }
}

function New-TestServerCertificate {
    <#
    .SYNOPSIS
        Issues a server (serverAuth) leaf certificate signed by a test CA.
    .DESCRIPTION
        Writes <Directory>/<Name>.crt.pem (leaf then CA), <Name>.key.pem (PKCS#8, 0600)
        and <Name>.pfx (PKCS#12 with key, no password). Validity is NOT clamped to the
        CA, so expired / not-yet-valid certificates can be produced.
    .OUTPUTS
        PSCustomObject: Name, CertificatePath, KeyPath, PfxPath, CaPath, Thumbprint, Subject,
        NotBefore, NotAfter, DnsName, IPAddress, Certificate (X509Certificate2 with key).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][psobject] $Authority,
        [Parameter(Mandatory)][string] $Directory,
        [Parameter(Mandatory)][ValidatePattern('^[A-Za-z0-9._-]+$')][string] $Name,
        [string[]] $DnsName = @('localhost', 'smtp.example.test'),
        [string[]] $IPAddress = @('127.0.0.1'),
        [string] $CommonName,
        [datetime] $NotBefore = [datetime]::UtcNow.AddDays(-1),
        [datetime] $NotAfter = [datetime]::UtcNow.AddDays(20),
        [ValidateSet('RSA', 'ECDSA')][string] $KeyAlgorithm = 'RSA'
    )

    $caCert = $Authority.Certificate
    if (-not $caCert -or -not $caCert.HasPrivateKey) {
        throw 'Authority.Certificate must be an X509Certificate2 with its private key (use New-TestCertificateAuthority).'
    }
    if ($NotAfter -le $NotBefore) { throw "NotAfter ($NotAfter) must be later than NotBefore ($NotBefore)." }

    $dir = Resolve-TestPkiDirectory -Directory $Directory
    if (-not $CommonName) {
        $CommonName = if ($DnsName -and $DnsName.Count -gt 0) { $DnsName[0] } elseif ($IPAddress) { $IPAddress[0] } else { $Name }
    }

    $subject = [System.Security.Cryptography.X509Certificates.X500DistinguishedName]::new("CN=$CommonName, O=SmtpConfig Tests")
    $hash = [System.Security.Cryptography.HashAlgorithmName]::SHA256

    if ($KeyAlgorithm -eq 'RSA') {
        $key = [System.Security.Cryptography.RSA]::Create(2048)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
            $subject, $key, $hash, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $keyUsage = [System.Security.Cryptography.X509Certificates.X509KeyUsageFlags]::DigitalSignature -bor
            [System.Security.Cryptography.X509Certificates.X509KeyUsageFlags]::KeyEncipherment
    }
    else {
        $key = [System.Security.Cryptography.ECDsa]::Create([System.Security.Cryptography.ECCurve+NamedCurves]::nistP256)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new($subject, $key, $hash)
        $keyUsage = [System.Security.Cryptography.X509Certificates.X509KeyUsageFlags]::DigitalSignature
    }

    $san = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
    foreach ($d in @($DnsName)) { if ($d) { $san.AddDnsName($d) } }
    foreach ($ip in @($IPAddress)) { if ($ip) { $san.AddIpAddress([System.Net.IPAddress]::Parse($ip)) } }

    $eku = [System.Security.Cryptography.OidCollection]::new()
    [void]$eku.Add([System.Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.1', 'Server Authentication'))

    $request.CertificateExtensions.Add(
        [System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($false, $false, 0, $true))
    $request.CertificateExtensions.Add(
        [System.Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new($keyUsage, $true))
    $request.CertificateExtensions.Add(
        [System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($eku, $false))
    if (@($DnsName).Where({ $_ }).Count -gt 0 -or @($IPAddress).Where({ $_ }).Count -gt 0) {
        $request.CertificateExtensions.Add($san.Build($false))
    }
    $request.CertificateExtensions.Add(
        [System.Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension]::new($request.PublicKey, $false))
    $request.CertificateExtensions.Add(
        [System.Security.Cryptography.X509Certificates.X509AuthorityKeyIdentifierExtension]::CreateFromCertificate($caCert, $true, $false))

    # Sign through a signature generator: CertificateRequest.Create(X509Certificate2, ...) would
    # refuse validity outside the issuer's, which we need for expired/not-yet-valid test certs.
    $caRsa = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($caCert)
    if ($caRsa) {
        $generator = [System.Security.Cryptography.X509Certificates.X509SignatureGenerator]::CreateForRSA(
            $caRsa, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    }
    else {
        $caEc = [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPrivateKey($caCert)
        $generator = [System.Security.Cryptography.X509Certificates.X509SignatureGenerator]::CreateForECDsa($caEc)
    }

    $unsigned = $request.Create($caCert.SubjectName, $generator, [datetimeoffset]$NotBefore, [datetimeoffset]$NotAfter, (New-TestSerialNumber))
    if ($KeyAlgorithm -eq 'RSA') {
        $cert = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::CopyWithPrivateKey($unsigned, $key)
    }
    else {
        $cert = [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::CopyWithPrivateKey($unsigned, $key)
    }
    $unsigned.Dispose()

    $certPath = Join-Path $dir "$Name.crt.pem"
    $keyPath = Join-Path $dir "$Name.key.pem"
    $pfxPath = Join-Path $dir "$Name.pfx"

    Write-TestPkiFile -Path $certPath -Text ($cert.ExportCertificatePem() + "`n" + $caCert.ExportCertificatePem() + "`n")
    Write-TestPkiFile -Path $keyPath -Text ($key.ExportPkcs8PrivateKeyPem() + "`n") -Private
    $pfxBytes = $cert.Export([System.Security.Cryptography.X509Certificates.X509ContentType]::Pkcs12)
    if (Test-Path -LiteralPath $pfxPath) { Remove-Item -LiteralPath $pfxPath -Force }
    [System.IO.File]::WriteAllBytes($pfxPath, $pfxBytes)
    if (-not $IsWindows) {
        [System.IO.File]::SetUnixFileMode($pfxPath, [System.IO.UnixFileMode]::UserRead -bor [System.IO.UnixFileMode]::UserWrite)
    }

    [pscustomobject]@{
        PSTypeName      = 'SmtpConfig.Tests.TestServerCertificate'
        Name            = $Name
        CertificatePath = $certPath
        KeyPath         = $keyPath
        PfxPath         = $pfxPath
        CaPath          = $Authority.CertificatePath
        Thumbprint      = $cert.Thumbprint
        Subject         = $cert.Subject
        NotBefore       = $cert.NotBefore
        NotAfter        = $cert.NotAfter
        DnsName         = @($DnsName)
        IPAddress       = @($IPAddress)
        Certificate     = $cert
    }
}

Export-ModuleMember -Function New-TestCertificateAuthority, New-TestServerCertificate
