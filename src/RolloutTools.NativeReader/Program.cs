using System.Runtime.InteropServices;
using RolloutTools.Core.Native;

// Ctrl+C in a console reaches every process of its group, this one too: the module that started it decides, and
// ends it when the pipeline stops.
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);

// The request comes on standard input, the events go to standard output.
try
{
    NativeReader.Serve(Console.OpenStandardInput(), Console.OpenStandardOutput(), CancellationToken.None);
    return 0;
}
catch (Exception e)
{
    // The module quotes this when the run stops before its last event.
    Console.Error.WriteLine(e);
    return 1;
}
