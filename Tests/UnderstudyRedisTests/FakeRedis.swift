import NIOCore
import NIOPosix
import Synchronization
import UnderstudyRedis

/// A RESP server of the tests' own that answers each command as `answer` says (PING always with
/// PONG): a hostile or broken Redis, without a redis-server. Counts the commands it was sent.
final class FakeRedis: Sendable {
    let port: Int
    private let channel: any Channel
    private let counted = Counter()

    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    /// - Parameter answer: the raw RESP reply to a command, given its words (`["INCR", "t:occ:…"]`).
    init(answer: @escaping @Sendable ([String]) -> String) async throws {
        let counted = self.counted
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(ByteToMessageHandler(RESPDecoder()), Answerer(answer: answer, counted: counted))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress!.port!
    }

    var url: String { "redis://127.0.0.1:\(port)" }

    /// Commands received so far (PING included).
    var commands: Int { counted.value.load(ordering: .relaxed) }

    func close() async { try? await channel.close() }

    private final class Answerer: ChannelInboundHandler {
        typealias InboundIn = RESPValue
        typealias OutboundOut = ByteBuffer
        let answer: @Sendable ([String]) -> String
        let counted: Counter

        init(answer: @escaping @Sendable ([String]) -> String, counted: Counter) {
            self.answer = answer
            self.counted = counted
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            counted.value.add(1, ordering: .relaxed)
            let words = (unwrapInboundIn(data).array ?? []).map { $0.string ?? "" }
            let reply = words.first?.uppercased() == "PING" ? "+PONG\r\n" : answer(words)
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: reply)), promise: nil)
        }
    }
}
