import FlowTestShared
import Foundation
import Logging

/// Drives one FlowTest towards its next state; called with a key whenever anything about the
/// test may have changed, and idempotent, so repeating it is always safe (level-triggered).
///
/// Pending: agent access, the echo Service and pods; once every echo pod is ready, all generator
/// pods at once. Running: echo pods that die are replaced, generator pods that fail are counted,
/// the summary is kept current; when every generator has ended, the verdict. Succeeded/Failed:
/// clean up as the policy says. The controller alone writes the status, of bounded size (phase,
/// conditions, summary, counts, times); each agent writes only its own FlowTestReport, which the
/// controller reads from its watch's cache (`ReportCache`).
final class FlowTestReconciler: Sendable {
    let client: KubernetesClient
    let settings: AgentPodSettings
    let events: EventRecorder
    let logger: Logger
    /// Counts tests as they finish; nil where nobody scrapes (some tests).
    let metrics: ControllerMetrics?
    /// How long past spec.duration generators may still run before the test fails as timed out.
    let overrun: Duration
    /// Namespaces whose agents' Role this process has brought up to date.
    let agentRoles = AgentRoleCheck()
    /// The agents' reports, as the controller's watch of FlowTestReports last saw them.
    let reports: ReportCache
    /// The agent pods, as the controller's pod watch last saw them.
    let pods: PodCache
    /// At most one running summary write per test every two seconds.
    let writeLimiter: StatusWriteLimiter

    enum Outcome: Equatable, Sendable {
        case done
        case requeue(after: Duration)
    }

    init(
        client: KubernetesClient, settings: AgentPodSettings, events: EventRecorder, logger: Logger, metrics: ControllerMetrics? = nil,
        overrun: Duration = .seconds(120), reports: ReportCache, pods: PodCache, writeLimiter: StatusWriteLimiter = StatusWriteLimiter()
    ) {
        self.reports = reports
        self.pods = pods
        self.writeLimiter = writeLimiter
        self.client = client
        self.metrics = metrics
        self.settings = settings
        self.events = events
        self.logger = logger
        self.overrun = overrun
    }

    func reconcile(namespace: String, name: String) async throws -> Outcome {
        // Deleted: its children and reports go with it, through their owner references.
        guard let object = try await fetch(namespace: namespace, name: name), object["metadata"]?["deletionTimestamp"] == nil else {
            writeLimiter.forget("\(namespace)/\(name)")
            return .done
        }
        // Until the reports' and pods' first lists are in (a controller restart), nothing may be
        // judged from them.
        guard reports.isSynced, pods.isSynced else { return .requeue(after: .milliseconds(200)) }
        // Decoded through the CRD's schema (defaults, then every rule): the CRD validates too, but
        // an object stored under an older CRD must end with a clear condition, not a crash loop.
        let flowTest: FlowTest
        switch FlowTest.validated(object.withoutStatus) {
        case .success(var decoded):
            if let problem = ChildNames.problem(with: name) { return try await reportInvalid(object, FlowTestValidationError(errors: [problem])) }
            // Validation looked at everything but the status, which is ours; the agents' reports
            // are their own objects, read from the cache.
            var status = FlowTestStatus.lenient(object["status"]).status ?? FlowTestStatus()
            status.agents = Self.ownAgents(reports.agents(namespace: namespace, flowTest: name), of: decoded)
            decoded.status = status
            flowTest = decoded
        case .failure(let invalid):
            return try await reportInvalid(object, invalid)
        }
        let generation = flowTest.metadata.generation ?? 1
        let status = flowTest.status ?? FlowTestStatus()
        var conditions = ConditionList(status.conditions)

        let phase = status.phase ?? .pending
        if phase == .succeeded || phase == .failed {
            writeLimiter.forget("\(namespace)/\(name)")
            try await cleanUp(flowTest, succeeded: phase == .succeeded)
            return .done
        }
        conditions.set(FlowTestCondition.Kind.accepted, true, reason: "Valid", message: "the spec is valid", generation: generation)
        do {
            try await ensureAgentAccess(namespace)
            let children = ChildObjects(flowTest: flowTest, settings: settings)
            let states = pods.pods(namespace: namespace, flowTest: name)

            if phase == .pending {
                let echoReady = try await ensureEcho(flowTest, children: children, pods: states)
                return try await startGeneratorsWhenReady(flowTest, echoReady: echoReady, children: children, pods: states, conditions: conditions)
            }
            return try await followRun(flowTest, status: status, children: children, pods: states, conditions: conditions)
        } catch KubernetesError.invalid(let message, _) {
            // The API server refused a pod or the Service the spec describes (a placement.affinity
            // the CRD passes through unchecked, for one): retrying cannot help, so say so and stop.
            return try await failChildRejected(flowTest, conditions: conditions, message: message)
        }
    }

    /// The reports of `test`'s own agent pods: a report labelled with the test but named after no
    /// pod of it (another test's agent may write its own report, and label it as it likes) must
    /// not count, so that a forged report cannot change a verdict.
    static func ownAgents(_ reports: [String: AgentStatus], of test: FlowTest) -> [String: AgentStatus] {
        let names = Set(ChildNames.agentPods(of: test))
        return reports.filter { names.contains($0.key) }
    }

    /// Ends a test whose pod or Service the API server refused as invalid, quoting its words.
    private func failChildRejected(_ flowTest: FlowTest, conditions: ConditionList, message: String) async throws -> Outcome {
        try await endFailed(flowTest, conditions: conditions, reason: "ChildRejected", message: "the API server refused an object this test needs: \(message)")
    }

    /// Ends a test before its generators ran: Succeeded False and Failed True with `reason`, the
    /// phase Failed, a warning event, and cleanup as the policy says.
    private func endFailed(_ flowTest: FlowTest, conditions: ConditionList, reason: String, message: String) async throws -> Outcome {
        var conditions = conditions
        let generation = flowTest.metadata.generation ?? 1
        conditions.set(FlowTestCondition.Kind.succeeded, false, reason: reason, message: message, generation: generation)
        conditions.set(FlowTestCondition.Kind.failed, true, reason: reason, message: message, generation: generation)
        try await writeStatus(flowTest, phase: .failed, conditions: conditions, generation: generation, completionTime: Date())
        await events.record(flowTest, .warning, reason: reason, note: message)
        try await cleanUp(flowTest, succeeded: false)
        return .done
    }

    /// The FlowTest as stored, or nil when it no longer exists.
    func fetch(namespace: String, name: String) async throws(KubernetesError) -> JSONValue? {
        do { return try await client.get(.flowTests, namespace: namespace, name: name) } catch {
            if case .notFound = error { return nil }
            throw error
        }
    }

    /// Ends a FlowTest whose spec the schema rejects: Failed, with every problem and its field path.
    private func reportInvalid(_ object: JSONValue, _ invalid: FlowTestValidationError) async throws -> Outcome {
        let metadata = (try? JSONDecoder().decode(ObjectMeta.self, from: JSONEncoder().encode(object["metadata"]))) ?? ObjectMeta()
        let status = FlowTestStatus.lenient(object["status"]).status
        guard status?.phase != .failed else { return .done }
        let generation = metadata.generation ?? 1
        let message = invalid.errors.map(\.description).joined(separator: "; ")
        var conditions = ConditionList(status?.conditions)
        conditions.set(FlowTestCondition.Kind.accepted, false, reason: "InvalidSpec", message: message, generation: generation)
        conditions.set(FlowTestCondition.Kind.succeeded, false, reason: "InvalidSpec", message: message, generation: generation)
        conditions.set(FlowTestCondition.Kind.failed, true, reason: "InvalidSpec", message: message, generation: generation)
        try await writeStatus(metadata, phase: .failed, conditions: conditions, generation: generation, completionTime: Date())
        await events.record(metadata, .warning, reason: "InvalidSpec", note: message)
        return .done
    }

    // MARK: Pending

    private func startGeneratorsWhenReady(
        _ flowTest: FlowTest, echoReady: (ready: Int, of: Int), children: ChildObjects, pods: [String: PodState], conditions: ConditionList
    ) async throws -> Outcome {
        var conditions = conditions
        let generation = flowTest.metadata.generation ?? 1
        let allReady = echoReady.ready == echoReady.of
        conditions.set(
            FlowTestCondition.Kind.echoReady, allReady, reason: allReady ? "EchoReady" : "WaitingForEcho",
            message: "\(echoReady.ready)/\(echoReady.of) echo pods ready", generation: generation)
        guard allReady else {
            // Bounded: echo pods that crash-loop, cannot be scheduled or pulled would otherwise
            // leave the test Pending forever. The clock starts when the FlowTest was created.
            let limit = ValueParsers.duration(flowTest.spec.echo.readyTimeout) ?? .seconds(300)
            let created = flowTest.metadata.creationTimestamp.flatMap(FlowTestStatus.date) ?? Date()
            let waited = Date().timeIntervalSince(created)
            if waited > limit.seconds {
                return try await failEchoNotReady(flowTest, echoReady: echoReady, children: children, pods: pods, conditions: conditions)
            }
            try await writeStatus(flowTest, phase: .pending, conditions: conditions, generation: generation)
            // Pod changes requeue this test at once; this is only a safety net (and the timeout's clock).
            return .requeue(after: min(.seconds(10), .seconds(max(1, limit.seconds - waited + 0.5))))
        }
        // In Pods mode the target is the headless Service's name, which generators resolve to
        // every ready echo pod and look up again, so a replaced pod's new address is learned and
        // no argument grows with the number of echo pods (DESIGN.md, decision 7).
        let targets = generatorTargets(flowTest, children: children)
        let startTime = Date()
        // The deadline `followRun` holds the generators to: until then their reports count.
        let deadline = startTime.addingTimeInterval((ValueParsers.duration(flowTest.spec.duration) ?? .seconds(60)).seconds + overrun.seconds)
        // Only the pods the cache does not know (a restart finds most there), in slow-start batches.
        let missing = (0..<Int(flowTest.spec.generators.replicas)).filter { pods[children.names.generatorPod($0)] == nil }
        let target = targets.joined(separator: ",")
        try await SlowStartBatches.run(missing.map { children.generatorPod($0, target: target, reportDeadline: deadline) }) { [self] pod in
            _ = try await createIfMissing(.pods, pod)
        }
        conditions.set(
            FlowTestCondition.Kind.running, true, reason: "GeneratorsStarted",
            message: "\(flowTest.spec.generators.replicas) generators started against \(BoundedList.text(targets, separator: ", "))", generation: generation)
        try await writeStatus(flowTest, phase: .running, conditions: conditions, generation: generation, startTime: startTime)
        await events.record(flowTest, .normal, reason: "GeneratorsStarted", note: "started \(flowTest.spec.generators.replicas) generator pods")
        return .requeue(after: .seconds(5))
    }

    /// Ends a test whose echo pods did not become ready in time, quoting what each unready pod's
    /// status says (CrashLoopBackOff, Unschedulable, ImagePullBackOff, its last exit).
    private func failEchoNotReady(
        _ flowTest: FlowTest, echoReady: (ready: Int, of: Int), children: ChildObjects, pods: [String: PodState], conditions: ConditionList
    ) async throws -> Outcome {
        var conditions = conditions
        let generation = flowTest.metadata.generation ?? 1
        let unready = (0..<echoReady.of).map(children.names.echoPod).compactMap { name -> String? in
            guard let pod = pods[name] else { return "\(name): not created" }
            return pod.ready ? nil : pod.description
        }
        let message =
            "\(echoReady.ready)/\(echoReady.of) echo pods ready after spec.echo.readyTimeout (\(flowTest.spec.echo.readyTimeout)): "
            + BoundedList.text(unready)
        conditions.set(FlowTestCondition.Kind.echoReady, false, reason: "EchoNotReady", message: message, generation: generation)
        return try await endFailed(flowTest, conditions: conditions, reason: "EchoNotReady", message: message)
    }

    /// Service mode: the Service's DNS name. Pods mode: the headless Service's, which resolves
    /// to every ready echo pod of the test's primary family. External: the host.
    ///
    /// `<service>.<namespace>.svc`: the pod's resolv.conf search list completes it with the
    /// cluster's domain, whatever that is (not always cluster.local).
    private func generatorTargets(_ flowTest: FlowTest, children: ChildObjects) -> [String] {
        let namespace = flowTest.metadata.namespace ?? "default"
        switch flowTest.spec.target.mode {
        case .external: return [flowTest.spec.target.host ?? ""]
        case .service: return ["\(children.names.echoService).\(namespace).svc"]
        case .pods: return ["\(children.names.echoPodsService).\(namespace).svc"]
        }
    }

    // MARK: Children

    /// Ensures the Service and echo pods; replaces echo pods that ended or were deleted, with an
    /// event each time and a record of why in `status.replacedPods`. Returns how many are ready.
    /// `running`: the echo pods have all been up before (the generators started), so one that is
    /// not there was deleted, whether or not it ever reported.
    func ensureEcho(_ flowTest: FlowTest, children: ChildObjects, pods: [String: PodState], running: Bool = false) async throws -> (ready: Int, of: Int) {
        guard flowTest.spec.target.mode != .external else { return (0, 0) }
        try await createIfMissing(.services, children.echoService)
        if flowTest.spec.target.mode == .pods { try await createIfMissing(.services, children.echoPodsService) }
        var ready = 0
        var replaced = flowTest.status?.replacedPods ?? []
        let known = replaced.count
        let now = FlowTestStatus.timestamp(Date())
        let replicas = Int(flowTest.spec.echo.replicas)
        for index in 0..<replicas {
            let name = children.names.echoPod(index)
            if let pod = pods[name], pod.isTerminal, !pod.deleting {
                // An echo server that died is replaced: delete now, recreate on the next pass.
                try await deleteIfPresent(.pods, namespace: flowTest.metadata.namespace, name: name)
                let cause = "ended, phase \(pod.phase)" + (pod.problem.map { ": \($0)" } ?? "")
                replaced.append(ReplacedPod(name: name, uidPrefix: pod.uidPrefix, cause: cause, time: now))
                await events.record(flowTest, .warning, reason: "EchoPodReplaced", note: "echo pod \(name) \(cause); replacing it")
                try await createIfMissing(.pods, children.echoPod(index))
            } else if pods[name] == nil {
                let vanished = Self.vanishedPod(name, status: flowTest.status, replaced: replaced, running: running)
                // Deleted by someone else (kubectl delete pod, a drain, an eviction): replaced just
                // the same, and said so: every replacement is an event, whatever its cause.
                if try await createIfMissing(.pods, children.echoPod(index)), let vanished {
                    let cause = "was deleted" + (vanished.isEmpty ? " before it reported" : "") + " (not by this controller)"
                    replaced.append(ReplacedPod(name: name, uidPrefix: vanished, cause: cause, time: now))
                    await events.record(flowTest, .warning, reason: "EchoPodReplaced", note: "echo pod \(name) \(cause); re-created it")
                }
            } else if pods[name]?.ready == true {
                ready += 1
            }
        }
        if replaced.count > known { try await recordReplacements(flowTest, Array(replaced.suffix(ReplacedPod.limit))) }
        return (ready, replicas)
    }

    /// The UID prefix of an echo pod that is not there although it ran before (empty when it never
    /// reported), or nil when nothing says it ran: a pod this controller replaced is already
    /// recorded, and before the generators start an echo pod that never reported may be new.
    static func vanishedPod(_ name: String, status: FlowTestStatus?, replaced: [ReplacedPod], running: Bool) -> String? {
        let recorded = Set(replaced.filter { $0.name == name }.map(\.uidPrefix))
        if let latest = status?.agents?[name]?.latestKey {
            let prefix = String(latest.prefix { $0 != "-" })
            return recorded.contains(prefix) ? nil : prefix
        }
        // Never reported: the pod this controller replaced last may be the one missing.
        return running && recorded.isEmpty ? "" : nil
    }

    /// Writes the list of replaced pods (a merge patch replaces a list whole).
    private func recordReplacements(_ flowTest: FlowTest, _ replaced: [ReplacedPod]) async throws {
        let _: JSONValue = try await client.mergePatch(
            .flowTests, namespace: flowTest.metadata.namespace, name: flowTest.metadata.name ?? "",
            .object(["status": .object(["replacedPods": try JSONValue(encoding: replaced)])]), subresource: "status")
    }

    private func ensureAgentAccess(_ namespace: String) async throws {
        try await createIfMissing(.serviceAccounts, AgentAccess.serviceAccount(namespace: namespace))
        try await agentRoles.ensure(AgentAccess.role(namespace: namespace), namespace: namespace, client: client)
        try await createIfMissing(.roleBindings, AgentAccess.roleBinding(namespace: namespace))
    }

    /// Creates `object` unless it exists; true when this call created it.
    @discardableResult
    func createIfMissing(_ kind: ResourceKind, _ object: JSONValue) async throws -> Bool {
        do {
            _ = try await client.create(kind, namespace: object["metadata"]?["namespace"]?.string, object)
            return true
        } catch .alreadyExists {
            // Deterministic names: it is there from an earlier pass.
            return false
        }
    }

    func deleteIfPresent(_ kind: ResourceKind, namespace: String?, name: String) async throws {
        do { try await client.delete(kind, namespace: namespace, name: name) } catch .notFound {}
    }

    /// Deletes the agent pods and the Services when the policy says so; safe to repeat.
    func cleanUp(_ flowTest: FlowTest, succeeded: Bool) async throws {
        switch flowTest.spec.cleanupPolicy {
        case .never: return
        case .onSuccess where !succeeded: return
        default: break
        }
        let namespace = flowTest.metadata.namespace
        let name = flowTest.metadata.name ?? ""
        let pods: ListPage<JSONValue> = try await client.listAll(.pods, namespace: namespace, labelSelector: "flowtest.dev/name=\(name)")
        try await SlowStartBatches.run(pods.items.compactMap { $0["metadata"]?["name"]?.string }) { [self] podName in
            try await deleteIfPresent(.pods, namespace: namespace, name: podName)
        }
        if flowTest.spec.target.mode != .external {
            try await deleteIfPresent(.services, namespace: namespace, name: ChildNames(flowTest: name).echoService)
        }
        if flowTest.spec.target.mode == .pods {
            try await deleteIfPresent(.services, namespace: namespace, name: ChildNames(flowTest: name).echoPodsService)
        }
    }

    // MARK: Status

    /// Merge-patches the controller's part of the status through the /status subresource.
    func writeStatus(
        _ flowTest: FlowTest, phase: FlowTestPhase, conditions: ConditionList, generation: Int64, summary: FlowTestSummary? = nil,
        disruption: DisruptionSummary? = nil, startTime: Date? = nil, completionTime: Date? = nil
    ) async throws {
        // The counts go with every write: they are small, and `kubectl get` shows who reported.
        let counts = flowTest.status?.agents.map { AgentReportCounts(expecting: ChildNames.agentPods(of: flowTest), reports: $0) }
        try await writeStatus(
            flowTest.metadata, phase: phase, conditions: conditions, generation: generation, summary: summary, disruption: disruption,
            reportCounts: counts, startTime: startTime, completionTime: completionTime)
    }

    private func writeStatus(
        _ metadata: ObjectMeta, phase: FlowTestPhase, conditions: ConditionList, generation: Int64, summary: FlowTestSummary? = nil,
        disruption: DisruptionSummary? = nil, reportCounts: AgentReportCounts? = nil, startTime: Date? = nil, completionTime: Date? = nil
    ) async throws {
        var fields: [String: JSONValue] = [
            "phase": .string(phase.rawValue), "observedGeneration": .integer(generation),
            "conditions": try JSONValue(encoding: conditions.conditions),
        ]
        if let reportCounts { fields["reportCounts"] = try JSONValue(encoding: reportCounts) }
        if let summary { fields["summary"] = try JSONValue(encoding: summary) }
        if let disruption { fields["disruption"] = try JSONValue(encoding: disruption) }
        if let startTime { fields["startTime"] = .string(FlowTestStatus.timestamp(startTime)) }
        if let completionTime { fields["completionTime"] = .string(FlowTestStatus.timestamp(completionTime)) }
        let _: JSONValue = try await client.mergePatch(
            .flowTests, namespace: metadata.namespace, name: metadata.name ?? "", .object(["status": .object(fields)]),
            subresource: "status")
        // Final phases are written once, on the transition (later reconciles only clean up), so
        // this counts each finished test once.
        metrics?.finished(phase: phase)
    }
}

extension JSONValue {
    /// The object without its status (validation concerns the spec).
    var withoutStatus: JSONValue {
        guard case .object(var members) = self else { return self }
        members.removeValue(forKey: "status")
        return .object(members)
    }
}
