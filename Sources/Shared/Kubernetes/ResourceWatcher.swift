import Logging

/// Lists a resource, then watches it for as long as it is iterated, never missing a change.
///
/// Each watch resumes from the last resourceVersion seen (bookmarks included) and is restarted
/// by the server before its idle timeout; a 410 Gone, or any watch failure, leads to a fresh list,
/// delivered as a `.listed` snapshot so the consumer can reconcile everything in it.
public struct ResourceWatcher<Object: Decodable & Sendable>: Sendable {
    public enum Update: Sendable {
        /// The complete current set (after the first list and every relist).
        case listed([Object])
        case added(Object)
        case modified(Object)
        case deleted(Object)
    }

    public let client: KubernetesClient
    public let kind: ResourceKind
    public let namespace: String?
    public var labelSelector: String?
    /// Seconds each watch request lasts before the server ends it and it is resumed.
    public var watchTimeoutSeconds = 290
    /// Pause before relisting after an error, so a broken server is not hammered.
    public var relistBackoff: Duration = .seconds(1)
    /// Called for every (re)list and watch restart, for metrics.
    public var onRestart: @Sendable (_ relisted: Bool) -> Void = { _ in }

    public init(client: KubernetesClient, kind: ResourceKind, namespace: String?, labelSelector: String? = nil) {
        self.client = client
        self.kind = kind
        self.namespace = namespace
        self.labelSelector = labelSelector
    }

    /// Runs until the consuming task is cancelled; `handle` is awaited for each update in order.
    public func run(_ handle: @Sendable (Update) async -> Void) async {
        var resourceVersion: String?
        while !Task.isCancelled {
            if resourceVersion == nil {
                do {
                    let list: ListPage<Object> = try await client.listAll(kind, namespace: namespace, labelSelector: labelSelector)
                    resourceVersion = list.resourceVersion
                    onRestart(true)
                    await handle(.listed(list.items))
                } catch {
                    client.logger.warning("list failed; retrying", metadata: ["resource": "\(kind.plural)", "error": "\(error)"])
                    try? await Task.sleep(for: relistBackoff)
                    continue
                }
            }
            do {
                let events: AsyncThrowingStream<WatchEvent<Object>, any Error> = try client.watch(
                    kind, namespace: namespace, resourceVersion: resourceVersion, labelSelector: labelSelector,
                    timeoutSeconds: watchTimeoutSeconds)
                for try await event in events {
                    if let version = event.resourceVersion { resourceVersion = version }
                    switch (event.type, event.object) {
                    case (.added, let object?): await handle(.added(object))
                    case (.modified, let object?): await handle(.modified(object))
                    case (.deleted, let object?): await handle(.deleted(object))
                    default: break
                    }
                }
                // A clean end is the server's timeout: resume from where we are.
                onRestart(false)
            } catch {
                if case KubernetesError.gone = error {
                    client.logger.info("watch expired (410); relisting", metadata: ["resource": "\(kind.plural)"])
                } else if !Task.isCancelled {
                    client.logger.warning("watch failed; relisting", metadata: ["resource": "\(kind.plural)", "error": "\(error)"])
                    try? await Task.sleep(for: relistBackoff)
                }
                resourceVersion = nil
            }
        }
    }
}
