using System.Text.Json;

namespace RolloutTools.Core.Formats.ClaudeCode;

internal sealed partial class ClaudeTranscript
{
    // Claude Code writes its lines without spaces, the envelope before the payload; a line written otherwise is simply
    // parsed in full. Looking for the type only in a line's head keeps the search short on lines of megabytes.
    private static ReadOnlySpan<byte> ProgressMarker => "\"type\":\"progress\""u8;
    private static ReadOnlySpan<byte> SnapshotMarker => "\"type\":\"file-history-snapshot\""u8;
    private const int EnvelopeHead = 2048;

    /// <summary>
    /// Progress and file-snapshot lines, read straight from their bytes. Only their envelope counts (the kind of
    /// line, its place in the DAG, its session and time), while their payload can be most of a transcript: a
    /// subagent's messages mirrored into its parent's file, a command's output repeated as it grows. So no document
    /// is built and the payload is passed over. The effect is that of <see cref="Add"/> on the same line; any line
    /// that is not one of these two, or does not read cleanly, is left to it.
    /// </summary>
    private bool TryAddBookkeeping(ReadOnlySpan<byte> line)
    {
        var head = line[..Math.Min(line.Length, EnvelopeHead)];
        if (head.IndexOf(ProgressMarker) < 0 && head.IndexOf(SnapshotMarker) < 0) return false;
        string? type = null, dataType = null, uuid = null, parentUuid = null, logicalParentUuid = null, sessionId = null;
        var isSidechain = false;
        DateTimeOffset? timestamp = null;
        var previous = PreviousUuid;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            // As a document's lookups do, the last of repeated keys wins.
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = Field(ref reader);
                reader.Read();
                switch (field)
                {
                    case EnvelopeField.Type:
                        type = _type.Read(ref reader);
                        break;
                    case EnvelopeField.Data:
                        dataType = DataType(ref reader);
                        break;
                    case EnvelopeField.Uuid:
                        uuid = Id(ref reader);
                        break;
                    case EnvelopeField.ParentUuid:
                        parentUuid = previous is not null && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(previous) ? previous : Id(ref reader);
                        break;
                    case EnvelopeField.LogicalParentUuid:
                        logicalParentUuid = Id(ref reader);
                        break;
                    case EnvelopeField.SessionId:
                        sessionId = _sessionId.ReadId(ref reader);
                        break;
                    case EnvelopeField.IsSidechain:
                        isSidechain = reader.TokenType == JsonTokenType.True;
                        break;
                    case EnvelopeField.Timestamp:
                        timestamp = reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var time) ? time.ToUniversalTime() : null;
                        break;
                }
                reader.Skip();
            }
            // Anything after the object (a second one glued on) is for the full parse to split and report.
            if (reader.TokenType != JsonTokenType.EndObject || reader.BytesConsumed != line.Length) return false;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }

        if (type is not ("progress" or "file-history-snapshot")) return false;
        Values++;
        if (type == "progress") RecordTypes.Add(type, dataType ?? "unknown");
        else RecordTypes.Add(type);
        NoteTime(sessionId, timestamp);
        if (type == "progress" && uuid is not null)
        {
            Entries.Add(new ClaudeEntry
            {
                Uuid = uuid,
                ParentUuid = parentUuid,
                LogicalParentUuid = logicalParentUuid,
                SessionId = sessionId,
                IsSidechain = isSidechain,
                Timestamp = timestamp,
            });
        }
        return true;
    }

    private enum EnvelopeField { Other, Type, Data, Uuid, ParentUuid, LogicalParentUuid, SessionId, IsSidechain, Timestamp }

    private static EnvelopeField Field(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("type"u8) ? EnvelopeField.Type
        : reader.ValueTextEquals("data"u8) ? EnvelopeField.Data
        : reader.ValueTextEquals("uuid"u8) ? EnvelopeField.Uuid
        : reader.ValueTextEquals("parentUuid"u8) ? EnvelopeField.ParentUuid
        : reader.ValueTextEquals("logicalParentUuid"u8) ? EnvelopeField.LogicalParentUuid
        : reader.ValueTextEquals("sessionId"u8) ? EnvelopeField.SessionId
        : reader.ValueTextEquals("isSidechain"u8) ? EnvelopeField.IsSidechain
        : reader.ValueTextEquals("timestamp"u8) ? EnvelopeField.Timestamp
        : EnvelopeField.Other;

    /// <summary>An identifier as <see cref="Json.JsonElementExtensions.GetIdOrNull"/> reads it.</summary>
    private static string? Id(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
        _ => null,
    };

    /// <summary>data.type of a progress line (hook_progress, agent_progress, …), the rest of data passed over.</summary>
    private string? DataType(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject) return null;
        string? dataType = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            reader.Read();
            if (isType) dataType = _innerType.Read(ref reader);
            reader.Skip();
        }
        return dataType;
    }
}
