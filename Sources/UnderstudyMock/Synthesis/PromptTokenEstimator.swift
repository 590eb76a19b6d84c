import UnderstudyContract

/// Counts a chat prompt's tokens the way OpenAI bills them, on top of `TokenPieces`:
///
/// - every message costs 3 tokens of framing plus its role, its content and, with a `name`, the
///   name and 1 more; the reply is primed with 3 tokens (OpenAI's published counting recipe);
/// - an image costs 85 tokens at `detail: low`; otherwise 85 + 170 per 512-pixel tile after the
///   image is fitted into 2048×2048 and its short side scaled down to 768. The size is read from a
///   base64 data URL (PNG, GIF, JPEG, WebP); a remote URL is taken as 1024×1024 (765 tokens);
/// - audio costs 10 tokens a second: the duration comes from a WAV header, or from the size at
///   16 kB/s; these tokens are also reported as `prompt_tokens_details.audio_tokens`;
/// - a file costs 1 token per 16 bytes of decoded data (at least 85), or 256 for a `file_id`.
public enum PromptTokenEstimator {
    public struct Count: Sendable, Equatable {
        public var total: Int
        public var audio: Int
        public var image: Int
    }

    public static func count(_ messages: [ChatMessage]) -> Count {
        var count = Count(total: 3, audio: 0, image: 0)
        for message in messages {
            count.total += 3 + TokenPieces.count(message.role)
            if let name = message.name { count.total += TokenPieces.count(name) + 1 }
            count.total += TokenPieces.count(message.toolCallText)
            if let id = message.toolCallID { count.total += TokenPieces.count(id) }
            for part in message.parts {
                switch part {
                case .text(let text):
                    count.total += TokenPieces.count(text)
                case .image(let url, let detail):
                    let tokens = imageTokens(url: url, detail: detail)
                    count.total += tokens
                    count.image += tokens
                case .audio(let data, let format):
                    let tokens = audioTokens(base64: data, format: format)
                    count.total += tokens
                    count.audio += tokens
                case .file(let data, _, let name):
                    count.total += fileTokens(base64: data) + (name.map(TokenPieces.count) ?? 0)
                case .video:
                    // Gemini's rate for video with its sound, 263 tokens a second (Google's
                    // "Video understanding" guide), for a clip taken to be ten seconds long.
                    count.total += 2630
                }
            }
        }
        return count
    }

    static func imageTokens(url: String, detail: String) -> Int {
        if detail == "low" { return 85 }
        var (width, height) = (1024, 1024)
        if url.hasPrefix("data:"), let comma = url.utf8.firstIndex(of: UInt8(ascii: ",")) {
            let payload = url[url.utf8.index(after: comma)...]
            if let size = ImageSize.sniff(Base64.decodePrefix(payload, limit: 64 * 1024)), size.width > 0, size.height > 0 {
                (width, height) = size
            }
        }
        var w = Double(width)
        var h = Double(height)
        if max(w, h) > 2048 {
            let scale = 2048 / max(w, h)
            w *= scale
            h *= scale
        }
        if min(w, h) > 768 {
            let scale = 768 / min(w, h)
            w *= scale
            h *= scale
        }
        let tiles = Int((w / 512).rounded(.up)) * Int((h / 512).rounded(.up))
        return 85 + 170 * tiles
    }

    static func audioTokens(base64: String, format: String) -> Int {
        let payload = Substring(base64)
        let bytes = Base64.decodedLength(payload)
        var bytesPerSecond = 16_000
        if format == "wav" {
            let header = Base64.decodePrefix(payload, limit: 44)
            if header.count >= 32, header.starts(with: Array("RIFF".utf8)) {
                let rate = Int(header[28]) | Int(header[29]) << 8 | Int(header[30]) << 16 | Int(header[31]) << 24
                if rate > 0 { bytesPerSecond = rate }
            }
        }
        return max(1, (bytes * 10 + bytesPerSecond - 1) / bytesPerSecond)
    }

    static func fileTokens(base64 data: String?) -> Int {
        guard let data else { return 256 }
        var payload = Substring(data)
        if payload.hasPrefix("data:"), let comma = payload.firstIndex(of: ",") {
            payload = payload[payload.index(after: comma)...]
        }
        return max(85, Base64.decodedLength(payload) / 16)
    }
}
