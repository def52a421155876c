extension EchoListenerStatistics {
    private enum CodingKeys: String, CodingKey {
        case `protocol`, port, connectionsAccepted, connectionsActive, connectionsRefused, connectionsTimedOut
        case bytesReceived, bytesSent, datagramsReceived, datagramsSent, sizedResponses, malformedRequests, marking
    }

    // Each listener writes only its own protocol's counters: a TCP listener has no datagrams and
    // a UDP listener no connections, and zeros for them would only lengthen the status.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.protocol = try container.decode(Transport.self, forKey: .protocol)
        port = try container.decode(Int.self, forKey: .port)
        connectionsAccepted = try container.decodeIfPresent(UInt64.self, forKey: .connectionsAccepted) ?? 0
        connectionsActive = try container.decodeIfPresent(Int.self, forKey: .connectionsActive) ?? 0
        connectionsRefused = try container.decodeIfPresent(UInt64.self, forKey: .connectionsRefused) ?? 0
        connectionsTimedOut = try container.decodeIfPresent(UInt64.self, forKey: .connectionsTimedOut) ?? 0
        bytesReceived = try container.decode(UInt64.self, forKey: .bytesReceived)
        bytesSent = try container.decode(UInt64.self, forKey: .bytesSent)
        datagramsReceived = try container.decodeIfPresent(UInt64.self, forKey: .datagramsReceived) ?? 0
        datagramsSent = try container.decodeIfPresent(UInt64.self, forKey: .datagramsSent) ?? 0
        sizedResponses = try container.decodeIfPresent(UInt64.self, forKey: .sizedResponses) ?? 0
        malformedRequests = try container.decodeIfPresent(UInt64.self, forKey: .malformedRequests) ?? 0
        marking = try container.decodeIfPresent(MarkTally.self, forKey: .marking)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.protocol, forKey: .protocol)
        try container.encode(port, forKey: .port)
        switch self.protocol {
        case .tcp:
            try container.encode(connectionsAccepted, forKey: .connectionsAccepted)
            try container.encode(connectionsActive, forKey: .connectionsActive)
            try container.encode(connectionsRefused, forKey: .connectionsRefused)
            try container.encode(connectionsTimedOut, forKey: .connectionsTimedOut)
        case .udp:
            try container.encode(datagramsReceived, forKey: .datagramsReceived)
            try container.encode(datagramsSent, forKey: .datagramsSent)
        }
        try container.encode(bytesReceived, forKey: .bytesReceived)
        try container.encode(bytesSent, forKey: .bytesSent)
        // Only where traffic patterns ran: a plain test's status stays as it was.
        if sizedResponses > 0 { try container.encode(sizedResponses, forKey: .sizedResponses) }
        if malformedRequests > 0 { try container.encode(malformedRequests, forKey: .malformedRequests) }
        try container.encodeIfPresent(marking, forKey: .marking)
    }
}
