@testable import GMMKit

/// A decoded 8-bit RGB or RGBA PNG image (non-interlaced), for checking screenshots.
struct PNGImage {
    let width: Int, height: Int
    /// RGBA bytes, [height, width, 4].
    let pixels: [UInt8]

    struct DecodeError: Error, CustomStringConvertible {
        let description: String
    }

    init(_ bytes: [UInt8]) throws {
        guard bytes.count > 8, Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
            throw DecodeError(description: "not a PNG file (bad signature)")
        }
        func uint32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        var position = 8
        var width = 0, height = 0, colorType = 0, idat = [UInt8]()
        while position + 8 <= bytes.count {
            let length = uint32(position)
            let type = String(decoding: bytes[(position + 4)..<(position + 8)], as: UTF8.self)
            let start = position + 8
            guard start + length + 4 <= bytes.count else { throw DecodeError(description: "chunk \(type) is truncated") }
            switch type {
            case "IHDR":
                width = uint32(start)
                height = uint32(start + 4)
                colorType = Int(bytes[start + 9])
                guard bytes[start + 8] == 8, colorType == 2 || colorType == 6, bytes[start + 12] == 0 else {
                    throw DecodeError(description: "only 8-bit non-interlaced RGB/RGBA PNG files are supported")
                }
            case "IDAT": idat += bytes[start..<(start + length)]
            default: break
            }
            position = start + length + 4
            if type == "IEND" { break }
        }
        let channels = colorType == 6 ? 4 : 3
        let raw = try Zlib.inflate(idat, format: .zlib)
        let stride = width * channels
        guard raw.count == height * (stride + 1) else { throw DecodeError(description: "image data has \(raw.count) bytes, expected \(height * (stride + 1))") }
        var out = [UInt8](repeating: 0, count: height * stride)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            for x in 0..<stride {
                let value = Int(raw[y * (stride + 1) + 1 + x])
                let a = x >= channels ? Int(out[y * stride + x - channels]) : 0
                let b = y > 0 ? Int(out[(y - 1) * stride + x]) : 0
                let c = x >= channels && y > 0 ? Int(out[(y - 1) * stride + x - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw DecodeError(description: "unknown filter \(filter) in row \(y)")
                }
                out[y * stride + x] = UInt8((value + predictor) & 0xff)
            }
        }
        var rgba = [UInt8](repeating: 255, count: width * height * 4)
        for i in 0..<(width * height) { for k in 0..<channels { rgba[i * 4 + k] = out[i * channels + k] } }
        self.width = width
        self.height = height
        pixels = rgba
    }

    /// The colour (r, g, b) of pixel i.
    func rgb(_ i: Int) -> (Int, Int, Int) { (Int(pixels[i * 4]), Int(pixels[i * 4 + 1]), Int(pixels[i * 4 + 2])) }
}
