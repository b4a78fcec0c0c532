using DeepTrain.Model;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Tests.Workloads;

public class SiteMaskTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("0101100")]
    [InlineData("1111111111111111111111111111111111111111111111111111111111111111")]
    [InlineData("10000000000000000000000000000000000000000000000000000000000000001")]
    public void TextFormRoundTrips(string bits)
    {
        var m = SiteMask.Parse(bits, bits.Length);
        Assert.Equal(bits, m.ToString());
        Assert.Equal(bits.Count(c => c == '1'), m.Count);
    }

    [Fact]
    public void ParseRejectsWrongLengthAndDigits()
    {
        var e = Assert.Throws<UserError>(() => SiteMask.Parse("0101", 5));
        Assert.Contains("5 normalization sites", e.Message);
        Assert.Throws<UserError>(() => SiteMask.Parse("01x1", 4));
    }

    [Fact]
    public void WithAndDistanceAgree()
    {
        var a = SiteMask.All(130);
        var b = a.With(3, false).With(129, false);
        Assert.Equal(128, b.Count);
        Assert.Equal(2, a.Distance(b));
        Assert.False(b[129]);
        Assert.NotEqual(a, b);
        Assert.Equal(a, SiteMask.Parse(a.ToString(), 130));
    }
}
