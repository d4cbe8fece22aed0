using System.Buffers;
using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Export;

/// <summary>Turns records into dataset lines of the chosen shape, one JSON object per record.</summary>
public sealed class DatasetWriter
{
    private readonly DatasetOptions _options;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);

    public DatasetWriter(DatasetOptions options)
    {
        if (options.Format == DatasetFormat.Parquet)
        {
            throw new ArgumentException("Parquet is a file of row groups, not of lines: write it with ParquetDatasetWriter.", nameof(options));
        }
        _options = options;
    }

    /// <summary>
    /// The record's line as UTF-8 JSON without the newline, valid until the next call; or null and the reason
    /// the record cannot be a line of this dataset.
    /// </summary>
    public ReadOnlyMemory<byte>? Line(RolloutRecord record, out string? rejection)
    {
        rejection = null;
        if (!_options.Includes(record))
        {
            rejection = DatasetOptions.ExcludedSidechain;
            return null;
        }
        var curated = Curation.Apply(record, _options);
        IReadOnlyList<RolloutMessage> messages = curated.Messages;
        if (_options.Format != DatasetFormat.Normalized)
        {
            (messages, rejection) = ChatConversation.Prepare(curated);
            if (rejection is not null) return null;
        }

        _buffer.Clear();
        using (var writer = new Utf8JsonWriter(_buffer, JsonText.WriterOptions))
        {
            switch (_options.Format)
            {
                case DatasetFormat.Normalized: RecordJsonWriter.Write(writer, curated); break;
                case DatasetFormat.OpenAIChat: OpenAIChatWriter.Write(writer, messages, _options.IncludeReasoning); break;
                default: rejection = ShareGptWriter.Write(writer, messages, _options.IncludeReasoning); break;
            }
        }
        return rejection is null ? _buffer.WrittenMemory : (ReadOnlyMemory<byte>?)null;
    }
}
