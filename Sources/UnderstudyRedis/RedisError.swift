/// What went wrong talking to Redis. Messages name the address and command names, never keys,
/// values or passwords.
public struct RedisError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The `--state` URL is not one this client understands.
        case invalidAddress
        /// No connection could be made (refused, no route, connect timeout, or within the
        /// reconnect back-off after such a failure).
        case unreachable
        /// The connection closed or failed while the command was pending.
        case connectionLost
        /// No answer within the timeout (the connection is closed), or, with `isBreaker`, none
        /// since the last time out: refused at once.
        case timeout
        /// Redis answered a setup command (`AUTH`, `SELECT`, `PING`) with an error.
        case server
        /// Redis sent something that is not RESP2; the connection is closed.
        case protocolViolation
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// Ends the message of a send refused while the breaker is open.
    static let breakerNote = "not waiting on it again until it answers a PING"

    /// Whether this is a refusal by the open breaker (no wait), not a timeout waited out.
    public var isBreaker: Bool { kind == .timeout && message.hasSuffix(Self.breakerNote) }
}
