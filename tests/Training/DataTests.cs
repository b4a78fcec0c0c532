using DeepTrain.Model;
using DeepTrain.Training.Data;

namespace DeepTrain.Tests.Training;

public class DataTests
{
    [Fact]
    public void GeneratedDataIsDeterministicBalancedAndStandardized()
    {
        var o = new GeneratedImagesOptions { TrainCount = 400, TestCount = 100 };
        var a = GeneratedImages.Create(o); var b = GeneratedImages.Create(o);
        Assert.Equal(a.Train.Images, b.Train.Images);
        Assert.Equal(a.Test.Labels, b.Test.Labels);
        Assert.Equal(new DeepTrain.Model.Workloads.Shape(1, 16, 16), a.Train.Shape);
        Assert.All(Enumerable.Range(0, 10), k => Assert.Equal(40, a.Train.Labels.Count(y => y == k)));
        double mean = a.Train.Images.Average(v => (double)v);
        double var = a.Train.Images.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -1e-3, 1e-3);
        Assert.InRange(var, 0.99, 1.01);
        Assert.NotEqual(a.Train.Images.Take(256), a.Test.Images.Take(256));
    }

    /// <summary>The difficulty knob works: a nearest-class-mean classifier does worse on harder data.</summary>
    [Fact]
    public void HigherDifficultyIsHarderForANearestMeanClassifier()
    {
        double Acc(double d)
        {
            var s = GeneratedImages.Create(new GeneratedImagesOptions { TrainCount = 500, TestCount = 300, Difficulty = d });
            int e = 256;
            var means = new double[10, e];
            var counts = new int[10];
            for (int i = 0; i < s.Train.Count; i++)
            {
                counts[s.Train.Labels[i]]++;
                for (int p = 0; p < e; p++) means[s.Train.Labels[i], p] += s.Train.Images[i * e + p];
            }
            int correct = 0;
            for (int i = 0; i < s.Test.Count; i++)
            {
                int best = -1; double bd = double.MaxValue;
                for (int k = 0; k < 10; k++)
                {
                    double dist = 0;
                    for (int p = 0; p < e; p++) { double diff = s.Test.Images[i * e + p] - means[k, p] / counts[k]; dist += diff * diff; }
                    if (dist < bd) { bd = dist; best = k; }
                }
                if (best == s.Test.Labels[i]) correct++;
            }
            return (double)correct / s.Test.Count;
        }
        double easy = Acc(0), hard = Acc(1);
        Assert.True(easy > hard + 0.05, $"easy {easy:P0} vs hard {hard:P0}");
        Assert.True(easy > 0.2);
    }

    [Fact]
    public void CifarBinaryRecordsAreReadChannelMajorAndStandardized()
    {
        string dir = Path.Combine(Path.GetTempPath(), "deeptrain-cifar-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            // CIFAR-10: 3 records of 1 label byte + 3072 pixel bytes.
            var bytes = new byte[3 * 3073];
            for (int r = 0; r < 3; r++)
            {
                bytes[r * 3073] = (byte)(r * 4);
                for (int p = 0; p < 3072; p++) bytes[r * 3073 + 1 + p] = (byte)((p / 1024) * 100 + r);
            }
            string file10 = Path.Combine(dir, "data_batch_1.bin");
            File.WriteAllBytes(file10, bytes);
            var d = CifarBinary.Load("t", [file10], 10);
            Assert.Equal(new[] { 0, 4, 8 }, d.Labels);
            Assert.Equal(3 * 3072, d.Images.Length);
            Assert.Equal((2 / 255f - 0.4914f) / 0.2470f, d.Images[2 * 3072], 5);            // red of image 2
            Assert.Equal((201 / 255f - 0.4465f) / 0.2616f, d.Images[3072 + 2048 + 17], 5);  // blue of image 1

            // CIFAR-100: coarse then fine label; the fine one is used.
            var b100 = new byte[2 * 3074];
            b100[0] = 3; b100[1] = 77; b100[3074] = 19; b100[3075] = 99;
            string file100 = Path.Combine(dir, "train.bin");
            File.WriteAllBytes(file100, b100);
            Assert.Equal(new[] { 77, 99 }, CifarBinary.Load("t", [file100], 100).Labels);

            File.WriteAllBytes(file10, bytes.AsSpan(0, 3000).ToArray());
            Assert.Throws<UserError>(() => CifarBinary.Load("t", [file10], 10));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
