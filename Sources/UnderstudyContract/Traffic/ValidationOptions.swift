/// How traffic is judged beyond the schemas: findings on a field the recording predates, operations
/// the contract does not have, and the stream rules of the provider that answered.
public struct ValidationOptions: Sendable {
    /// A finding on a field the contract added after the recording was made (ContractDrift.swift):
    /// `warn` reports it and passes, `fail` fails the exchange; either way it is labelled drift.
    public enum Drift: String, Sendable, CaseIterable { case warn, fail }
    /// An exchange whose operation the contract lacks (a mixed recording: files, audio…): `skip`
    /// counts it apart, `fail` fails it.
    public enum UnknownOperations: String, Sendable, CaseIterable { case skip, fail }

    public var drift: Drift
    public var unknownOperations: UnknownOperations
    /// OpenRouter's chat stream ends with a usage chunk that repeats choice 0 after its
    /// finish_reason (fixtures/traffic/real/openrouter/chat/pydantic-ai.jsonl and simonw/llm's
    /// OpenRouter cassettes): not a choice continuing after it finished.
    public var usageChunkRepeatsChoice: Bool

    public init(drift: Drift = .warn, unknownOperations: UnknownOperations = .fail, usageChunkRepeatsChoice: Bool = false) {
        self.drift = drift
        self.unknownOperations = unknownOperations
        self.usageChunkRepeatsChoice = usageChunkRepeatsChoice
    }
}
