using System.Text.Json;
using DeepTrain.Model.Workloads;
using DeepTrain.Training.Data;

namespace DeepTrain.Training;

/// <summary>
/// Writes what tools/pytorch_compare.py needs to replay the first steps of a run in PyTorch: the network IR and mask
/// (network.json), the initial parameters in training order (params.bin, float32 little-endian, names and sizes in
/// network.json), the images and labels of every step's batch (batches.bin, labels.bin), and the loss and learning
/// rate this trainer computed at each step (network.json).
/// </summary>
public static class TrainExport
{
    public static TrainResult Run(Network network, SiteMask mask, DataSplit data, TrainConfig config, int steps, string directory)
    {
        if (steps < 1) throw new Model.UserError("export steps must be at least 1");
        Directory.CreateDirectory(directory);
        var hook = new Hook(steps, data.Train);
        var result = Trainer.Run(network, mask, data, config, progress: null, CancellationToken.None, hook);
        using var f = File.Create(Path.Combine(directory, "network.json"));
        using (var j = new Utf8JsonWriter(f, new JsonWriterOptions { Indented = true }))
        {
            j.WriteStartObject();
            j.WriteString("name", network.Name);
            WriteShape(j, "input", network.InputShape);
            j.WriteNumber("classes", network.Classes);
            j.WriteString("mask", mask.ToString());
            j.WriteNumber("momentum", config.Momentum);
            j.WriteNumber("weightDecay", config.WeightDecay);
            j.WriteStartArray("layers");
            foreach (var l in network.Layers)
            {
                j.WriteStartObject();
                j.WriteString("name", l.Name);
                j.WriteString("kind", l.Kind.ToString());
                j.WriteStartArray("inputs"); foreach (var i in l.Inputs) j.WriteNumberValue(i); j.WriteEndArray();
                WriteShape(j, "in", l.Input); WriteShape(j, "out", l.Output);
                j.WriteNumber("kernel", l.KernelHeight); j.WriteNumber("stride", l.Stride); j.WriteNumber("padding", l.Padding);
                j.WriteBoolean("bias", l.HasBias);
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteStartArray("sites");
            foreach (var s in network.Sites) j.WriteNumberValue(s.LayerIndex);
            j.WriteEndArray();
            j.WriteStartArray("parameters");
            foreach (var (name, size) in hook.Parameters) { j.WriteStartObject(); j.WriteString("name", name); j.WriteNumber("size", size); j.WriteEndObject(); }
            j.WriteEndArray();
            j.WriteStartArray("batchSizes"); foreach (var n in hook.BatchSizes) j.WriteNumberValue(n); j.WriteEndArray();
            j.WriteStartArray("losses"); foreach (var l in hook.Losses) j.WriteNumberValue(l); j.WriteEndArray();
            j.WriteStartArray("learningRates"); foreach (var l in hook.Rates) j.WriteNumberValue(l); j.WriteEndArray();
            j.WriteEndObject();
        }
        File.WriteAllBytes(Path.Combine(directory, "params.bin"), hook.ParamBytes);
        File.WriteAllBytes(Path.Combine(directory, "batches.bin"), hook.Images.ToArray());
        File.WriteAllBytes(Path.Combine(directory, "labels.bin"), hook.Labels.ToArray());
        return result;
    }

    private static void WriteShape(Utf8JsonWriter j, string name, Shape s)
    {
        j.WriteStartArray(name); j.WriteNumberValue(s.Channels); j.WriteNumberValue(s.Height); j.WriteNumberValue(s.Width); j.WriteEndArray();
    }

    private sealed class Hook(int steps, ImageDataset train) : Trainer.IStepHook
    {
        public List<(string, int)> Parameters { get; } = [];
        public byte[] ParamBytes { get; private set; } = [];
        public List<int> BatchSizes { get; } = [];
        public List<double> Losses { get; } = [];
        public List<double> Rates { get; } = [];
        public MemoryStream Images { get; } = new();
        public MemoryStream Labels { get; } = new();

        public void Started(TrainableNetwork network)
        {
            var ms = new MemoryStream();
            foreach (var p in network.Parameters)
            {
                Parameters.Add((p.Name, p.Value.Length));
                ms.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(p.Value.AsSpan()));
            }
            ParamBytes = ms.ToArray();
        }

        public bool Step(int step, ReadOnlySpan<int> imageIndices, double loss, float learningRate)
        {
            BatchSizes.Add(imageIndices.Length);
            Losses.Add(loss);
            Rates.Add(learningRate);
            foreach (int i in imageIndices)
            {
                Images.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(train.Image(i)));
                Labels.Write(BitConverter.GetBytes(train.Labels[i]));
            }
            return step + 1 < steps;
        }
    }
}
