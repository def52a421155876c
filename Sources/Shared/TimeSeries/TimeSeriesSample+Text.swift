extension TimeSeriesSample {
    /// One sample as comma-separated fields in a fixed order, a zero written as nothing and
    /// trailing empty fields dropped, so an idle step costs one byte:
    /// `started,completed,failed,active,bytes,udpSent,udpLost,jitterMicroseconds,jitterFlows,rtt`.
    var text: String {
        let numbers = [flowsStarted, flowsCompleted, flowsFailed, activeFlows, bytes, udpDatagramsSent, udpLost, udpJitterMicrosecondsSum, udpJitterFlows]
        var fields = numbers.map { $0 == 0 ? "" : String($0) } + [rtt.text]
        while fields.last?.isEmpty == true { fields.removeLast() }
        return fields.joined(separator: ",")
    }

    /// Reads `text`'s form; nil when a field is not a count or there are too many.
    init?(text: Substring) {
        self.init()
        let fields = text.split(separator: ",", omittingEmptySubsequences: false)
        guard fields.count <= 10 else { return nil }
        var numbers: [UInt64] = []
        for field in fields.prefix(9) {
            guard let number = field.isEmpty ? 0 : UInt64(field) else { return nil }
            numbers.append(number)
        }
        numbers += repeatElement(0, count: 9 - numbers.count)
        (flowsStarted, flowsCompleted, flowsFailed, activeFlows, bytes) = (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4])
        (udpDatagramsSent, udpLost, udpJitterMicrosecondsSum, udpJitterFlows) = (numbers[5], numbers[6], numbers[7], numbers[8])
        if fields.count == 10 {
            guard let buckets = RoundTripBuckets(text: fields[9]) else { return nil }
            rtt = buckets
        }
    }
}
