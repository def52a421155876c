import Foundation

/// One process running under an agent's name: its key under `status.agents[<name>].incarnations`.
///
/// The pod UID tells a replaced pod from its predecessor of the same name; the process start
/// tells a restarted container from the one before it in the same pod. Both are needed: a
/// container restart keeps the UID, a replacement keeps the name.
struct AgentIncarnation: Sendable, Equatable {
    /// `<first 8 characters of the pod UID, or "process">-<start in ms since 1970, base 36>`.
    var id: String
    var startTime: Date

    init(podUID: String?, startTime: Date = Date()) {
        let prefix = podUID.map { String($0.prefix(8)) } ?? "process"
        let milliseconds = UInt64(max(0, startTime.timeIntervalSince1970 * 1000))
        id = "\(prefix)-\(String(milliseconds, radix: 36))"
        self.startTime = startTime
    }
}
