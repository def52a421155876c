import FlowTestShared
import Foundation
import NIOCore
import NIOHTTP1

/// Collects each HTTP request, asks the store, and writes the answer: whole, or as a watch stream
/// (HTTP/1.1 chunked, one JSON event per line) that ends at its timeout.
final class FakeAPIHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let store: FakeAPIStore
    private var head: HTTPRequestHead?
    private var body = Data()
    private var watchID: UUID?

    init(store: FakeAPIStore) {
        self.store = store
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = Data()
        case .body(var buffer):
            body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
        case .end:
            guard let head else { return }
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard !store.holdIfAway(context.channel) else { return }
        let components = URLComponents(string: "http://fake" + head.uri)
        var query: [String: String] = [:]
        for item in components?.queryItems ?? [] { query[item.name] = item.value ?? "" }
        var headers: [String: String] = [:]
        for (name, value) in head.headers { headers[name.lowercased()] = value }
        let response = store.handle(method: head.method.rawValue, path: components?.path ?? head.uri, query: query, headers: headers, body: body)
        switch response {
        case .full(let status, let body, let extra):
            var responseHeaders = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", String(body.count))])
            for (name, value) in extra { responseHeaders.add(name: name, value: value) }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .init(statusCode: status), headers: responseHeaders))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        case .watch(let request):
            stream(request, version: head.version, context: context)
        }
    }

    private func stream(_ request: FakeWatchRequest, version: HTTPVersion, context: ChannelHandlerContext) {
        let headers = HTTPHeaders([("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")])
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: .ok, headers: headers))), promise: nil)
        if let expired = request.expired {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: expired)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            return
        }
        for line in request.backlog { context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: line)))), promise: nil) }
        context.flush()
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        let sink = FakeWatchSink(
            route: request.route, selector: request.selector,
            send: { line in loop.execute { bound.value.0.write(line, bound.value.1) } },
            end: { loop.execute { bound.value.0.endWatch(bound.value.1) } })
        watchID = store.register(sink, after: request.coveredRevision)
        // A BOOKMARK a second before the server ends the watch, as the real one sends (fixture 12).
        if request.timeout > .seconds(1) {
            loop.assumeIsolated().scheduleTask(in: TimeAmount(request.timeout - .seconds(1))) { [self] in
                if watchID != nil, let bookmark = store.bookmark(for: request) { write(bookmark, context) }
            }
        }
        loop.assumeIsolated().scheduleTask(in: TimeAmount(request.timeout)) { [self] in endWatch(context) }
    }

    private func write(_ line: Data, _ context: ChannelHandlerContext) {
        guard watchID != nil else { return }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: line)))), promise: nil)
    }

    private func endWatch(_ context: ChannelHandlerContext) {
        guard let id = watchID else { return }
        watchID = nil
        store.unregister(id)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let id = watchID { store.unregister(id) }
        watchID = nil
        context.fireChannelInactive()
    }
}
