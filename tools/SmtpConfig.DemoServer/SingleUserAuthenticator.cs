using System;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpServer;
using SmtpServer.Authentication;

namespace SmtpConfig.DemoServer;

/// <summary>Accepts exactly one user name and password; the library answers 535 to anything else.</summary>
internal sealed class SingleUserAuthenticator : IUserAuthenticator
{
    private readonly byte[] _user;
    private readonly byte[] _password;

    /// <summary>Initializes a new instance of the <see cref="SingleUserAuthenticator"/> class.</summary>
    /// <param name="user">The only accepted user name.</param>
    /// <param name="password">That user's password.</param>
    public SingleUserAuthenticator(string user, string password)
    {
        _user = Encoding.UTF8.GetBytes(user);
        _password = Encoding.UTF8.GetBytes(password);
    }

    /// <inheritdoc />
    public Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);

        // AUTH is only offered after TLS (AllowUnsecureAuthentication is off); this check is a second lock.
        if (!context.Pipe.IsSecure)
        {
            return Task.FromResult(false);
        }

        var userMatches = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(user ?? string.Empty), _user);
        var passwordMatches = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password ?? string.Empty), _password);
        return Task.FromResult(userMatches & passwordMatches);
    }
}
