/// An IPv4 or IPv6 subnet in CIDR notation, from which record addresses are drawn.
struct Subnet: Sendable, Equatable {
    let isIPv6: Bool
    /// The network address; IPv4 in the low 32 bits.
    let network: UInt128
    let prefixLength: Int
    /// The host bits, worked out once: a record draws two addresses, and shifting a UInt128 by a
    /// variable count per draw was a measurable part of generating one.
    let hostMask: UInt128

    /// Parses `10.0.0.0/16` or `2001:db8::/48`; nil if it is not a subnet.
    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let length = Int(parts[1]) else { return nil }
        if let address = Subnet.parseIPv4(parts[0]), (0...32).contains(length) {
            isIPv6 = false
            prefixLength = length
            network = UInt128(address) & Subnet.mask(bits: 32, prefix: length)
            hostMask = Subnet.mask(bits: 32, prefix: length) ^ Subnet.mask(bits: 32, prefix: 32)
        } else if let address = Subnet.parseIPv6(parts[0]), (0...128).contains(length) {
            isIPv6 = true
            prefixLength = length
            network = address & Subnet.mask(bits: 128, prefix: length)
            hostMask = ~Subnet.mask(bits: 128, prefix: length)
        } else {
            return nil
        }
    }

    /// The address at `random` within the subnet (the host bits are `random`'s low bits).
    @inline(__always)
    func address(random: UInt128) -> UInt128 {
        network | (random & hostMask)
    }

    /// Whether the host bits are all in the low 64 (every IPv4 subnet, IPv6 ones of /64 or
    /// longer): then the high half of the random number is never used.
    var hostBitsFitLowHalf: Bool { hostMask >> 64 == 0 }

    /// The network bits of a `bits`-wide address with this prefix (`::/0` has none: shifting by
    /// all 128 bits would overflow).
    private static func mask(bits: Int, prefix: Int) -> UInt128 {
        let all: UInt128 = bits == 128 ? ~0 : (1 << UInt128(bits)) - 1
        guard prefix < bits else { return all }
        guard prefix > 0 else { return 0 }
        return all ^ ((1 << UInt128(bits - prefix)) - 1)
    }

    private static func parseIPv4(_ text: Substring) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy(\.isASCII), let byte = UInt8(octet) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }

    private static func parseIPv6(_ text: Substring) -> UInt128? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var result: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        let tail = halves.count == 2 ? groups(halves[1]) : []
        guard let tail else { return nil }
        let missing = 8 - head.count - tail.count
        guard halves.count == 2 ? missing >= 1 : missing == 0 else { return nil }
        let all = head + Array(repeating: 0, count: missing) + tail
        return all.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }
}
