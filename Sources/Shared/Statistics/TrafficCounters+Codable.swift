extension TrafficCounters {
    private enum CodingKeys: String, CodingKey {
        case flowsStarted, flowsCompleted, flowsFailed, failures, bytesSent, bytesReceived, messagesSent, messagesReceived
        case tcpRetransmits, udpLost, udpDuplicates, udpReordered, udpJitterSecondsSum, udpJitterFlows
    }

    // The flow and byte counters are always written; the rest only when not zero, so a TCP
    // report carries no UDP fields (and no empty failure map), which keeps the status short.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        flowsStarted = try container.decode(UInt64.self, forKey: .flowsStarted)
        flowsCompleted = try container.decode(UInt64.self, forKey: .flowsCompleted)
        flowsFailed = try container.decode(UInt64.self, forKey: .flowsFailed)
        failures = try container.decodeIfPresent([String: UInt64].self, forKey: .failures) ?? [:]
        bytesSent = try container.decode(UInt64.self, forKey: .bytesSent)
        bytesReceived = try container.decode(UInt64.self, forKey: .bytesReceived)
        messagesSent = try container.decode(UInt64.self, forKey: .messagesSent)
        messagesReceived = try container.decode(UInt64.self, forKey: .messagesReceived)
        tcpRetransmits = try container.decodeIfPresent(UInt64.self, forKey: .tcpRetransmits) ?? 0
        udpLost = try container.decodeIfPresent(UInt64.self, forKey: .udpLost) ?? 0
        udpDuplicates = try container.decodeIfPresent(UInt64.self, forKey: .udpDuplicates) ?? 0
        udpReordered = try container.decodeIfPresent(UInt64.self, forKey: .udpReordered) ?? 0
        udpJitterSecondsSum = try container.decodeIfPresent(Double.self, forKey: .udpJitterSecondsSum) ?? 0
        udpJitterFlows = try container.decodeIfPresent(UInt64.self, forKey: .udpJitterFlows) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(flowsStarted, forKey: .flowsStarted)
        try container.encode(flowsCompleted, forKey: .flowsCompleted)
        try container.encode(flowsFailed, forKey: .flowsFailed)
        if !failures.isEmpty { try container.encode(failures, forKey: .failures) }
        try container.encode(bytesSent, forKey: .bytesSent)
        try container.encode(bytesReceived, forKey: .bytesReceived)
        try container.encode(messagesSent, forKey: .messagesSent)
        try container.encode(messagesReceived, forKey: .messagesReceived)
        for (key, value) in [(CodingKeys.tcpRetransmits, tcpRetransmits), (.udpLost, udpLost), (.udpDuplicates, udpDuplicates), (.udpReordered, udpReordered), (.udpJitterFlows, udpJitterFlows)]
        where value != 0 {
            try container.encode(value, forKey: key)
        }
        if udpJitterSecondsSum != 0 { try container.encode(udpJitterSecondsSum, forKey: .udpJitterSecondsSum) }
    }
}
