using System.Text.RegularExpressions;

namespace DeepTrain.Tests.Support;

/// <summary>Study-log lines for comparing two runs of the same study: the observation records with their wall-clock
/// "seconds" removed (the only field that differs between an uninterrupted and a resumed run).</summary>
public static class StudyLogLines
{
    public static string[] ObservationsWithoutTimes(string path) =>
        File.ReadAllLines(path).Where(l => l.Contains("\"observation\""))
            .Select(l => Regex.Replace(l, "\"seconds\":[^,}]*", "")).ToArray();
}
