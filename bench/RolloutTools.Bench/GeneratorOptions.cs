namespace RolloutTools.Bench;

/// <summary>The generator's command line: where to write, how many megabytes, which seed.</summary>
public sealed record GeneratorOptions(string OutputFolder, int SizeMegabytes, int Seed)
{
    public static GeneratorOptions? Parse(IReadOnlyList<string> args)
    {
        string? folder = null;
        var size = 250;
        var seed = 1;
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            switch (args[i])
            {
                case "--out": folder = args[i + 1]; break;
                case "--size-mb" when int.TryParse(args[i + 1], out var mb) && mb > 0: size = mb; break;
                case "--seed" when int.TryParse(args[i + 1], out var s): seed = s; break;
                default: return null;
            }
        }
        return folder is null || args.Count % 2 != 0 ? null : new GeneratorOptions(Path.GetFullPath(folder), size, seed);
    }
}
