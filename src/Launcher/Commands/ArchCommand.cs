using System.CommandLine;
using System.Text.Json;
using DeepTrain.Launcher.Output;
using DeepTrain.Model.Hardware;

namespace DeepTrain.Launcher.Commands;

/// <summary>`deeptrain arch`: derived totals and the component table of an architecture spec.</summary>
public static class ArchCommand
{
    public static Command Create()
    {
        var arch = new Option<string>("--arch") { Description = "isaac, pipelayer, deeptrain or a spec file.", DefaultValueFactory = _ => "deeptrain" };
        var json = Cli.JsonOption();
        var cmd = new Command("arch", "Show an architecture spec's derived totals (crossbars, area, peak power) and component table.") { arch, json };
        cmd.SetAction(r =>
        {
            var spec = ArchSpec.Load(r.GetValue(arch)!);
            var t = new ArchTotals(spec);
            if (r.GetValue(json))
            {
                Cli.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    name = spec.Name,
                    crossbars = t.Crossbars,
                    areaMm2 = t.AreaMm2,
                    peakPowerWatts = t.PeakPowerWatts,
                    staticPowerWatts = t.StaticPowerWatts,
                    energyPerArrayCycleJoules = t.EnergyPerArrayCycleJoules,
                    mvmSeconds = spec.MvmSeconds,
                    components = t.Components.Select(c => new
                    {
                        name = c.Name, @class = c.Class, scope = c.Scope, units = c.UnitsPerChip,
                        areaMm2 = c.AreaMm2, peakPowerWatts = c.PeakPowerWatts, source = c.Source,
                    }),
                }));
                return Cli.ExitOk;
            }
            var x = spec.Crossbar;
            Cli.Out.WriteLine($"{spec.Name}: {t.Crossbars} crossbars ({x.Rows}×{x.Cols}, {x.BitsPerCell} bit/cell, {spec.WeightSlices} cells/weight), "
                              + $"{spec.Organization.Tiles} tiles × {spec.Organization.ImasPerTile} IMAs × {spec.Organization.ArraysPerIma} arrays");
            Cli.Out.WriteLine($"area {Units.SquareMillimetres(t.AreaMm2)}, peak power {Units.Watts(t.PeakPowerWatts)}, static {Units.Watts(t.StaticPowerWatts)}, "
                              + $"MVM {Units.Seconds(spec.MvmSeconds)}, {Units.Joules(t.EnergyPerArrayCycleJoules)} per array-cycle");
            Cli.Out.WriteLine($"normalization units: {(spec.NormUnits.Count == 0 ? "none (off-chip)" : $"{spec.NormUnits.Count} × {spec.NormUnits.Lanes} lanes @ {Units.Eng(spec.NormUnits.ClockHz, "Hz")}")}");
            Cli.Out.WriteLine();
            var table = new TextTable("component", "class", "scope", "units", "area", "power", "source");
            foreach (var c in t.Components)
                table.Add(c.Name, c.Class, c.Scope, Units.Count(c.UnitsPerChip), Units.SquareMillimetres(c.AreaMm2), Units.Watts(c.PeakPowerWatts), c.Source.Replace("ISAAC (Shafiee et al., ISCA 2016, corrected Oct-2016) Table II", "ISAAC T.II"));
            table.Add("total", "", "", "", Units.SquareMillimetres(t.AreaMm2), Units.Watts(t.PeakPowerWatts), "");
            Cli.Out.Write(table.ToString());
            return Cli.ExitOk;
        });
        return cmd;
    }
}
