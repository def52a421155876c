import FlowTestShared
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A plain HTTP GET against a local endpoint.
enum HTTPGet {
    static func fetch(_ url: String, timeout: Duration = .seconds(60)) async throws -> (status: Int, body: String) {
        let request = URLRequest(url: URL(string: url)!, timeoutInterval: timeout.seconds)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }
}
