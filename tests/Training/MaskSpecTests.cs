using DeepTrain.Model;
using DeepTrain.Training;

namespace DeepTrain.Tests.Training;

public class MaskSpecTests
{
    [Theory]
    [InlineData("all", "111111")]
    [InlineData("none", "000000")]
    [InlineData("every:2", "101010")]
    [InlineData("every:4", "100010")]
    [InlineData("first:2", "110000")]
    [InlineData("last:1", "000001")]
    [InlineData("sites:1, 4", "010010")]
    [InlineData("mask:011001", "011001")]
    [InlineData("011001", "011001")]
    public void TextFormsGiveTheDocumentedSites(string spec, string bits) =>
        Assert.Equal(bits, MaskSpec.Parse(spec, 6).ToString());

    [Theory]
    [InlineData("every:0")] [InlineData("first:-1")] [InlineData("sites:7")] [InlineData("mask:01")] [InlineData("half")]
    public void BadFormsAreUserErrors(string spec) => Assert.Throws<UserError>(() => MaskSpec.Parse(spec, 6));
}
