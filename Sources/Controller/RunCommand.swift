import ArgumentParser
import FlowTestShared
import Foundation
import Logging
import Prometheus
import ServiceLifecycle

/// `flowtest-controller run`: watch FlowTests and run them.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Watch FlowTests and reconcile them into running agents (flags also read FLOWTEST_* variables).")

    @Option(help: "kubeconfig to use; default: the pod's service account (env FLOWTEST_KUBECONFIG).")
    var kubeconfig: String?
    @Option(help: "Comma-separated namespaces to watch; default: all (env FLOWTEST_NAMESPACES).")
    var namespaces: String?
    @Option(help: "FlowTests reconciled at once (env FLOWTEST_WORKERS, default 2).")
    var workers: String?
    @Option(help: "Agent image (env FLOWTEST_AGENT_IMAGE).")
    var agentImage: String?
    @Option(help: "Agent image pull policy: Always, IfNotPresent, Never (env FLOWTEST_AGENT_IMAGE_PULL_POLICY, default IfNotPresent).")
    var agentImagePullPolicy: String?
    @Option(help: "Agent CPU request (env FLOWTEST_AGENT_CPU_REQUEST, default 100m).")
    var agentCpuRequest: String?
    @Option(help: "Agent memory request (env FLOWTEST_AGENT_MEMORY_REQUEST, default 64Mi).")
    var agentMemoryRequest: String?
    @Option(help: "Agent memory limit (env FLOWTEST_AGENT_MEMORY_LIMIT, default 512Mi).")
    var agentMemoryLimit: String?
    @Option(help: "Tolerations for every agent pod, as a JSON array (env FLOWTEST_AGENT_TOLERATIONS).")
    var agentTolerations: String?
    @Flag(help: "Hold a Lease before reconciling, so several replicas are safe (env FLOWTEST_LEADER_ELECT).")
    var leaderElect = false
    @Option(help: "Namespace of the leader Lease; default: the controller's own (env FLOWTEST_LEASE_NAMESPACE).")
    var leaseNamespace: String?
    @Option(help: "Name of the leader Lease (env FLOWTEST_LEASE_NAME, default flowtest-controller).")
    var leaseName: String?
    @Option(help: "This replica's identity in the Lease; default: the host (pod) name (env FLOWTEST_IDENTITY).")
    var identity: String?
    @OptionGroup var common: ControllerCommonOptions

    func run() async throws {
        let resolver = SettingResolver(environment: ProcessInfo.processInfo.environment)
        let settings = try ControllerSettings.resolve(self, resolver)
        LoggingSetup.bootstrap(format: settings.logFormat, level: settings.logLevel)
        let logger = Logger(label: "flowtest.controller")
        let configuration: KubernetesConfiguration
        do {
            configuration = try settings.kubeconfig.map { path throws(KubernetesConfigurationError) in try KubeconfigLoader.load(path: path) }
                ?? KubernetesConfiguration.inCluster()
        } catch {
            throw ValidationError("cannot reach the Kubernetes API: \(error)")
        }
        let client = KubernetesClient(configuration: configuration, requestTimeout: ControllerSettings.requestTimeout, logger: logger)
        let registry = PrometheusCollectorRegistry()
        let readiness = ReadinessState()
        let metrics = ControllerMetrics(registry: registry)
        let reconciler = FlowTestReconciler(
            client: client, settings: settings.agentPods, events: EventRecorder(client: client, instance: settings.identity, logger: logger), logger: logger,
            metrics: metrics, reports: ReportCache(namespaces: settings.namespaces, logger: logger),
            pods: PodCache(namespaces: settings.namespaces))
        let controller = ControllerService(
            client: client, reconciler: reconciler, namespaces: settings.namespaces, workers: settings.workers, metrics: metrics, logger: logger)
        let election = settings.leaderElect
            ? LeaderElector(client: client, namespace: settings.leaseNamespace ?? configuration.namespace, name: settings.leaseName, identity: settings.identity, logger: logger)
            : nil
        let telemetry = try await TelemetryServer.bind(
            host: settings.metricsAddress, port: settings.metricsPort, registry: registry, readiness: readiness, logger: logger)
        readiness.markReady()
        var group = ServiceGroupConfiguration(
            services: [.init(service: telemetry), .init(service: ControllerRunner(controller: controller, election: election, metrics: metrics))],
            logger: logger)
        group.gracefulShutdownSignals = [.sigterm, .sigint]
        try await ServiceGroup(configuration: group).run()
    }
}
