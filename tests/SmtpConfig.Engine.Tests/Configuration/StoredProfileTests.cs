using System.Collections.Generic;
using System.Linq;
using SmtpConfig.Protection;
using SmtpConfig.Tests.TestSupport;
using Xunit;

namespace SmtpConfig.Tests.Configuration;

public sealed class StoredProfileTests
{
    [Fact]
    public void GetWithSecrets_ReturnsTheSelectedProfiles_SortedByName_EachWithItsOwnSecret()
    {
        using var temp = new TempStore();
        temp.Store.Save(TempStore.NewProfileWithLogin("slow02", "second-secret"));
        temp.Store.Save(TempStore.NewProfileWithLogin("Slow01", "first-secret"));
        temp.Store.Save(TempStore.NewProfile("slow03"));
        temp.Store.Save(TempStore.NewProfileWithLogin("prod", "prod-secret"));

        IReadOnlyList<SmtpStoredProfile> stored = temp.Reopen().GetWithSecrets(name => name.StartsWith("slow", System.StringComparison.OrdinalIgnoreCase));

        Assert.Equal(new[] { "Slow01", "slow02", "slow03" }, stored.Select(s => s.Profile.Name));
        Assert.Equal("first-secret", TempStore.Reveal(stored[0].Secret));
        Assert.Equal("second-secret", TempStore.Reveal(stored[1].Secret));
        Assert.Null(stored[2].Secret);
        Assert.False(stored[2].Profile.HasSecret);
        Assert.Equal("slow02", stored[1].ToString());
    }

    [Fact]
    public void GetWithSecrets_DecryptsOnlyTheSelectedProfilesSecrets()
    {
        using var temp = new TempStore();
        var counting = new CountingProtector(new KeyFileSecretProtector(temp.KeyPath));
        var store = new SmtpConfigurationStore(temp.StoreDir, counting);
        for (int i = 1; i <= 5; i++)
        {
            store.Save(TempStore.NewProfileWithLogin($"p{i}", $"secret-{i}"));
        }

        counting.Unprotected = 0;
        IReadOnlyList<SmtpStoredProfile> stored = store.GetWithSecrets(name => name == "p4");

        Assert.Equal("secret-4", TempStore.Reveal(Assert.Single(stored).Secret));
        Assert.Equal(1, counting.Unprotected);
    }

    [Fact]
    public void FindWithSecret_MatchesNamesCaseInsensitively_AndIsNullForAMissingProfile()
    {
        using var temp = new TempStore();
        Assert.Null(temp.Store.FindWithSecret("Work"));
        temp.Store.Save(TempStore.NewProfileWithLogin("Work", "canary-7f3a"));

        SmtpStoredProfile? found = temp.Reopen().FindWithSecret("WORK");

        Assert.NotNull(found);
        Assert.Equal("Work", found.Profile.Name);
        Assert.Equal("canary-7f3a", TempStore.Reveal(found.Secret));
        Assert.DoesNotContain("canary-7f3a", found.ToString());
        Assert.Null(temp.Store.FindWithSecret("nope"));
    }

    private sealed class CountingProtector : ISecretProtector
    {
        private readonly ISecretProtector _inner;

        public CountingProtector(ISecretProtector inner) => _inner = inner;

        public int Unprotected { get; set; }

        public string Protect(byte[] secret, string context) => _inner.Protect(secret, context);

        public byte[] Unprotect(string blob, string context)
        {
            Unprotected++;
            return _inner.Unprotect(blob, context);
        }
    }
}
