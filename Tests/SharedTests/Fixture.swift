import FakeKubernetes
import Foundation

/// A recorded kube-apiserver exchange from shared/kube-apiserver-fixtures.
struct Fixture {
    var statusCode: Int
    var headers: [String: String]
    var body: Data
    /// The request line's method and path: `POST`, `/api/v1/namespaces/fixtures/pods`.
    var requestMethod: String
    var requestPath: String
    /// The request's body (the `> ` lines after the lone `>`); empty for a request without one.
    var requestBody: Data

    static let directory = RepositoryFile.root.deletingLastPathComponent().appendingPathComponent("shared/kube-apiserver-fixtures")

    init(_ prefix: String) throws {
        let name = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).first { $0.hasPrefix(prefix + "-") }!
        let text = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        let requestLine = lines.first { $0.hasPrefix("> ") }!.dropFirst(2).split(separator: " ")
        (requestMethod, requestPath) = (String(requestLine[0]), String(requestLine[1]))
        let requestLines = lines.drop { $0 != ">" }.dropFirst().prefix { $0.hasPrefix("> ") }
        requestBody = Data(requestLines.map { String($0.dropFirst(2)) }.joined(separator: "\n").utf8)
        let statusLine = lines.first { $0.hasPrefix("< HTTP/") }!
        statusCode = Int(statusLine.split(separator: " ")[2])!
        headers = [:]
        for line in lines where line.hasPrefix("< ") && line.contains(": ") {
            let parts = line.dropFirst(2).split(separator: ":", maxSplits: 1)
            headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        // The body is everything after the lone "<" that ends the response headers.
        let end = lines.lastIndex(of: "<")!
        lines.removeFirst(end + 1)
        body = Data(lines.joined(separator: "\n").utf8)
    }
}
