extension Array where Element == UInt8 {
    /// Appends `value` in network byte order, the order of every protocol here but MongoDB's.
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }

    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    mutating func append(ascii text: String) {
        append(contentsOf: text.utf8)
    }

    /// Appends `count` printable letters: filler that stays legal in text protocols (HTTP
    /// headers, DNS TXT strings, SQL text) and recognisable in a capture.
    mutating func appendFiller(_ count: Int) {
        guard count > 0 else { return }
        reserveCapacity(self.count + count)
        var left = count
        while left > 0 {
            let piece = Swift.min(left, fillerLetters.count)
            append(contentsOf: fillerLetters[..<piece])
            left -= piece
        }
    }

    /// Overwrites a big-endian length field at `offset`, once what it measures is written.
    mutating func setBigEndian<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        Swift.withUnsafeBytes(of: value.bigEndian) { bytes in
            for (index, byte) in bytes.enumerated() { self[offset + index] = byte }
        }
    }
}

extension UnsafeRawBufferPointer {
    /// The big-endian integer at `offset`; the caller has checked the bounds.
    func bigEndian<T: FixedWidthInteger>(at offset: Int, as: T.Type = T.self) -> T {
        T(bigEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

extension Array where Element == UInt8 {
    /// The big-endian integer at `offset`; the caller has checked the bounds.
    func bigEndian<T: FixedWidthInteger>(at offset: Int, as: T.Type = T.self) -> T {
        var value: T = 0
        for index in 0..<MemoryLayout<T>.size { value = value << 8 | T(self[offset + index]) }
        return value
    }
}

/// "abc...z" 158 times (4,108 bytes), copied in pieces rather than written a byte at a time;
/// a whole number of alphabets, so long filler stays "abc...z" throughout.
let fillerLetters: [UInt8] = (0..<4_108).map { UInt8(ascii: "a") + UInt8($0 % 26) }
