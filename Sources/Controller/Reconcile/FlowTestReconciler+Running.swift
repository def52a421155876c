import FlowTestShared
import Foundation

extension FlowTestReconciler {
    /// Running: replace echo pods that die and keep the summary current; once every generator has
    /// ended, collect the final reports, then the verdict.
    func followRun(
        _ flowTest: FlowTest, status: FlowTestStatus, children: ChildObjects, pods: [String: PodState], conditions: ConditionList
    ) async throws -> Outcome {
        var conditions = conditions
        let generation = flowTest.metadata.generation ?? 1
        let generatorNames = (0..<Int(flowTest.spec.generators.replicas)).map(children.names.generatorPod)
        let pods = try await confirmingMissing(generatorNames, in: pods, namespace: flowTest.metadata.namespace ?? "default")
        // A generator pod that is gone ended too: it will never report again.
        let ended = generatorNames.filter { pods[$0]?.isTerminal ?? true }
        if ended.count == generatorNames.count {
            return try await collectFinalReports(flowTest, status: status, children: children, pods: pods, conditions: conditions)
        }
        _ = try await ensureEcho(flowTest, children: children, pods: pods, running: true)
        let agents = status.agents ?? [:]
        let startTime = status.startTime.flatMap(FlowTestStatus.date) ?? Date()
        let duration = ValueParsers.duration(flowTest.spec.duration) ?? .seconds(60)
        if Date().timeIntervalSince(startTime) > (duration + overrun).seconds {
            // Say what the unfinished generators' pods are doing: stuck Pending, Unschedulable or
            // ImagePullBackOff reads differently from running long.
            let unfinished = generatorNames.filter { !ended.contains($0) }.map { pods[$0]?.description ?? "\($0): gone" }
            let message = "generators still running \(overrun.flowTestText) after spec.duration (\(flowTest.spec.duration)) ended: "
                + BoundedList.text(unfinished)
            conditions.set(FlowTestCondition.Kind.succeeded, false, reason: "Timeout", message: message, generation: generation)
            conditions.set(FlowTestCondition.Kind.failed, true, reason: "Timeout", message: message, generation: generation)
            try await writeStatus(flowTest, phase: .failed, conditions: conditions, generation: generation, summary: FlowTestSummary(agents: agents),
                disruption: DisruptionSummary(agents: agents), completionTime: Date())
            await events.record(flowTest, .warning, reason: "Timeout", note: message)
            try await cleanUp(flowTest, succeeded: false)
            return .done
        }
        // Still running: keep the summary (and so `kubectl get`) current as reports arrive, at most
        // once every two seconds (reports arrive N / reportInterval a second); phase changes above
        // are never held. Held, the test is looked at again when the summary may be written.
        let key = "\(flowTest.metadata.namespace ?? "default")/\(flowTest.metadata.name ?? "")"
        if let wait = writeLimiter.wait(for: key) { return .requeue(after: wait) }
        let summary = FlowTestSummary(agents: agents)
        let disruption = DisruptionSummary(agents: agents)
        let counts = AgentReportCounts(expecting: ChildNames.agentPods(of: flowTest), reports: agents)
        if summary != status.summary || disruption != status.disruption || counts != status.reportCounts {
            try await writeStatus(flowTest, phase: .running, conditions: conditions, generation: generation, summary: summary, disruption: disruption)
            writeLimiter.wrote(key)
        }
        return .requeue(after: min(ValueParsers.duration(flowTest.spec.reportInterval) ?? .seconds(10), .seconds(10)))
    }

    /// `pods` with those of `names` that the cache does not have read from the API: a pod the
    /// watch has not delivered yet (just created) must not be taken for one that is gone. In a
    /// running test the cache has them all, and this asks nothing.
    private func confirmingMissing(_ names: [String], in pods: [String: PodState], namespace: String) async throws -> [String: PodState] {
        var pods = pods
        for name in names where pods[name] == nil {
            do {
                let pod: JSONValue = try await client.get(.pods, namespace: namespace, name: name)
                pods[name] = PodState(pod)
            } catch .notFound {}
        }
        return pods
    }

    /// How long the controller waits, once the generators have ended, for the echo servers' final
    /// reports: an echo that is stopped reports at once but may retry for its final-report timeout
    /// (20 s); one left running (cleanupPolicy Never) reports within an interval.
    static func reportCollectionTimeout(reportInterval: Duration) -> Duration {
        max(reportInterval, .seconds(20)) + .seconds(10)
    }

    /// Generators have all ended. A terminal phase is written only once every agent's final report
    /// is in, or a bound has passed (DESIGN.md, decision 6), so what `kubectl wait` releases is
    /// complete: the echo servers are stopped first (unless cleanupPolicy is Never), which makes
    /// them write their final reports, and the ReportsComplete condition says who never did.
    private func collectFinalReports(
        _ flowTest: FlowTest, status: FlowTestStatus, children: ChildObjects, pods: [String: PodState], conditions: ConditionList
    ) async throws -> Outcome {
        var conditions = conditions
        let generation = flowTest.metadata.generation ?? 1
        let namespace = flowTest.metadata.namespace ?? "default"
        let echoNames = flowTest.spec.target.mode == .external ? [] : (0..<Int(flowTest.spec.echo.replicas)).map(children.names.echoPod)
        let generatorNames = (0..<Int(flowTest.spec.generators.replicas)).map(children.names.generatorPod)
        let interval = ValueParsers.duration(flowTest.spec.reportInterval) ?? .seconds(10)
        let timeout = Self.reportCollectionTimeout(reportInterval: interval)

        guard let collecting = conditions.conditions.first(where: { $0.type == FlowTestCondition.Kind.reportsComplete }),
            let since = FlowTestStatus.date(collecting.lastTransitionTime)
        else {
            conditions.set(
                FlowTestCondition.Kind.reportsComplete, false, reason: "WaitingForFinalReports",
                message: "generators finished; waiting up to \(timeout.flowTestText) for the final reports of \(echoNames.isEmpty ? "the generators" : BoundedList.text(echoNames, separator: ", "))",
                generation: generation)
            try await writeStatus(flowTest, phase: .running, conditions: conditions, generation: generation)
            try await stopEcho(flowTest, echoNames: echoNames, pods: pods)
            return .requeue(after: .milliseconds(500))
        }
        // Again on every pass: a delete that failed on the first one is not left undone.
        try await stopEcho(flowTest, echoNames: echoNames, pods: pods)
        // Read the reports now, from the API rather than the cache: the pods were listed after the
        // cache was read, and an agent writes its final report before its pod ends, so only a read
        // from now on has them all. One list of the test's reports, once per pass of collection.
        let fresh = try await fetch(namespace: namespace, name: flowTest.metadata.name ?? "")
        let agents = Self.ownAgents(try await freshReports(namespace: namespace, flowTest: flowTest.metadata.name ?? ""), of: flowTest)
        // An echo left running has reported everything once it reports a second after the
        // generators ended (accepts are counted when they happen, and every flow is over).
        let fresher = since.addingTimeInterval(1)
        let echoPending = echoNames.filter { name in
            guard let latest = agents[name]?.latest else { return true }
            return !latest.finished && (FlowTestStatus.date(latest.reportTime).map { $0 < fresher } ?? true)
        }
        if !echoPending.isEmpty, Date().timeIntervalSince(since) < timeout.seconds {
            return .requeue(after: .milliseconds(500))
        }
        // Generators have exited: a final report that is not in now never will be.
        let generatorsMissing = generatorNames.filter { agents[$0]?.latest?.finished != true }
        let missing = generatorsMissing.map { name in pods[name].map { "\(name) (\($0.description))" } ?? "\(name) (pod gone)" }
            + echoPending.map { "\($0) (no report after the generators ended within \(timeout.flowTestText))" }
            + UnfinishedIncarnations(agents: agents, pods: pods, replaced: fresh.flatMap { FlowTestStatus.lenient($0["status"]).status?.replacedPods } ?? status.replacedPods ?? [])
            .describe(generatorNames + echoNames)
        if missing.isEmpty {
            conditions.set(
                FlowTestCondition.Kind.reportsComplete, true, reason: "AllAgentsReported",
                message: "final reports from \(generatorNames.count) generators and \(echoNames.count) echo servers", generation: generation)
        } else {
            conditions.set(
                FlowTestCondition.Kind.reportsComplete, false, reason: "AgentsNotReported",
                message: "no final report from: " + BoundedList.text(missing), generation: generation)
        }
        return try await finish(flowTest, agents: agents, pods: pods, generatorNames: generatorNames, conditions: conditions)
    }

    /// The test's reports as stored now, by agent pod (one paginated list, label-selected).
    func freshReports(namespace: String, flowTest name: String) async throws -> [String: AgentStatus] {
        let page: ListPage<JSONValue> = try await client.listAll(.flowTestReports, namespace: namespace, labelSelector: "\(FlowTestReport.nameLabel)=\(name)")
        var agents: [String: AgentStatus] = [:]
        for object in page.items {
            if let (pod, agent) = ReportCache.report(in: object) { agents[pod] = agent }
        }
        return agents
    }

    /// Deletes the echo pods still running, unless cleanupPolicy Never keeps them: their work is
    /// done, and the SIGTERM makes each write its final report and exit.
    private func stopEcho(_ flowTest: FlowTest, echoNames: [String], pods: [String: PodState]) async throws {
        guard flowTest.spec.cleanupPolicy != .never else { return }
        for name in echoNames where pods[name].map({ !$0.deleting }) ?? false {
            try await deleteIfPresent(.pods, namespace: flowTest.metadata.namespace, name: name)
        }
    }

    /// Writes the verdict from the collected reports: thresholds, then failed generator pods.
    private func finish(
        _ flowTest: FlowTest, agents: [String: AgentStatus], pods: [String: PodState], generatorNames: [String], conditions: ConditionList
    ) async throws -> Outcome {
        var conditions = conditions
        // The collected reports are fresher than the cache's: the counts come from them.
        var flowTest = flowTest
        flowTest.status?.agents = agents
        let generation = flowTest.metadata.generation ?? 1
        let startTime = flowTest.status?.startTime.flatMap(FlowTestStatus.date) ?? Date()
        var outcome = FlowTestStatus.completed(spec: flowTest.spec, generation: generation, agents: agents, startTime: startTime, completionTime: Date())
        for condition in outcome.conditions ?? [] where condition.type != FlowTestCondition.Kind.accepted {
            conditions.set(condition.type, condition.status == "True", reason: condition.reason, message: condition.message, generation: generation)
        }
        let failed = generatorNames.filter { pods[$0].map { $0.phase == "Failed" } ?? true }
        if !failed.isEmpty {
            let described = failed.map { name in pods[name]?.problem.map { "\(name) (\($0))" } ?? name }
            let message = "\(failed.count) of \(generatorNames.count) generator pods failed: \(BoundedList.text(described, separator: ", "))"
            outcome.phase = .failed
            conditions.set(FlowTestCondition.Kind.succeeded, false, reason: "GeneratorFailed", message: message, generation: generation)
            conditions.set(FlowTestCondition.Kind.failed, true, reason: "GeneratorFailed", message: message, generation: generation)
        }
        let phase = outcome.phase ?? .failed
        try await writeStatus(flowTest, phase: phase, conditions: conditions, generation: generation, summary: outcome.summary,
            disruption: outcome.disruption, completionTime: Date())
        let verdict = conditions.conditions.first { $0.type == FlowTestCondition.Kind.succeeded }
        await events.record(flowTest, phase == .succeeded ? .normal : .warning, reason: verdict?.reason ?? phase.rawValue, note: verdict?.message ?? "")
        try await cleanUp(flowTest, succeeded: phase == .succeeded)
        return .done
    }
}
