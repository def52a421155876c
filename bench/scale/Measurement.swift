import FakeKubernetes
import FlowTestShared
import Foundation

/// What one run measured, over the window from the first report to the verdict (the FlowTest's
/// phase Succeeded or Failed in the store): pod creation before the first report is outside it.
struct Measurement: Codable, Sendable {
    var windowSeconds = 0.0
    /// Controller CPU (user + system) in the window, and since it started.
    var controllerCPUSeconds = 0.0
    var controllerCPUSecondsTotal = 0.0
    /// Controller CPU seconds per second while it watched an empty namespace, before the test.
    var controllerIdleCPUSecondsPerSecond = 0.0
    var controllerPeakRSSBytes = 0
    var controllerRSSBytes = 0
    /// Its resident memory just before the first final report: the reports' cache at its
    /// fullest, without the final collection's list of every report.
    var controllerRSSBeforeFinalsBytes = 0
    /// Write requests and their body bytes in the window: all objects, the reports, the FlowTest.
    var writes = 0
    var bytesWritten = 0
    var reportBytesWritten = 0
    var flowTestWrites = 0
    var flowTestBytesWritten = 0
    /// Bytes written per second over the busiest 10 s (one report interval; 1 s samples): the
    /// steady state, once every agent reports, which the whole window's average understates
    /// when the pods started over many seconds.
    var steadyBytesPerSecond = 0.0
    var steadyReportBytesPerSecond = 0.0
    /// From the first agent's first report to the last agent's: how long the pods took to start.
    var startSpreadSeconds = 0.0
    /// The most writes to the FlowTest within any one second.
    var flowTestPeakWritesPerSecond = 0
    /// The FlowTest as stored (JSON), at the end and the largest seen.
    var flowTestBytes = 0
    var flowTestMaxBytes = 0
    /// From the last final report's landing to the terminal phase in the store.
    var verdictSeconds = 0.0
    var phase = ""
    var summaryFlowsStarted: Int64 = 0
    var reportCounts: AgentReportCounts?

    /// Watches the store every 20 ms until the FlowTest's phase is terminal (or `limit` passes).
    static func observe(store: FakeAPIStore, controller: ProcessMeter, log: ReportLog, limit: Duration) async throws -> Measurement {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        var measured = Measurement()
        var start: (at: ContinuousClock.Instant, cpu: Double, totals: WriteTotals)?
        var flowTestWrites: [(at: ContinuousClock.Instant, writes: Int)] = []
        var lastVersion = ""
        var series: [(at: ContinuousClock.Instant, bytes: Int, reportBytes: Int)] = []
        while clock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            let now = clock.now
            let progress = log.progress
            if start == nil, progress.firstSent != nil {
                start = (now, controller.cpuSeconds(), WriteTotals(store))
            }
            guard let start, let object = store.object(.flowTests, namespace: ScaleBench.namespace, name: ScaleBench.name) else { continue }
            if now - (series.last?.at ?? start.at - .seconds(1)) >= .seconds(1) {
                let sample = WriteTotals(store)
                series.append((now, sample.bytes, sample.reportBytes))
                if progress.finals == 0 { measured.controllerRSSBeforeFinalsBytes = controller.memory().resident }
            }
            flowTestWrites.append((now, store.writeStatistics(.flowTests, namespace: ScaleBench.namespace, name: ScaleBench.name).writes))
            let version = object["metadata"]?["resourceVersion"]?.string ?? ""
            guard version != lastVersion else { continue }
            lastVersion = version
            let size = (try? JSONEncoder.sorted.encode(object).count) ?? 0
            measured.flowTestMaxBytes = max(measured.flowTestMaxBytes, size)
            let phase = object["status"]?["phase"]?.string ?? ""
            guard phase == "Succeeded" || phase == "Failed" else { continue }
            let totals = WriteTotals(store)
            measured.windowSeconds = (now - start.at).seconds
            measured.controllerCPUSecondsTotal = controller.cpuSeconds()
            measured.controllerCPUSeconds = measured.controllerCPUSecondsTotal - start.cpu
            (measured.controllerPeakRSSBytes, measured.controllerRSSBytes) = controller.memory()
            measured.writes = totals.writes - start.totals.writes
            measured.bytesWritten = totals.bytes - start.totals.bytes
            measured.reportBytesWritten = totals.reportBytes - start.totals.reportBytes
            measured.flowTestWrites = totals.flowTest.writes - start.totals.flowTest.writes
            measured.flowTestBytesWritten = totals.flowTest.bytes - start.totals.flowTest.bytes
            measured.flowTestPeakWritesPerSecond = peakPerSecond(flowTestWrites)
            measured.flowTestBytes = size
            (measured.steadyBytesPerSecond, measured.steadyReportBytesPerSecond) = busiest(series, over: .seconds(10))
            if let first = progress.firstSent, let last = progress.lastStarted { measured.startSpreadSeconds = (last - first).seconds }
            measured.verdictSeconds = progress.lastFinalLanded.map { (now - $0).seconds } ?? .nan
            measured.phase = phase
            let status = FlowTestStatus.lenient(object["status"]).status
            measured.summaryFlowsStarted = status?.summary?.flowsStarted ?? 0
            measured.reportCounts = status?.reportCounts
            return measured
        }
        throw MeasurementTimeout(limit: limit)
    }

    /// The highest rates of the two cumulative byte counts over any `span` of the samples.
    static func busiest(_ samples: [(at: ContinuousClock.Instant, bytes: Int, reportBytes: Int)], over span: Duration) -> (Double, Double) {
        var best = (0.0, 0.0)
        var first = 0
        for sample in samples {
            while sample.at - samples[first].at > span { first += 1 }
            let seconds = (sample.at - samples[first].at).seconds
            guard seconds >= span.seconds * 0.9 else { continue }
            best.0 = max(best.0, Double(sample.bytes - samples[first].bytes) / seconds)
            best.1 = max(best.1, Double(sample.reportBytes - samples[first].reportBytes) / seconds)
        }
        return best
    }

    /// The most a cumulative counter rose within any one second of the samples.
    static func peakPerSecond(_ samples: [(at: ContinuousClock.Instant, writes: Int)]) -> Int {
        var peak = 0
        var first = 0
        for sample in samples {
            while sample.at - samples[first].at > .seconds(1) { first += 1 }
            peak = max(peak, sample.writes - samples[first].writes)
        }
        return peak
    }
}

/// The FlowTest never reached a terminal phase.
struct MeasurementTimeout: Error, CustomStringConvertible {
    let limit: Duration
    var description: String { "the FlowTest had no verdict after \(limit)" }
}

/// The fake's write statistics summed over every kind the controller and agents write.
struct WriteTotals {
    var writes = 0
    var bytes = 0
    var reportBytes = 0
    var flowTest = FakeWriteStatistics()

    init(_ store: FakeAPIStore) {
        let kinds: [ResourceKind] = [.flowTests, .flowTestReports, .pods, .services, .serviceAccounts, .events, .roles, .roleBindings, .leases]
        for kind in kinds {
            for statistics in store.writeStatistics(kind, namespace: ScaleBench.namespace).values {
                writes += statistics.writes
                bytes += statistics.bytes
                if kind == .flowTestReports { reportBytes += statistics.bytes }
            }
        }
        flowTest = store.writeStatistics(.flowTests, namespace: ScaleBench.namespace, name: ScaleBench.name)
    }
}
