using DeepTrain.Actors.Hosting;

namespace DeepTrain.Tests.Actors;

/// <summary>Issue 12 item 21: the allow-list matches the canonical program path, after `..` and symlinks, and never a
/// program chosen by a placeholder.</summary>
public sealed class OracleAllowListBypassTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dt-allow-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void DotDotOutOfAnAllowedFolderIsRefused()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "x", "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "train"), "");
        var allow = new OracleAllowList([bin + "/*"]);
        Assert.True(allow.Allows(bin + "/train"));
        Assert.False(allow.Allows(bin + "/../../../../../../../../usr/bin/touch"));
        var e = Assert.Throws<OracleRefused>(() => allow.Check(bin + "/../../../../../../../../usr/bin/touch"));
        Assert.Contains("(it is /usr/bin/touch)", e.Message);
        Assert.True(allow.Allows(bin + "/../bin/train")); // `..` that stays inside is fine
    }

    [Fact]
    public void ASymlinkInAnAllowedFolderToAProgramOutsideItIsRefused()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        File.CreateSymbolicLink(Path.Combine(bin, "touch"), "/usr/bin/touch");
        var allow = new OracleAllowList([bin + "/*"]);
        Assert.False(allow.Allows(bin + "/touch"));
        // A pattern whose folder is itself a link matches programs reached through the link or through its target.
        var link = Path.Combine(_dir, "linked");
        Directory.CreateSymbolicLink(link, bin);
        File.WriteAllText(Path.Combine(bin, "train"), "");
        var viaLink = new OracleAllowList([link + "/*"]);
        Assert.True(viaLink.Allows(link + "/train"));
        Assert.True(viaLink.Allows(bin + "/train"));
    }

    [Theory]
    [InlineData("{net}")]
    [InlineData("{mask}")]
    [InlineData("{seed}")]
    public void APlaceholderInTheProgramIsNeverAllowed(string placeholder)
    {
        var allow = new OracleAllowList(["/x/bin/*", "*"]);
        Assert.False(allow.Allows("/x/bin/" + placeholder));
        Assert.Contains("placeholders are not allowed", Assert.Throws<OracleRefused>(() => allow.Check("/x/bin/" + placeholder)).Message);
    }

    [Fact]
    public void WorkerOraclesRefuseTheIssueReproducers()
    {
        var oracles = new WorkerOracles(new OracleAllowList(["/x/bin/*"]));
        Assert.Throws<OracleRefused>(() => oracles.For(Proposal("command:/x/bin/../../usr/bin/touch /tmp/pwned")));
        Assert.Throws<OracleRefused>(() => oracles.For(Proposal("command:/x/bin/{net} --mask {mask}")));
    }

    private static DeepTrain.Actors.Contracts.EvaluateProposal Proposal(string oracle) =>
        new("s", 1, "1111", 1, oracle, "resnet20", 4, 60, 1);
}
