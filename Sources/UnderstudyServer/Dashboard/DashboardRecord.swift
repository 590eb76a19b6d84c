import UnderstudyMock

/// An exchange as the ring stores it: every field end to end in one run of bytes, so that keeping
/// one is a copy into the ring's arena and evicting one is moving an offset. Kept as a struct of
/// strings and arrays, an exchange was ten to twenty heap objects, freed when the ring evicted it
/// long after, their memory cold: a tenth of a canned request's time under wrk.
///
/// Layout (native byte order; a record never leaves the process): integers as 8 bytes, a string
/// or byte run as its 4-byte length and its bytes (length -1: nil), a list as its 4-byte count and
/// its items, in the order `encode` writes them.
enum DashboardRecord {
    /// The bytes `exchange` takes.
    static func size(of exchange: DashboardExchange) -> Int {
        var sizer = Sizer()
        write(exchange, to: &sizer)
        return sizer.count
    }

    /// Writes `exchange` at `destination`, which has room for `size(of: exchange)` bytes.
    static func encode(_ exchange: DashboardExchange, into destination: UnsafeMutableRawPointer) {
        var writer = Writer(at: destination)
        write(exchange, to: &writer)
    }

    /// The exchange a record holds; `whole: false` leaves out its headers, bodies and frame bytes,
    /// which a row of the list does not show (a stream's frame times are kept).
    static func decode(_ record: UnsafeRawBufferPointer, whole: Bool = true) -> DashboardExchange {
        var r = Reader(record, whole: whole)
        let id = r.int(), startedAt = Int64(r.int()), status = r.int(), duration = Int64(r.int())
        let framesDropped = r.int()
        let dollars = r.flag() ? Double(bitPattern: UInt64(truncatingIfNeeded: r.int())) : nil
        let usage = r.flag() ? Usage(promptTokens: r.int(), completionTokens: r.int(), cachedTokens: r.int(),
                                     promptAudioTokens: r.int(), reasoningTokens: r.int()) : nil
        let flavorIndex = r.int()
        let request = MockRequest(method: r.string() ?? "", path: r.string() ?? "", query: r.string(),
                                  headers: r.headers(), body: r.bytes())
        var exchange = DashboardExchange(startedAt: startedAt, request: request, status: status,
                                         responseHeaders: r.headers(), responseBody: r.bytes(),
                                         findings: (0..<r.count()).map { _ in r.string() ?? "" })
        exchange.id = id
        exchange.durationNanoseconds = duration
        exchange.framesDropped = framesDropped
        exchange.dollars = dollars
        exchange.usage = usage
        exchange.flavor = Flavor.allCases.indices.contains(flavorIndex) ? Flavor.allCases[flavorIndex] : nil
        exchange.ending = r.string()
        exchange.routeName = r.string()
        exchange.model = r.string()
        exchange.scenario = r.string()
        exchange.fault = r.string()
        exchange.attempts = r.string()
        if r.flag() {
            let bytes = r.bytes()
            let marks = (0..<r.count()).map { _ in (end: r.int(), due: Int64(r.int()), sent: Int64(r.int())) }
            exchange.frames = DashboardExchange.Frames(bytes: bytes, marks: marks)
        }
        return exchange
    }

    private static func write<S: RecordSink>(_ e: DashboardExchange, to s: inout S) {
        s.int(e.id); s.int(Int(e.startedAt)); s.int(e.status); s.int(Int(e.durationNanoseconds)); s.int(e.framesDropped)
        s.flag(e.dollars != nil)
        if let dollars = e.dollars { s.int(Int(truncatingIfNeeded: dollars.bitPattern)) }
        s.flag(e.usage != nil)
        if let u = e.usage {
            s.int(u.promptTokens); s.int(u.completionTokens); s.int(u.cachedTokens); s.int(u.promptAudioTokens); s.int(u.reasoningTokens)
        }
        s.int(e.flavor.flatMap { Flavor.allCases.firstIndex(of: $0) } ?? -1)
        s.string(e.request.method); s.string(e.request.path); s.string(e.request.query)
        s.headers(e.request.headers)
        s.bytes(e.request.body)
        s.headers(e.responseHeaders)
        s.bytes(e.responseBody)
        s.count(e.findings.count)
        for finding in e.findings { s.string(finding) }
        s.string(e.ending); s.string(e.routeName); s.string(e.model); s.string(e.scenario); s.string(e.fault); s.string(e.attempts)
        s.flag(e.frames != nil)
        if let frames = e.frames {
            s.bytes(frames.bytes)
            s.count(frames.count)
            frames.forEachMark { end, due, sent in s.int(end); s.int(Int(due)); s.int(Int(sent)) }
        }
    }
}

/// Where `DashboardRecord.write` puts a record: counted first, then written where the ring made room.
private protocol RecordSink {
    mutating func int(_ value: Int)
    mutating func count(_ value: Int)
    mutating func bytes(_ bytes: [UInt8])
    mutating func string(_ string: String?)
}

extension RecordSink {
    mutating func flag(_ value: Bool) { count(value ? 1 : 0) }

    mutating func headers(_ headers: [(name: String, value: String)]) {
        count(headers.count)
        for header in headers { string(header.name); string(header.value) }
    }
}

private struct Sizer: RecordSink {
    var count = 0
    mutating func int(_ value: Int) { count += 8 }
    mutating func count(_ value: Int) { count += 4 }
    mutating func bytes(_ bytes: [UInt8]) { count += 4 + bytes.count }
    mutating func string(_ string: String?) { count += 4 + (string?.utf8.count ?? 0) }
}

private struct Writer: RecordSink {
    var at: UnsafeMutableRawPointer

    mutating func int(_ value: Int) {
        at.storeBytes(of: Int64(value), as: Int64.self)
        at += 8
    }

    mutating func count(_ value: Int) {
        at.storeBytes(of: Int32(value), as: Int32.self)
        at += 4
    }

    mutating func bytes(_ bytes: [UInt8]) {
        count(bytes.count)
        bytes.withUnsafeBytes { raw($0) }
    }

    mutating func string(_ string: String?) {
        guard var string else { return count(-1) }
        count(string.utf8.count)
        // In place (small strings included), as HTTPResponseWriter does.
        if string.utf8.withContiguousStorageIfAvailable({ raw(UnsafeRawBufferPointer($0)) }) == nil {
            string.withUTF8 { raw(UnsafeRawBufferPointer($0)) }
        }
    }

    private mutating func raw(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        at.copyMemory(from: base, byteCount: bytes.count)
        at += bytes.count
    }
}

private struct Reader {
    let record: UnsafeRawBufferPointer
    /// false: headers and byte runs are skipped, read as empty.
    let whole: Bool
    var offset = 0

    init(_ record: UnsafeRawBufferPointer, whole: Bool) {
        self.record = record
        self.whole = whole
    }

    mutating func int() -> Int {
        defer { offset += 8 }
        return Int(record.loadUnaligned(fromByteOffset: offset, as: Int64.self))
    }

    mutating func count() -> Int {
        defer { offset += 4 }
        return Int(record.loadUnaligned(fromByteOffset: offset, as: Int32.self))
    }

    mutating func flag() -> Bool { count() != 0 }

    mutating func bytes() -> [UInt8] {
        let n = max(count(), 0)
        defer { offset += n }
        return whole ? Array(record[offset..<offset + n]) : []
    }

    mutating func string() -> String? {
        let n = count()
        guard n >= 0 else { return nil }
        defer { offset += n }
        return String(decoding: UnsafeRawBufferPointer(rebasing: record[offset..<offset + n]), as: UTF8.self)
    }

    mutating func headers() -> [(name: String, value: String)] {
        let n = count()
        guard whole else {
            for _ in 0..<2 * n { offset += max(count(), 0) }
            return []
        }
        return (0..<n).map { _ in (string() ?? "", string() ?? "") }
    }
}
