using RolloutTools.Core.Model;

namespace RolloutTools.Core.Export;

/// <summary>The shapes a dataset line can take.</summary>
public enum DatasetFormat
{
    /// <summary>The record's own JSON (DataDesigner's normalized rollout fields plus RolloutTools').</summary>
    Normalized,
    /// <summary>{"messages", "tools"} as OpenAI's chat fine-tuning accepts it.</summary>
    OpenAIChat,
    /// <summary>{"conversations": [{"from", "value"}], "tools"} as the common SFT trainers read it.</summary>
    ShareGPT,
    /// <summary>The Normalized record as a Parquet file: one row per record, messages as a list of structs (ParquetDatasetWriter).</summary>
    Parquet,
}

/// <summary>How records become dataset lines: the shape, and the curation every shape shares.</summary>
public sealed record DatasetOptions
{
    public DatasetFormat Format { get; init; } = DatasetFormat.Normalized;

    /// <summary>Keep the model's reasoning (reasoning_content) in OpenAIChat and ShareGPT lines.</summary>
    public bool IncludeReasoning { get; init; }

    /// <summary>Cut tool results longer than this many characters, leaving a visible marker.</summary>
    public int? MaxToolOutputLength { get; init; }

    /// <summary>Leave image blocks out.</summary>
    public bool ExcludeImages { get; init; }

    /// <summary>Leave subagent transcripts out.</summary>
    public bool ExcludeSidechain { get; init; }

    /// <summary>Why a record the switches leave out is not written.</summary>
    internal const string ExcludedSidechain = "it is a subagent's transcript and -ExcludeSidechain is set";

    /// <summary>Whether the record is one the switches keep (a filter, as opposed to a record a shape rejects).</summary>
    public bool Includes(RolloutRecord record) => !(ExcludeSidechain && record.IsSidechain);
}
