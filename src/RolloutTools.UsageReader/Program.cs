using RolloutTools.Core.Usage.Native;

// The request comes on standard input, the events go to standard output; the module ends the process to stop it.
try
{
    using var output = new BufferedStream(Console.OpenStandardOutput());
    NativeUsageReader.Serve(Console.OpenStandardInput(), output, CancellationToken.None);
    return 0;
}
catch (Exception e)
{
    // The module quotes this when the report stops without its rows.
    Console.Error.WriteLine(e);
    return 1;
}
