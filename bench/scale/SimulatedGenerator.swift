import FakeKubernetes
import FlowTestShared
import Foundation

/// A generator pod's container for the fake kubelet that reports as a real agent does
/// (`StatusReporter`): every interval a cumulative report into its own FlowTestReport under its
/// incarnation, the first write a create and every later one a merge patch (a 409 on create turns
/// into the patch); after the test's duration, a final report (finished), then it exits 0.
struct SimulatedGenerator: Sendable {
    let client: KubernetesClient
    let template: ReportTemplate
    let flowTest: String
    let flowTestUID: String
    let interval: Duration
    let duration: Duration
    let log: ReportLog

    var container: FakeKubelet.Container {
        { pod in await run(pod) }
    }

    private func run(_ pod: FakeKubelet.Pod) async -> Bool {
        let started = Date()
        let clock = ContinuousClock()
        let start = clock.now
        // As AgentIncarnation makes it: the pod UID's first 8 characters and the start in ms, base 36.
        let incarnation = "\(pod.uid.prefix(8))-\(String(UInt64(started.timeIntervalSince1970 * 1000), radix: 36))"
        let index = Int(pod.name.split(separator: "-").last ?? "") ?? 0
        var exists = false
        var elapsed = interval
        while elapsed < duration {
            try? await clock.sleep(until: start + elapsed)
            let report = template.report(agent: index, started: started, elapsed: elapsed, of: duration, finished: false)
            exists = await write(report, pod: pod, incarnation: incarnation, exists: exists, final: false)
            elapsed += interval
        }
        try? await clock.sleep(until: start + duration)
        // The final report is retried until it lands, as an agent that finished on its own does.
        while true {
            let report = template.report(agent: index, started: started, elapsed: duration, of: duration, finished: true)
            if await write(report, pod: pod, incarnation: incarnation, exists: exists, final: true) { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// One report: a merge patch when the object is known to exist, else a create (409: patch).
    /// Returns whether it landed (and so the object exists).
    private func write(_ report: AgentReport, pod: FakeKubelet.Pod, incarnation: String, exists: Bool, final: Bool) async -> Bool {
        let sent = ContinuousClock.now
        do {
            let patch = try FlowTestReport.patch(incarnation: incarnation, report: report)
            if !exists {
                let object = try JSONValue(encoding: FlowTestReport.first(
                    pod: pod.name, namespace: pod.namespace, flowTest: flowTest, flowTestUID: flowTestUID, role: .generator,
                    incarnation: incarnation, report: report))
                do {
                    let _: JSONValue = try await client.create(.flowTestReports, namespace: pod.namespace, object)
                    log.landed(sent: sent, first: true, final: final)
                    return true
                } catch .alreadyExists {}
            }
            let _: JSONValue = try await client.mergePatch(.flowTestReports, namespace: pod.namespace, name: pod.name, patch)
            log.landed(sent: sent, first: !exists, final: final)
            return true
        } catch {
            log.failed()
            return false
        }
    }
}
