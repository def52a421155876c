import NIOCore
import NIOHTTP1
import Prometheus

/// Serves `/metrics` (Prometheus text format), `/healthz` (liveness) and `/readyz` (readiness).
///
/// Kept to three fixed routes on NIOHTTP1 rather than a web framework: it is all the agents and
/// the controller need, and a framework would add minutes to every clean build.
final class TelemetryHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let registry: PrometheusCollectorRegistry
    private let readiness: ReadinessState
    private let beforeScrape: @Sendable () -> [UInt8]
    private var request: HTTPRequestHead?

    init(registry: PrometheusCollectorRegistry, readiness: ReadinessState, beforeScrape: @escaping @Sendable () -> [UInt8]) {
        self.registry = registry
        self.readiness = readiness
        self.beforeScrape = beforeScrape
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): request = head
        case .body: break  // No route takes a body; ignore it rather than buffer it.
        case .end:
            guard let head = request else { return }
            request = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        guard head.method == .GET || head.method == .HEAD else {
            return send(.methodNotAllowed, "only GET and HEAD are served\n", head: head, context: context)
        }
        switch path {
        case "/metrics":
            // Statistics are folded into the registry just before it is read, so a scrape always
            // sees current values while the per-packet path never touches a metric lock; the
            // series the registry cannot hold (histograms summed over event loops) follow its own.
            let appended = beforeScrape()
            var body = registry.emitToBuffer()
            body.append(contentsOf: appended)
            send(.ok, body, contentType: "text/plain; version=0.0.4; charset=utf-8", head: head, context: context)
        case "/healthz", "/livez":
            send(.ok, "ok\n", head: head, context: context)
        case "/readyz":
            let ready = readiness.isReady
            send(ready ? .ok : .serviceUnavailable, readiness.reason + "\n", head: head, context: context)
        default:
            send(.notFound, "not found: try /metrics, /healthz or /readyz\n", head: head, context: context)
        }
    }

    private func send(_ status: HTTPResponseStatus, _ text: String, head: HTTPRequestHead, context: ChannelHandlerContext) {
        send(status, Array(text.utf8), contentType: "text/plain; charset=utf-8", head: head, context: context)
    }

    private func send(
        _ status: HTTPResponseStatus, _ body: [UInt8], contentType: String, head: HTTPRequestHead,
        context: ChannelHandlerContext
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.count))
        let keepAlive = head.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let responseHead = HTTPResponseHead(version: head.version, status: status, headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        let done = context.writeAndFlushPromise(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A malformed request from one client closes that connection only.
        context.close(promise: nil)
    }
}

extension ChannelHandlerContext {
    fileprivate func writeAndFlushPromise(_ data: NIOAny) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        writeAndFlush(data, promise: promise)
        return promise.futureResult
    }
}
