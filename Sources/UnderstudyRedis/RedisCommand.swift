import NIOCore

/// One command: its name and arguments as bytes, e.g. `RedisCommand("SET", key, value, "PX", 500)`.
public struct RedisCommand: Sendable, Equatable {
    /// The command name first, then its arguments.
    public var arguments: [[UInt8]]

    public init(_ name: String, _ arguments: any RedisArgument...) {
        self.arguments = [Array(name.utf8)] + arguments.map(\.redisBytes)
    }

    public init(arguments: [[UInt8]]) {
        self.arguments = arguments
    }

    /// The command name, upper-cased: the only part of a command that errors and logs may show.
    public var name: String {
        guard let first = arguments.first else { return "(empty command)" }
        // A name is short ASCII; anything else is shown by its length only, in case it is data.
        guard first.count <= 32, first.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return "(command name of \(first.count) bytes)"
        }
        return String(decoding: first, as: UTF8.self).uppercased()
    }

    /// Appends the command as a RESP array of bulk strings, the only form Redis takes requests in.
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "*"))
        buffer.writeString(String(arguments.count))
        buffer.writeStaticString("\r\n")
        for argument in arguments {
            buffer.writeInteger(UInt8(ascii: "$"))
            buffer.writeString(String(argument.count))
            buffer.writeStaticString("\r\n")
            buffer.writeBytes(argument)
            buffer.writeStaticString("\r\n")
        }
    }

    /// How a batch is named in an error: its first command, and how many follow.
    static func describe(_ commands: [RedisCommand]) -> String {
        guard let first = commands.first else { return "an empty batch" }
        switch commands.count {
        case 1: return first.name
        case 2: return "\(first.name) and 1 more command"
        default: return "\(first.name) and \(commands.count - 1) more commands"
        }
    }
}
