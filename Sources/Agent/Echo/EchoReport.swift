import FlowTestShared
import Foundation

/// The JSON summary an echo server prints on stdout when it stops.
struct EchoReport: Codable, Sendable {
    var role = "echo"
    var listeners: [EchoListenerStatistics]
    /// With --flow-log: the records written, and any dropped because the writer fell behind.
    var flowLog: FlowLogWriter.Counts?
    /// With --dscp, --scitag or --firefly-port: marks judged on arrival and fireflies received.
    var marking: MarkingCounts?

    init(listeners: [EchoListenerStatistics]) {
        self.listeners = listeners
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
