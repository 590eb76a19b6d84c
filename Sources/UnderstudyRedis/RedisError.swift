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
        /// No answer within the timeout; the connection is closed.
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
}
